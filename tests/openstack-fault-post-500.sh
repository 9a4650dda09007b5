# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab: Nova answers HTTP 500 to the
# server's creation (the fault proxy sends Nova's own body for an
# unexpected error). A POST that creates something is never sent again:
# exactly one POST /servers, the step's sentence with Nova's message, the
# port and the volume removed.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
engine_volumes_unattached 1
# The server may exist after a 500: the cleanup gives Nova as long as a
# call's deadline before it looks. 15 s keeps that short and is still far
# above any call the lab needs.
export V2VW_OSP_TIMEOUT=15
GID=$(uuid) NAME=osp-p500-$$
scenario '{"service": "compute", "method": "POST", "path": "/servers$", "action": "status", "status": 500}'
convert "$(doc_vddk "$NAME" "$GID" "$OWN_NIC")"
expect_failed "^Creating server failed: Nova answered HTTP 500 to POST http://[^ ]*/servers: Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible. <class 'oslo_db.exception.DBConnectionError'>\$" \
    '["port","volume"]'
check "exactly one POST /servers ($(answers POST '/servers$'))" test "$(answers POST '/servers$')" = 500
check "no retry line in the log" sh -c '! grep -q "trying again" "$1"' - "$WLOG"
finish
