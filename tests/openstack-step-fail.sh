# OpenStack output against the real lab, a post-conversion step fails:
# exactly the resources created until then are removed (in both projects),
# the state is failed and finished with the step's sentence and a cleanup
# report. Real failures where the real services fail on demand (a MAC
# already in use, an unknown flavor); the fault proxy for the others (a
# volume that never becomes available, a refused transfer accept, a server
# that goes to ERROR, a 503, a slow answer).
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
export FAKE_ENGINE_DISKS=2

# expect_failed STEP-SENTENCE-REGEX REMOVED-TYPES(json, sorted)
expect_failed() {
    check "$CASE: finished, failed, engine exit 0" test "$(state '[.finished, .failed, .return_code]')" = '[true,true,0]'
    check "$CASE: message names the step ($(state .last_message.message))" \
        jq -e --arg re "$1" '.last_message.message | test($re)' "$STATE"
    check "$CASE: removed $2 ($(state .cleanup))" \
        test "$(state '[.cleanup.removed[].type] | sort')" = "$2"
    check "$CASE: nothing left over ($(state .cleanup.left))" test "$(state '.cleanup.left')" = '[]'
    check "$CASE: resources all gone ($(state .resources))" \
        test "$(state '[.resources.volumes, .resources.ports, .resources.transfers] | map(length) | add')" = 0
    check "$CASE: no vm_id" test "$(state .vm_id)" = null
    check "$CASE: nothing left in OpenStack" nothing_left "$GID" "$NAME"
    purge "$GID" "$NAME"
    scenario
}

# The engine polls its volumes too: the fault starts when the wrapper's
# steps do (Keystone answers slowly meanwhile, so the fault is in place
# before the first poll) and ends when the cleanup starts.
CASE="volume never available" GID=$(uuid) NAME=osp-vna-$$
SLOW_AUTH='{"service": "identity", "method": "POST", "action": "delay", "seconds": 1}'
NEVER='{"service": "volumev3", "method": "GET", "path": "/volumes/[0-9a-f-]{36}$", "action": "json",
        "set": {"volume.status": "creating"}}'
scenario "$SLOW_AUTH"
ON_STATUS='^authenticating' ON_STATUS_DO='scenario "$NEVER"; on_status "^cleaning up" scenario' \
    V2VW_OSP_VOLUME_TIMEOUT=2 convert "$(doc_vddk "$NAME" "$GID")"
expect_failed '^Volume did not get ready \(available\) for transfer within 2 seconds$' '["volume","volume"]'

CASE="transfer accept fails" GID=$(uuid) NAME=osp-taf-$$
scenario '{"service": "volumev3", "method": "POST", "path": "/accept$", "nth": 2, "times": 1, "action": "status",
           "status": 400, "body": {"badRequest": {"code": 400, "message": "Invalid auth key."}}}'
convert "$(doc_vddk "$NAME" "$GID")"
expect_failed '^Transferring volume 2/2 failed: Cinder answered HTTP 400 to POST http://.*/volume-transfers/.*/accept: Invalid auth key$' \
    '["transfer","volume","volume"]'

CASE="second port fails (MAC in use)" GID=$(uuid) NAME=osp-spf-$$
convert "$(doc_vddk "$NAME" "$GID" '.network_mappings += [.network_mappings[0] | .ip_address = "192.0.2.22"]')"
expect_failed '^Creating port 2/2 failed: Neutron answered HTTP 409 to POST http://.*/v2.0/ports: .*52:54:00:aa:00:01' \
    '["port","volume","volume"]'

CASE="server create fails (unknown flavor)" GID=$(uuid) NAME=osp-scf-$$
convert "$(doc_vddk "$NAME" "$GID" '.osp_flavor_id = "no-such-flavor"')"
expect_failed '^Creating server failed: Nova answered HTTP 400 to POST http://.*/servers: Flavor no-such-flavor could not be found$' \
    '["port","volume","volume"]'

CASE="server goes to ERROR" GID=$(uuid) NAME=osp-err-$$
scenario '{"service": "compute", "method": "GET", "path": "/servers/[0-9a-f-]{36}$", "action": "json",
           "set": {"server.status": "ERROR", "server.fault": {"code": 500, "message": "No valid host was found."}}}'
convert "$(doc_vddk "$NAME" "$GID")"
expect_failed '^Creating server failed: Nova put server [0-9a-f-]+ in status ERROR: No valid host was found\.$' \
    '["port","server","volume","volume"]'

CASE="503 creating the port" GID=$(uuid) NAME=osp-503-$$
scenario '{"service": "network", "method": "POST", "path": "/ports$", "times": 1, "action": "status",
           "status": 503, "body": "Service Unavailable"}'
convert "$(doc_vddk "$NAME" "$GID")"
expect_failed '^Creating port 1/1 failed: Neutron answered HTTP 503 to POST http://.*/v2.0/ports: Service Unavailable$' \
    '["volume","volume"]'

CASE="slow answer past the call deadline" GID=$(uuid) NAME=osp-slow-$$
scenario '{"service": "volumev3", "method": "GET", "path": "/volumes/detail\\?metadata=", "times": 1, "action": "delay",
           "seconds": 4}'
V2VW_OSP_TIMEOUT=2 convert "$(doc_vddk "$NAME" "$GID")"
expect_failed '^Finding the volumes failed: GET http://.*/volumes/detail\?metadata=.*: Operation timed out after' '["volume","volume"]'
# The answer to a port creation comes too late: we gave up, but the port
# exists. The cleanup looks for it by name (after giving the server as long
# again as our deadline) and removes it. (The first POST is the destination
# user's, refused by policy; the second, the admin's, is the slow one.)
CASE="port created after its deadline" GID=$(uuid) NAME=osp-late-$$
scenario '{"service": "network", "method": "POST", "path": "/ports$", "nth": 2, "times": 1, "action": "delay",
           "seconds": 3}'
V2VW_OSP_TIMEOUT=2 convert "$(doc_vddk "$NAME" "$GID")"
expect_failed '^Creating port 1/1 failed: POST http://.*/v2.0/ports: Operation timed out after' '["port","volume","volume"]'
finish
