# SPDX-License-Identifier: Apache-2.0
# The real wrapper with the oVirt outputs: full engine argv (upload secure
# and insecure, export domain), identity and environment, and end to end
# with the fake engine and the oVirt API test server: a failed upload has
# its disks removed before the state says finished; a successful one keeps
# them and reports vm_id. Needs root (the upload runs as vdsm 36:36).
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/ovirt-lib.sh"
need_root "the oVirt upload runs the engine as uid 36"
command -v jq >/dev/null || skip "jq missing"

# (As in the Python wrapper, --bridge ovirtmgmt opens the output arguments,
# after the network mappings: CONTRACT §3 order.)
# Everything the engine (uid 36) touches must be reachable by it.
engine_reachable_by_uid36
export V2VW_OVIRT_POLL_INTERVAL=0.1

ovirt_certs
ovirt_server_start
PASSWORD='ovirt S3cret&=%'
URL="https://admin@internal@127.0.0.1:$OVIRT_PORT/ovirt-engine/api"
USERS='"users": {"admin@internal": "ovirt S3cret&=%"}'
A=/ovirt-engine/api
T=/ovirt-engine/sso/oauth/token
L=/ovirt-engine/services/sso-logout

input_rhv() {  # jq edits
    jq -n --arg src "$SCRATCH/disk.img" --arg url "$URL" --arg pw "$PASSWORD" --arg ca "$SCRATCH/ca.pem" \
        '{vm_name: "testvm", transport_method: "disk", source_path: $src, rhv_url: $url,
          rhv_password: $pw, rhv_cluster: "Default", rhv_storage: "data", rhv_cafile: $ca}' | jq "${1:-.}"
}

records_are() { # DESCRIPTION, expected lines on stdin
    if ovirt_records >"$SCRATCH/records.txt" 2>&1 && diff -u - "$SCRATCH/records.txt"; then pass
    else fail "$1: requests differ"; fi
}
BASE="-v -x S/disk.img --root first --machine-readable=file:MR -i disk -on testvm"

# --- upload, secure, allocation from the storage domain type -----------------
ovirt_config "{$USERS, \"storage_domains\": [{\"name\": \"data\", \"type\": \"iscsi\"}]}"
expect_argv "rhv-upload, secure, allocation looked up" \
    "$(input_rhv '.network_mappings = [{"source": "VM Network", "destination": "ovirtmgmt"}]')" \
    "$BASE --bridge VM Network:ovirtmgmt --bridge ovirtmgmt -of raw -oa preallocated -o rhv-upload -oc $URL -os data -op SECRETS/rhv-password -oo rhv-cafile=S/ca.pem -oo rhv-cluster=Default -oo rhv-direct -oo rhv-verifypeer=true"
check "upload runs as vdsm:kvm" grep -qx "uid=36" "$FAKE_ENGINE_RECORD"
check "upload runs as gid 36" grep -qx "gid=36" "$FAKE_ENGINE_RECORD"
check "password file for the engine" grep -qF "/rhv-password mode=600 owner=36:36 content=$PASSWORD" "$FAKE_ENGINE_RECORD"
check "LIBGUESTFS_BACKEND=direct" grep -q "LIBGUESTFS_BACKEND=direct " "$FAKE_ENGINE_RECORD"
ovirt_records --times >"$SCRATCH/timings-lookup.txt"
records_are "allocation lookup" <<EOT
POST $T 200
GET $A/storagedomains?search=name%3D%22data%22&case_sensitive=true 200
POST $L 200
EOT

# --- upload, insecure, allocation given: no API call before the engine -------
ovirt_config "{$USERS}"
expect_argv "rhv-upload, insecure" \
    "$(input_rhv 'del(.rhv_cafile) | .insecure_connection = true | .allocation = "sparse" | .output_format = "qcow2"')" \
    "$BASE --bridge ovirtmgmt -of qcow2 -oa sparse -o rhv-upload -oc $URL -os data -op SECRETS/rhv-password -oo rhv-cafile=/etc/pki/vdsm/certs/cacert.pem -oo rhv-cluster=Default -oo rhv-direct -oo rhv-verifypeer=false"
check "no API call with allocation given" test ! -s ovirt-record.jsonl

# --- storage domain not found: error before anything starts ------------------
ovirt_config "{$USERS, \"storage_domains\": [{\"name\": \"data\", \"type\": \"nfs\"}, {\"name\": \"data\", \"type\": \"nfs\"}]}"
run_wrapper "$(input_rhv)"
check "two domains: exit 1" test "$RC" = 1
check "two domains: message" grep -qF 'Found 2 domains matching "data"' "$SCRATCH/stderr"
check "two domains: nothing on stdout" test -z "$OUT"

# --- export domain -------------------------------------------------------------
expect_argv "export domain" \
    "$(input_rhv 'del(.rhv_url, .rhv_password, .rhv_cluster, .rhv_storage, .rhv_cafile) | .export_domain = "nfs.example.com:/export" | .allocation = "sparse"')" \
    "$BASE --bridge ovirtmgmt -of raw -oa sparse -o rhv -os nfs.example.com:/export"
check "export domain runs as root" grep -qx "uid=0" "$FAKE_ENGINE_RECORD"
check "export domain: LIBGUESTFS_BACKEND=direct" grep -q "LIBGUESTFS_BACKEND=direct " "$FAKE_ENGINE_RECORD"

# --- end to end: failed upload, disks cleaned before finished -----------------
D1=11111111-2222-3333-4444-555555555551
D2=11111111-2222-3333-4444-555555555552
ovirt_config "{$USERS, \"delay\": 0.2, \"disks\": {\"$D1\": {\"locked_polls\": 1}},
  \"transfers\": [{\"id\": \"tr-1\", \"disk\": \"$D1\", \"phase\": \"transferring\"}]}"
rm -f "$FAKE_ENGINE_RECORD"
FAKE_ENGINE_SCENARIO=rhv-fail run_wrapper "$(input_rhv '.allocation = "sparse" | .source_disks = ["[ds] testvm/testvm.vmdk"]')"
check "daemon parent exits 0" test "$RC" = 0
STATE=$(jq -r .state_file <<<"$OUT")
WLOG=$(jq -r .wrapper_log <<<"$OUT")
check "failed upload finishes" wait_finished "$STATE" 60
# finished is written only after the cleanup: every request is in already.
ovirt_records --times >"$SCRATCH/timings-failed.txt"
records_are "cleanup after failure" <<EOT
POST $T 200
GET $A/imagetransfers 200
POST $A/imagetransfers/tr-1/cancel 200
GET $A/disks/$D1 200
GET $A/disks/$D2 404
GET $A/disks/$D1 200
DELETE $A/disks/$D1 200
POST $L 200
EOT
check "failed: true" test "$(state_field "$STATE" .failed)" = true
check "return_code 1" test "$(state_field "$STATE" .return_code)" = 1
check "no vm_id after failure" test "$(state_field "$STATE" .vm_id)" = null
check "last_message is the engine's error" grep -q "failed to finalize the disk upload" "$STATE"
check "cleanup logged" grep -q "Removed disk $D1" "$WLOG"
check "404 logged" grep -q "Disk $D2 does not exist" "$WLOG"
check "password not in the wrapper log" sh -c "! grep -qF '$PASSWORD' '$WLOG'"
check "password not in the state" sh -c "! grep -qF '$PASSWORD' '$STATE'"
check "password not recorded by the server" sh -c "! grep -qF '$PASSWORD' ovirt-record.jsonl"

# --- end to end: successful upload keeps its disks, reports vm_id -------------
ovirt_config "{$USERS, \"disks\": {\"$D1\": {}, \"$D2\": {}}}"
FAKE_ENGINE_SCENARIO=rhv-success run_wrapper "$(input_rhv '.allocation = "sparse"')"
STATE=$(jq -r .state_file <<<"$OUT")
check "successful upload finishes" wait_finished "$STATE" 60
check "vm_id from the OVF" test "$(state_field "$STATE" .vm_id)" = '"aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"'
check "failed: false" test "$(state_field "$STATE" .failed)" = false
check "nothing deleted after success" test ! -s ovirt-record.jsonl

echo "--- allocation lookup before the engine:"; cat "$SCRATCH/timings-lookup.txt"
echo "--- cleanup after the failed upload (server delay 0.2 s per request):"; cat "$SCRATCH/timings-failed.txt"
finish
