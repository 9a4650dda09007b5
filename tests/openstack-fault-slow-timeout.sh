# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab: Nova answers the wait for the new
# server (GET /servers/ID) only after 60 s (the fault proxy holds it), past
# the calls' deadline of 20 s (V2VW_OSP_TIMEOUT). The step fails at the
# deadline, not when the answer comes, with a sentence naming the step,
# the call and the deadline; the server, the port and the volume removed.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
engine_volumes_unattached 1
# 20 s: above what the lab needs for any call (Nova's POST /servers took
# more than 5 s on a loaded machine), well below the delay.
export V2VW_OSP_TIMEOUT=20
GID=$(uuid) NAME=osp-slow-$$
SRV='/servers/[0-9a-f-]{36}$'
scenario '{"service": "compute", "method": "GET", "path": "/servers/[0-9a-f-]{36}$", "times": 1,
           "action": "delay", "seconds": 60}'
ON_STATUS='^cleaning up' ON_STATUS_DO='date +%s.%N > "$SCRATCH/t-cleanup"' \
    convert "$(doc_vddk "$NAME" "$GID" "$OWN_NIC")"
expect_failed '^Creating server failed: .*GET http://[^ ]*/servers/[0-9a-f-]{36}\b.*\b(20|20\.0|2000[0-9]) ?(s|seconds|ms|milliseconds)\b' \
    '["port","server","volume"]'
held=$(request_starts GET "$SRV" | head -1)
took=$(elapsed "$held" "$(cat "$SCRATCH/t-cleanup" 2>/dev/null || echo 0)")
echo "the cleanup began $took s after the held call"
check "the step failed at the deadline, not after the delay (cleanup began $took s after the call)" \
    within 19.5 "$took" 30
# A call past its deadline is not sent again: before the cleanup's DELETE
# of the server, the held GET was the only one.
check "the held call was not sent again" test "$(jq -s --arg re "$SRV" '
    (map(select(.method == "DELETE" and (.path | test($re)))) | first | .start) as $del
    | map(select(.method == "GET" and (.path | test($re)) and .start < $del)) | length' \
    "$SCRATCH/arrivals.jsonl")" = 1
finish
