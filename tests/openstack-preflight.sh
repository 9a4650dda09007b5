# OpenStack output against the real lab: the preflight. A server of that
# name in the destination project, or a wrong password, stops the wrapper
# before anything exists (exit 1, one sentence, no file, no engine, no
# volume); the password is not in the error.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"

GID=$(uuid) NAME=osp-pre-$$
PW=$PASSWORD "$CHECK_PY" server-named "$NAME" "$OSP_USER" > /dev/null
printf '%s' "$(doc_vddk "$NAME" "$GID")" > "$SCRATCH/input.json"
"$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
check "existing server: exit 1" test $? = 1
check "existing server: the sentence ($(cat "$SCRATCH/stderr"))" \
    grep -qx "virt-v2v-wrapper: A server named \"$NAME\" already exists in the destination project $OSPLAB_DEST_PROJECT_ID" "$SCRATCH/stderr"
check "existing server: no file" no_files_left
check "existing server: no engine" test ! -e "$FAKE_ENGINE_RECORD"
check "existing server: no volume" test "$(leftovers "$GID" "$NAME" | jq '.volumes | length')" = 0
purge "$GID" "$NAME"

printf '%s' "$(doc_vddk "$NAME" "$GID" '.osp_environment.os_password = "wrong-pw"')" > "$SCRATCH/input.json"
"$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
check "wrong password: exit 1" test $? = 1
check "wrong password: the sentence ($(cat "$SCRATCH/stderr"))" \
    grep -q "^virt-v2v-wrapper: Authenticating with Keystone failed: Keystone answered HTTP 401 to POST http://.*/v3/auth/tokens" "$SCRATCH/stderr"
check "wrong password: not in the error" sh -c "! grep -q wrong-pw '$SCRATCH/stderr'"
check "wrong password: no engine" test ! -e "$FAKE_ENGINE_RECORD"
finish
