# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab: the cleanup itself fails halfway
# (Neutron answers 503 to every port deletion). The volumes are still
# removed, the port is named in the final state as left with the reason,
# the state is finished.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
engine_volumes_unattached 1

GID=$(uuid) NAME=osp-cuf-$$
scenario '{"service": "network", "method": "DELETE", "path": "/ports/", "action": "status", "status": 503,
           "body": {"NeutronError": {"type": "ServiceUnavailable", "message": "Neutron is down", "detail": ""}}}'
convert "$(doc_vddk "$NAME" "$GID" '.osp_flavor_id = "no-such-flavor"')"
check "finished, failed with the step's sentence" \
    jq -e '.finished and .failed and (.last_message.message | startswith("Creating server failed"))' "$STATE"
check "the volume removed ($(state .cleanup.removed))" test "$(kinds .cleanup.removed)" = '["volume"]'
check "the port is left, with the reason ($(state .cleanup.left))" \
    jq -e '.cleanup.left | length == 1 and .[0].kind == "port"
           and (.[0].reason | test("^Deleting port failed: Neutron answered HTTP 503 to DELETE .*: Neutron is down$"))' "$STATE"
check "status says the cleanup is incomplete" test "$(state .status)" = '"cleanup incomplete"'
check "the port really is left" test "$(leftovers "$GID" "$NAME" | jq '.ports | length')" = 1
scenario
purge "$GID" "$NAME"
check "the test's purge left nothing" nothing_left "$GID" "$NAME"

finish
