# SPDX-License-Identifier: Apache-2.0
# Malformed input of every kind: exit 1, one line on stderr naming the key
# or the problem, nothing on stdout, no file left behind, no engine run.
. "$TESTS_DIR/lib.sh"
touch "$SCRATCH/disk.img"
export FAKE_ENGINE_RECORD="$SCRATCH/engine-ran"
FP=01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67
VDDK='{"vm_name":"vm","transport_method":"vddk","vmware_uri":"esx://h","vmware_password":"pw","vmware_fingerprint":"'$FP'","export_domain":"nfs:/e"}'

# expect_error DESCRIPTION EXPECTED-SUBSTRING  (input in $SCRATCH/input.json)
expect_error() {
    "$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
    local rc=$? lines
    lines=$(wc -l < "$SCRATCH/stderr")
    if [ "$rc" != 1 ]; then fail "$1: exit $rc, expected 1"; return; fi
    if [ "$lines" != 1 ]; then fail "$1: $lines lines on stderr: $(cat "$SCRATCH/stderr")"; return; fi
    if ! grep -qF -- "$2" "$SCRATCH/stderr"; then fail "$1: stderr lacks '$2': $(cat "$SCRATCH/stderr")"; return; fi
    if ! grep -q '^virt-v2v-wrapper: ' "$SCRATCH/stderr"; then fail "$1: no program prefix"; return; fi
    if [ -s "$SCRATCH/stdout" ]; then fail "$1: stdout not empty"; return; fi
    if ! no_files_left; then fail "$1: files left: $(ls "$V2VW_STATE_DIR" "$V2VW_LOG_DIR")"; return; fi
    if [ -e "$FAKE_ENGINE_RECORD" ]; then fail "$1: the engine ran"; rm -f "$FAKE_ENGINE_RECORD"; return; fi
    pass
}
bad() { printf '%s' "$2" > "$SCRATCH/input.json"; expect_error "$1" "$3"; }
bad_jq() { input_local "$2" > "$SCRATCH/input.json"; expect_error "$1" "$3"; }

bad "empty input" "" "no input"
bad "whitespace only" "   
 " "no input"
bad "not JSON" "hello" "not valid JSON"
bad "truncated" '{"vm_name": "x"' "unexpected end of input"
bad "array" '[1,2]' "must be one JSON object"
bad "string" '"vm"' "must be one JSON object"
bad "trailing data" '{"vm_name":"x"} {"a":1}' "not valid JSON"
bad "single quotes" "{'vm_name':'x'}" "not valid JSON"
bad "trailing comma" '{"vm_name":"x",}' "not valid JSON"
printf '{"vm_name":"\xff\xfe"}' > "$SCRATCH/input.json"; expect_error "invalid UTF-8" "not valid JSON"
printf '{"vm_name":"a\0b"}' > "$SCRATCH/input.json"; expect_error "raw NUL byte" "NUL byte"
head -c 1100000 /dev/zero | tr '\0' ' ' > "$SCRATCH/input.json"; expect_error "huge input" "larger than 1048576 bytes"
bad_jq "missing vm_name" 'del(.vm_name)' '"vm_name" is required'
bad_jq "vm_name number" '.vm_name = 5' '"vm_name" must be a string'
bad_jq "vm_name empty" '.vm_name = ""' '"vm_name" must not be empty'
bad_jq "vm_name newline" '.vm_name = "a\nb"' '"vm_name" must not contain control characters'
bad_jq "vm_name NUL escape" '.vm_name = "a\u0000b"' '"vm_name" must not contain NUL'
bad_jq "vm_name like an option" '.vm_name = "-os=/tmp/elsewhere"' '"vm_name" must not start with "-"'
bad_jq "vm_name 10 kB" ".vm_name = \"$(head -c 10240 /dev/zero | tr '\0' a)\"" '"vm_name" is too long'
bad_jq "missing transport" 'del(.transport_method)' '"transport_method" is required'
bad_jq "unknown transport" '.transport_method = "ftp"' '"transport_method" must be one of'
bad_jq "transport null" '.transport_method = null' '"transport_method" is required'
bad_jq "disk without source_path" 'del(.source_path)' '"source_path" is required'
bad_jq "relative source_path" '.source_path = "disk.img"' '"source_path" must be an absolute path'
bad_jq "daemonize string" '.daemonize = "yes"' '"daemonize" must be true or false'
bad_jq "output_format" '.output_format = "vmdk"' '"output_format" must be "raw" or "qcow2"'
bad_jq "allocation" '.allocation = 1' '"allocation" must be a string'
bad_jq "allocation value" '.allocation = "thin"' '"allocation" must be "preallocated" or "sparse"'
bad_jq "source_disks object" '.source_disks = {}' '"source_disks" must be an array of strings'
bad_jq "source_disks number entry" '.source_disks = ["a", 2]' '"source_disks" must be an array of non-empty strings'
bad_jq "source_disks twice" '.source_disks = ["a", "a"]' '"source_disks" names "a" twice'
bad_jq "network_mappings string" '.network_mappings = "x"' '"network_mappings" must be an array of objects with "source" and "destination"'
bad_jq "network_mappings no destination" '.network_mappings = [{"source":"a"}]' '"network_mappings" must be an array of objects with "source" and "destination"'
bad_jq "network_mappings bad mac" '.network_mappings = [{"source":"a","destination":"b","mac_address":"zz"}]' '"mac_address" must look like'
bad_jq "install_drivers string" '.install_drivers = "true"' '"install_drivers" must be true or false'
bad_jq "virtio_win relative path" '.virtio_win = "a/b.iso"' '"virtio_win" must be an absolute path or a plain file name'
bad_jq "virtio_win missing file" '.virtio_win = "/nonexistent/x.iso"' '"virtio_win": /nonexistent/x.iso is not a regular file'
bad_jq "virtio_win bare name" '.virtio_win = "virtio-win.iso"' 'oVirt ISO domain'
bad_jq "throttling string" '.throttling = "50%"' '"throttling" must be a JSON object'
bad_jq "throttling cpu word" '.throttling = {"cpu": "fast"}' '"cpu" must be a whole percent'
bad_jq "throttling network negative" '.throttling = {"network": "-5"}' '"network" must be a positive number'
bad_jq "throttling network number" '.throttling = {"network": 5}' '"network" must be a string'
bad_jq "luks vault relative" '.luks_keys_vault = "vault.json"' '"luks_keys_vault" must be an absolute path'
bad_jq "insecure_connection" '.insecure_connection = 1' '"insecure_connection" must be true or false'
bad_jq "no target" 'del(.local_storage)' 'no target specified'
bad_jq "local_storage relative" '.local_storage = "out"' '"local_storage" must be an absolute path'
bad_jq "local_storage missing dir" '.local_storage = "/nonexistent-dir"' '"local_storage": /nonexistent-dir is not a directory'
bad_jq "osp without its keys" 'del(.local_storage) | .osp_environment = {}' '"osp_destination_project_id" is required'
bad_jq "pod mode without /data/vm" 'del(.local_storage) | .daemonize = false' '"daemonize": false (Kubernetes pod mode): /data/vm is not a directory'
bad_jq "libvirt pool missing (libvirt test driver)" 'del(.local_storage) | .libvirt_pool = "nosuchpool" | .libvirt_uri = "test:///default"' '"libvirt_pool": there is no storage pool "nosuchpool" at test:///default'
bad_jq "libvirt uri unreachable" 'del(.local_storage) | .libvirt_pool = "p" | .libvirt_uri = "nosuchdriver:///x"' '"libvirt_uri": cannot connect to nosuchdriver:///x'
bad_jq "ssh vm_name not a URI" '.transport_method = "ssh"' '"vm_name" must be an ssh:// URI'
bad_jq "export domain form" 'del(.local_storage) | .export_domain = "nfs-server"' '"export_domain" must be an NFS export'
bad_jq "rhv_url without password" 'del(.local_storage) | .rhv_url = "https://e/ovirt-engine/api"' '"rhv_password" is required'
bad_jq "rhv_url not a URL" 'del(.local_storage) | .rhv_url = "engine" | .rhv_password = "p" | .rhv_cluster = "c" | .rhv_storage = "s"' '"rhv_url" must be an https:// URL'
printf '%s' "$VDDK" | jq 'del(.vmware_password)' > "$SCRATCH/input.json"; expect_error "vddk without password" '"vmware_password" is required'
printf '%s' "$VDDK" | jq '.vmware_fingerprint = "abc"' > "$SCRATCH/input.json"; expect_error "vddk bad fingerprint" '"vmware_fingerprint" must be a SHA1 thumbprint'
printf '%s' "$VDDK" | jq 'del(.vmware_uri)' > "$SCRATCH/input.json"; expect_error "vddk without uri" '"vmware_uri" is required'
# The secret of a rejected document never shows in the error.
printf '%s' "$VDDK" | jq '.vmware_password = "S3cr3t-Pa55" | .vmware_fingerprint = 7' > "$SCRATCH/input.json"
expect_error "secret not echoed" '"vmware_fingerprint" must be a string'
check "error does not echo the password" sh -c "! grep -q S3cr3t-Pa55 '$SCRATCH/stderr'"
# A missing engine is an error before anything starts.
input_local > "$SCRATCH/input.json"
V2VW_ENGINE=/nonexistent/virt-v2v expect_error "engine missing" "cannot run the engine /nonexistent/virt-v2v"
finish
