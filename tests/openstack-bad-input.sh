# SPDX-License-Identifier: Apache-2.0
# OpenStack input rules (OPENSTACK.md): each rejected with exit 1 and one
# sentence, nothing left behind, no engine run, no REST call. No
# OpenStack needed.
. "$TESTS_DIR/lib.sh"
export FAKE_ENGINE_RECORD="$SCRATCH/engine-ran"
FP=01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67

osp_input() {
    jq -n --arg fp "$FP" '{
        vm_name: "vm1", transport_method: "vddk", vmware_uri: "esx://h", vmware_password: "pw",
        vmware_fingerprint: $fp,
        osp_environment: {os_auth_url: "http://127.0.0.1:9/v3", os_username: "admin",
                          os_password: "s3cret-osp", os_project_name: "admin"},
        osp_destination_project_id: "dest", osp_flavor_id: "f1", osp_security_groups_ids: [],
        osp_server_id: "appliance",
        network_mappings: [{source: "VM Network", destination: "net", mac_address: "52:54:00:01:02:03"}]}' \
        | jq "${1:-.}"
}

expect_error() {
    "$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
    local rc=$?
    if [ "$rc" != 1 ]; then fail "$1: exit $rc, expected 1"; return; fi
    if [ "$(wc -l < "$SCRATCH/stderr")" != 1 ]; then fail "$1: stderr: $(cat "$SCRATCH/stderr")"; return; fi
    if ! grep -qF -- "$2" "$SCRATCH/stderr"; then fail "$1: stderr lacks '$2': $(cat "$SCRATCH/stderr")"; return; fi
    if grep -q 's3cret-osp' "$SCRATCH/stderr"; then fail "$1: the password is in the error"; return; fi
    if [ -s "$SCRATCH/stdout" ]; then fail "$1: stdout not empty"; return; fi
    if ! no_files_left; then fail "$1: files left: $(ls "$V2VW_STATE_DIR" "$V2VW_LOG_DIR")"; return; fi
    if [ -e "$FAKE_ENGINE_RECORD" ]; then fail "$1: the engine ran"; rm -f "$FAKE_ENGINE_RECORD"; return; fi
    pass
}
bad() { osp_input "$2" > "$SCRATCH/input.json"; expect_error "$1" "$3"; }

bad "key without os prefix" '.osp_environment.auth_url = "x"' 'found invalid key in OSP environment: auth_url'
bad "key OSX_" '.osp_environment.osx_name = "x"' 'found invalid key in OSP environment: osx_name'
bad "key with a dot" '.osp_environment["os-a.b"] = "x"' '"osp_environment": the key "os-a.b" must be'
bad "key with = " '.osp_environment["os_a=b"] = "x"' '"osp_environment": the key "os_a=b" must be'
bad "same key twice" '.osp_environment["OS-USERNAME"] = "x"' 'os_username and OS-USERNAME are the same setting'
bad "object value" '.osp_environment.os_region_name = {}' 'the value of os_region_name must be a string, number or boolean'
bad "environment not an object" '.osp_environment = ["os_x"]' '"osp_environment" must be an object'
for k in osp_destination_project_id osp_flavor_id osp_security_groups_ids osp_server_id; do
    bad "missing $k" "del(.$k)" "\"$k\" is required"
done
bad "security groups not a list" '.osp_security_groups_ids = "sg"' '"osp_security_groups_ids" must be an array of strings'
bad "security group number" '.osp_security_groups_ids = [1]' '"osp_security_groups_ids" must be an array of non-empty strings'
bad "flavor number" '.osp_flavor_id = 3' '"osp_flavor_id" must be a string'
bad "server id with slash" '.osp_server_id = "../x"' 'must not contain control characters, "/"'
bad "volume type empty" '.osp_volume_type_id = ""' '"osp_volume_type_id" must not be empty'
bad "guest id number" '.osp_guest_id = 7' '"osp_guest_id" must be a string'
bad "insecure string" '.insecure_connection = "yes"' '"insecure_connection" must be true or false'
bad "mapping without mac" '.network_mappings += [{source: "b", destination: "n2"}]' 'Missing mac address in one of network mappings'
bad "mapping bad ip" '.network_mappings[0].ip_address = "300.1.1.1"' '"ip_address" must be an IPv4 or IPv6 address'
bad "no auth url" 'del(.osp_environment.os_auth_url)' '"osp_environment" has no os_auth_url'
bad "no password" 'del(.osp_environment.os_password)' '"osp_environment" has no os_password'
bad "no project" 'del(.osp_environment.os_project_name)' '"osp_environment" has no os_project_name'
bad "ftp auth url" '.osp_environment.os_auth_url = "ftp://h/v3"' 'os_auth_url must be an http:// or https:// URL'
# rhv_url and export_domain win over osp_environment (CONTRACT §4 order).
bad "rhv_url wins" '.rhv_url = "http://e" | .rhv_password = "p" | .rhv_cluster = "c" | .rhv_storage = "s"' '"rhv_url" must be an https:// URL'

finish
