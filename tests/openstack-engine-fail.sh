# OpenStack output against the real lab, the engine fails: (1) it fails
# and deletes its own volumes, as virt-v2v does: the state keeps the
# engine's error, nothing is left; (2) it crashes with its 2 volumes still
# attached to the appliance: the wrapper finds them by guest id, detaches
# and deletes them, and lists them as removed.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"

GID=$(uuid) NAME=osp-efail-$$
export FAKE_ENGINE_DISKS=2 FAKE_ENGINE_SCENARIO=fail
convert "$(doc_vddk "$NAME" "$GID")"
check "fail: finished, failed, return code 1" test "$(state '[.finished, .failed, .return_code]')" = '[true,true,1]'
check "fail: the engine's error is the message" \
    test "$(state .last_message.message)" = '"nbdcopy command failed, see earlier error messages"'
check "fail: cleanup found nothing left to remove" test "$(state .cleanup)" = '{"removed":[],"left":[]}'
check "fail: no vm_id" test "$(state .vm_id)" = null
check "fail: nothing left in OpenStack" nothing_left "$GID" "$NAME"

GID=$(uuid) NAME=osp-crash-$$
export FAKE_ENGINE_SCENARIO=crash
convert "$(doc_vddk "$NAME" "$GID")"
check "crash: finished, failed" test "$(state '[.finished, .failed]')" = '[true,true]'
check "crash: the engine's 2 volumes removed" \
    test "$(state '[.cleanup.removed[].type] + [(.cleanup.left | length)]')" = '["volume","volume",0]'
check "crash: the engine's volumes recorded as ours" \
    test "$(jq -c '.volumes | sort' "$FAKE_ENGINE_RECORD")" = "$(state '[.cleanup.removed[].id] | sort')"
check "crash: volumes detached from the appliance first" grep -q 'os-volume_attachments' "$WLOG"
# (The engine sets the guest id property only at its end: these volumes do
# not have it, so look for them by their ids.)
left=$("$CHECK_PY" volumes-exist $(jq -r '.volumes[]' "$FAKE_ENGINE_RECORD"))
check "crash: the engine's volumes are gone ($left)" test -z "$left"
purge "$GID" "$NAME"
finish
