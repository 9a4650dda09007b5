# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab, the engine dies with its 2
# volumes still attached to the appliance and without the guest id
# property (virt-v2v sets it at its end): the wrapper knows them from the
# engine's log, detaches and deletes them, and lists them as removed.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"

GID=$(uuid) NAME=osp-crash-$$
export FAKE_ENGINE_DISKS=2 FAKE_ENGINE_SCENARIO=crash
convert "$(doc_vddk "$NAME" "$GID")"
check "finished, failed" test "$(state '[.finished, .failed]')" = '[true,true]'
check "the engine's 2 volumes removed ($(state .cleanup))" \
    test "$(kinds .cleanup.removed)$(state '.cleanup.left | length')" = '["volume","volume"]0'
check "they are the engine's volumes" \
    test "$(jq -c '.volumes | sort' "$FAKE_ENGINE_RECORD")" = "$(state '[.cleanup.removed[].id] | sort')"
check "detached from the appliance first" grep -q 'DELETE .*/os-volume_attachments/' "$WLOG"
left=$("$CHECK_PY" volumes-exist $(jq -r '.volumes[]' "$FAKE_ENGINE_RECORD"))
check "the engine's volumes are gone ($left)" test -z "$left"
finish
