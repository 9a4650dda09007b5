# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab, the engine fails and deletes its
# own volumes, as virt-v2v does: the state keeps the engine's error, the
# cleanup finds nothing of ours left, nothing is left in OpenStack.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
engine_volumes_unattached

GID=$(uuid) NAME=osp-efail-$$
export FAKE_ENGINE_DISKS=2 FAKE_ENGINE_SCENARIO=fail
convert "$(doc_vddk "$NAME" "$GID")"
check "finished, failed, return code 1" test "$(state '[.finished, .failed, .return_code]')" = '[true,true,1]'
check "the engine's error is the message ($(state .last_message.message))" \
    test "$(state .last_message.message)" = '"nbdcopy command failed, see earlier error messages"'
check "the engine's volumes were already gone: removed as gone ($(state .cleanup))" \
    test "$(kinds .cleanup.removed)" = '["volume","volume"]'
check "nothing left over" test "$(state '.cleanup.left')" = '[]'
check "no vm_id" test "$(state .vm_id)" = null
check "nothing left in OpenStack" nothing_left "$GID" "$NAME"
left=$("$CHECK_PY" volumes-exist $(jq -r '.volumes[]' "$FAKE_ENGINE_RECORD"))
check "the engine's volumes are gone ($left)" test -z "$left"
finish
