# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab: a GET (the network of the port to
# create) is answered HTTP 503 twice, then reaches Neutron (the fault proxy
# answers as Neutron does when it cannot serve). A GET may be sent again:
# the wrapper tries again after 1 s and 2 s, logs each retry, and the
# conversion succeeds.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
engine_volumes_unattached 1
# Without the retry the step fails and the cleanup gives the server as long
# as a call's deadline before it looks for what the step may have created:
# 30 s keeps that short, far above any call the lab needs.
export V2VW_OSP_TIMEOUT=30
GID=$(uuid) NAME=osp-g5r-$$
NET="/v2.0/networks/$OSPLAB_NETWORK_ID\$"
scenario "{\"service\": \"network\", \"method\": \"GET\", \"path\": \"$NET\", \"times\": 2,
           \"action\": \"status\", \"status\": 503}"
convert "$(doc_vddk "$NAME" "$GID" "$OWN_NIC")"
check "succeeded ($(state .last_message.message))" test "$(state '[.finished, .failed]')" = '[true,false]'
check "vm_id set" jq -e '.vm_id | type == "string" and length == 36' "$STATE" > /dev/null
check "3 tries of the GET, answered 503 503 200 ($(answers GET "$NET"))" test "$(answers GET "$NET")" = "503 503 200"
echo "tries of the GET: $(answers GET "$NET"), gaps: $(gaps GET "$NET")"
check "tried again after 1 s, then 2 s (gaps: $(gaps GET "$NET"))" gaps_are "1 2" "$(gaps GET "$NET")"
RETRY='WARNING: Neutron answered HTTP 503 to GET http://[^ ]*/v2.0/networks/'$OSPLAB_NETWORK_ID'; trying again in'
check "2 retry lines in the log" test "$(grep -cE "$RETRY" "$WLOG")" = 2
check "the first after 1 s (try 2 of 4)" grep -qE "$RETRY 1 s \(try 2 of 4\)$" "$WLOG"
check "the second after 2 s (try 3 of 4)" grep -qE "$RETRY 2 s \(try 3 of 4\)$" "$WLOG"
check "nothing failed, nothing cleaned up ($(state .cleanup))" test "$(state '.cleanup // {} | .removed // [] | length')" = 0
purge "$GID" "$NAME"
finish
