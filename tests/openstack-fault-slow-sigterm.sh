# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab: SIGTERM reaches the wrapper while
# a call hangs (Nova's answer to the wait for the new server, GET
# /servers/ID, held 120 s by the fault proxy; a GET, so nothing is created
# when the abandoned request goes through later). The wrapper abandons the
# call and starts the cleanup at once, not when the call would end; the
# state ends failed and finished; the server, the port and the volume are
# removed.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
engine_volumes_unattached 1
GID=$(uuid) NAME=osp-term-$$
SRV='/servers/[0-9a-f-]{36}$'
scenario '{"service": "compute", "method": "GET", "path": "/servers/[0-9a-f-]{36}$", "times": 1,
           "action": "delay", "seconds": 120}'
# Once the call is held by the proxy: SIGTERM, then note when the state
# shows the cleanup.
term_while_held() {
    wait_request GET "$SRV" 300 || return
    sleep 1
    answers GET "$SRV" > "$SCRATCH/answered-at-term"
    date +%s.%N > "$SCRATCH/t-term"
    kill -TERM "$(wrapper_daemon_pid "$STATE")"
    wait_status '^cleaning up' 200 && date +%s.%N > "$SCRATCH/t-cleanup"
}
ON_STATUS='^waiting for server' ON_STATUS_DO=term_while_held convert "$(doc_vddk "$NAME" "$GID" "$OWN_NIC")"
check "SIGTERM sent while the call was held" test -s "$SCRATCH/t-term"
took=$(elapsed "$(cat "$SCRATCH/t-term" 2>/dev/null || echo 0)" "$(cat "$SCRATCH/t-cleanup" 2>/dev/null || echo 1e10)")
echo "the cleanup began $took s after SIGTERM"
check "the cleanup began within 5 s of SIGTERM (after $took s)" within 0 "$took" 5
check "the held call was unanswered when SIGTERM came" test -z "$(cat "$SCRATCH/answered-at-term" 2>/dev/null)"
check "finished, failed, engine exit 0" test "$(state '[.finished, .failed, .return_code]')" = '[true,true,0]'
check "removed the server, the port, the volume ($(state .cleanup))" \
    test "$(kinds .cleanup.removed)" = '["port","server","volume"]'
check "nothing left over ($(state .cleanup.left))" test "$(state '.cleanup.left')" = '[]'
check "no vm_id" test "$(state .vm_id)" = null
check "status says cleaned up" test "$(state .status)" = '"cleaned up"'
check "nothing left in OpenStack" nothing_left "$GID" "$NAME"
finish
