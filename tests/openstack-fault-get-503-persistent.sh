# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab: a GET (the network of the port to
# create) is always answered HTTP 503, as Neutron answers when it cannot
# serve. The wrapper tries 4 times (again after 1 s, 2 s, 4 s), then the
# step fails with the 503's sentence and the cleanup removes the volume.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
engine_volumes_unattached 1
# A step that got no good answer may have created something: the cleanup
# gives the server as long as a call's deadline before it looks. 15 s keeps
# that short and is still far above any call the lab needs.
export V2VW_OSP_TIMEOUT=15
GID=$(uuid) NAME=osp-g5p-$$
NET="/v2.0/networks/$OSPLAB_NETWORK_ID\$"
scenario "{\"service\": \"network\", \"method\": \"GET\", \"path\": \"$NET\", \"action\": \"status\", \"status\": 503}"
convert "$(doc_vddk "$NAME" "$GID" "$OWN_NIC")"
expect_failed "^Creating port 1/1 failed: Neutron answered HTTP 503 to GET http://[^ ]*/v2.0/networks/$OSPLAB_NETWORK_ID: The server is currently unavailable. Please try again at a later time\$" \
    '["volume"]'
check "4 tries of the GET, no more ($(answers GET "$NET"))" test "$(answers GET "$NET")" = "503 503 503 503"
echo "tries of the GET: $(answers GET "$NET"), gaps: $(gaps GET "$NET")"
check "tried again after 1 s, 2 s, 4 s (gaps: $(gaps GET "$NET"))" gaps_are "1 2 4" "$(gaps GET "$NET")"
RETRY='WARNING: Neutron answered HTTP 503 to GET http://[^ ]*/v2.0/networks/'$OSPLAB_NETWORK_ID'; trying again in'
check "3 retry lines in the log" test "$(grep -cE "$RETRY" "$WLOG")" = 3
check "the last after 4 s (try 4 of 4)" grep -qE "$RETRY 4 s \(try 4 of 4\)$" "$WLOG"
check "no port was created" test "$(requests POST '/v2.0/ports$')" = 0
finish
