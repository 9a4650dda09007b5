# SPDX-License-Identifier: Apache-2.0
# A LUKS keys vault readable by others stops the conversion before it
# starts: one clear error naming it, no engine, no secret anywhere.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/secrets-lib.sh"

vddk_input
chmod 0640 "$SCRATCH/vault.json"
rm -rf "$ENG/rec" "$ENG/go"
"$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
check "bad vault: exit 1" test $? = 1
check "bad vault: nothing on stdout" test ! -s "$SCRATCH/stdout"
check "bad vault: the error names the vault and the problem" grep -qF \
    "LUKS keys vault $SCRATCH/vault.json must not be readable by group or others (mode 0640)" "$SCRATCH/stderr"
check "bad vault: engine never ran" test ! -e "$ENG/rec/argv"
check "bad vault: no secrets dir left" sh -c "! ls -d '$V2VW_RUN_DIR'/*/secrets 2>/dev/null"
check "bad vault: no secret on stderr" no_secret_in "$SCRATCH/stderr"
chmod 0600 "$SCRATCH/vault.json"
finish
