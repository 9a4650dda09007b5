# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab: after the engine, Keystone answers
# the wrapper's first authentication (POST /v3/auth/tokens) HTTP 503, as it
# does when it cannot serve. Asking for a token may be done again: the
# wrapper tries again after 1 s, logs it, and the conversion succeeds.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
engine_volumes_unattached 1
GID=$(uuid) NAME=osp-a5r-$$
AUTH='/v3/auth/tokens$'
# Tokens through the proxy: the preflight's 2 (source and destination
# project), the engine's 1, then the steps' 2: the 4th is the steps' first.
scenario '{"service": "identity", "method": "POST", "path": "/v3/auth/tokens$", "nth": 4, "times": 1,
           "action": "status", "status": 503}'
convert "$(doc_vddk "$NAME" "$GID" "$OWN_NIC")"
check "succeeded ($(state .last_message.message))" test "$(state '[.finished, .failed]')" = '[true,false]'
check "vm_id set" jq -e '.vm_id | type == "string" and length == 36' "$STATE" > /dev/null
check "the 4th token: 503, tried again and given ($(answers POST "$AUTH"))" \
    sh -c 'case "$1" in "201 201 201 503 201 201"*) exit 0;; *) exit 1;; esac' - "$(answers POST "$AUTH")"
check "one retry line in the log, after 1 s (try 2 of 4)" \
    test "$(grep -cE "WARNING: Keystone answered HTTP 503 to POST http://[^ ]*/v3/auth/tokens; trying again in 1 s \(try 2 of 4\)$" "$WLOG")" = 1
purge "$GID" "$NAME"
finish
