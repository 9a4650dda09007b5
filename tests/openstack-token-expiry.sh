# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab: every token expires in the middle
# of the post-conversion steps (the fault proxy revokes them): the wrapper
# authenticates again and the conversion succeeds.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
engine_volumes_unattached 2
GID=$(uuid) NAME=osp-tok-$$
scenario '{"service": "volumev3", "method": "POST", "path": "/volume-transfers$", "nth": 2, "times": 1,
           "action": "expire-tokens"}'
convert "$(doc_vddk "$NAME" "$GID")"
check "expired token: succeeded anyway" test "$(state '[.finished, .failed]')" = '[true,false]'
check "expired token: authenticated again" grep -q 'was refused (expired?): authenticating again' "$WLOG"
purge "$GID" "$NAME"
scenario
finish
