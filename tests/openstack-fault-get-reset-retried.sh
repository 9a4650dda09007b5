# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab: the connection of a GET (the
# network of the port to create) is closed without an answer once (the
# fault proxy shuts it down after reading the request). A GET may be sent
# again: the wrapper tries again after 1 s, logs it, and the conversion
# succeeds.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
engine_volumes_unattached 1
# Without the retry the step fails and the cleanup gives the server as long
# as a call's deadline before it looks for what the step may have created:
# 30 s keeps that short, far above any call the lab needs.
export V2VW_OSP_TIMEOUT=30
GID=$(uuid) NAME=osp-grr-$$
NET="/v2.0/networks/$OSPLAB_NETWORK_ID\$"
scenario "{\"service\": \"network\", \"method\": \"GET\", \"path\": \"$NET\", \"times\": 1, \"action\": \"reset\"}"
convert "$(doc_vddk "$NAME" "$GID" "$OWN_NIC")"
check "succeeded ($(state .last_message.message))" test "$(state '[.finished, .failed]')" = '[true,false]'
check "vm_id set" jq -e '.vm_id | type == "string" and length == 36' "$STATE" > /dev/null
check "2 tries of the GET: no answer, then 200 ($(answers GET "$NET"))" test "$(answers GET "$NET")" = "0 200"
echo "tries of the GET: $(answers GET "$NET"), gaps: $(gaps GET "$NET")"
check "tried again after 1 s (gap: $(gaps GET "$NET"))" gaps_are 1 "$(gaps GET "$NET")"
check "one retry line in the log, after 1 s (try 2 of 4)" \
    test "$(grep -cE "WARNING: .*GET http://[^ ]*/v2.0/networks/$OSPLAB_NETWORK_ID.*; trying again in 1 s \(try 2 of 4\)$" "$WLOG")" = 1
purge "$GID" "$NAME"
finish
