# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab: the preflight (in the daemon,
# before the engine). A server of that name in the destination project, a
# wrong password, a Keystone that does not answer: the conversion fails
# with one sentence naming the step, the engine never runs, nothing is
# created in OpenStack, the password is not in the message.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"

# expect_preflight_failed REGEX
expect_preflight_failed() {
    check "$CASE: finished, failed" test "$(state '[.finished, .failed]')" = '[true,true]'
    check "$CASE: the sentence ($(state .last_message.message))" \
        jq -e --arg re "$1" '.last_message.message | test($re)' "$STATE" > /dev/null
    check "$CASE: no engine" test ! -e "$FAKE_ENGINE_RECORD"
    check "$CASE: nothing created" test "$(state .resources)" = null
}

CASE="existing server" GID=$(uuid) NAME=osp-pre-$$
PW=$PASSWORD "$CHECK_PY" server-named "$NAME" "$OSP_USER" > /dev/null
convert "$(doc_vddk "$NAME" "$GID")"
expect_preflight_failed "^A server named \"$NAME\" already exists in the destination project $OSPLAB_DEST_PROJECT_ID$"
check "$CASE: no volume" test "$(leftovers "$GID" "$NAME" | jq '.volumes | length')" = 0
purge "$GID" "$NAME"

CASE="wrong password" GID=$(uuid) NAME=osp-pre2-$$
convert "$(doc_vddk "$NAME" "$GID" '.osp_environment.os_password = "wrong-pw"')"
expect_preflight_failed '^Authenticating with Keystone failed: Keystone answered HTTP 401 to POST http://.*/v3/auth/tokens'
check "$CASE: not in the message" sh -c "! grep -rq wrong-pw '$V2VW_STATE_DIR' '$V2VW_LOG_DIR'"

CASE="keystone unreachable"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
convert "$(doc_vddk "$NAME" "$GID" ".osp_environment.os_auth_url = \"http://127.0.0.1:$port/v3\"")"
expect_preflight_failed "^Authenticating with Keystone failed: POST http://127.0.0.1:$port/v3/auth/tokens: "
finish
