# SPDX-License-Identifier: Apache-2.0
# A vddk run (password) with a LUKS vault of two keys: no secret in any file
# the run produced, nor in the cmdline or environment of any process while
# the engine runs (wrapper daemon, engine, ...). The secret files exist
# while it runs (0600, conversion uid, 0700 dir) and are gone at the end;
# the engine gets --key DEVICE:file:PATH per key of its VM.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/secrets-lib.sh"

vddk_input
"$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
check "vddk: wrapper exit 0 ($(cat "$SCRATCH/stderr"))" test $? = 0
STATE=$(jq -r .state_file "$SCRATCH/stdout")
check "vddk: engine running" wait_for test -s "$ENG/rec/pid"
wait_for wrapper_daemon_pid "$STATE" >/dev/null
WPID=$(wrapper_daemon_pid "$STATE")
check "vddk: wrapper daemon found" test "$(readlink "/proc/$WPID/exe")" = "$(readlink -f "$WRAPPER")"
cp "/proc/$WPID/cmdline" "$ENG/rec/wrapper-cmdline"
cp "/proc/$WPID/environ" "$ENG/rec/wrapper-environ"
check "vddk: no secret in any process's cmdline/environ" scan_processes
check "vddk: wrapper has no core dumps (Max core file size 0)" \
    grep -Eq '^Max core file size +0 +0 ' "/proc/$WPID/limits"
SDIR=$(ls -d "$V2VW_RUN_DIR"/*/secrets)
check "vddk: secrets dir is 0700 root" test "$(stat -c %a:%u "$SDIR")" = 700:0
check "vddk: three secret files (and the owner lock) while running" test "$(ls "$SDIR" | grep -vx owner.lock | wc -l)" = 3
for f in "$SDIR"/*; do
    check "vddk: $(basename "$f") is 0600 root:root" test "$(stat -c %a:%u:%g "$f")" = 600:0:0
done
touch "$ENG/go"
check "vddk: finished" wait_finished "$STATE" 90
check "vddk: succeeded" test "$(jq -r .failed "$STATE")" = false

# What the engine saw.
KEYS=$(grep -A1 -x -- --key "$ENG/rec/argv" | grep -v -- '^--' | sed "s|$SDIR|SECRETS|" | tr '\n' ' ')
check "vddk: --key for both vault keys, in order (got: $KEYS)" \
    test "$KEYS" = "/dev/sda1:file:SECRETS/luks-1 /dev/sdb:file:SECRETS/luks-2 "
check "vddk: the other VM's key is not passed" test "$(grep -cx -- --key "$ENG/rec/argv")" = 2
check "vddk: password file passed" grep -qx "$SDIR/vmware-password" "$ENG/rec/argv"
check "vddk: password file content" grep -q "^vmware-password mode=600 owner=0:0 dir=700:0:0 sha256=$(sha "$PW")\$" "$ENG/rec/secrets"
check "vddk: key 1 content" grep -q "^luks-1 mode=600 owner=0:0 dir=700:0:0 sha256=$(sha "$KEY_A")\$" "$ENG/rec/secrets"
check "vddk: key 2 content" grep -q "^luks-2 mode=600 owner=0:0 dir=700:0:0 sha256=$(sha "$KEY_B")\$" "$ENG/rec/secrets"

# Nothing left, nothing leaked.
check "vddk: secret files and dir removed" test ! -e "$SDIR"
check "vddk: no secret in state, logs, throttle dir, outputs, records" \
    no_secret_in "$V2VW_STATE_DIR" "$V2VW_LOG_DIR" "$SCRATCH/out" "$ENG/rec" "$SCRATCH/stdout" "$SCRATCH/stderr"
check "vddk: the logged command shows the --key arguments" \
    grep -q "Running: .* --key /dev/sda1:file:$SDIR/luks-1 --key /dev/sdb:file:$SDIR/luks-2 " "$V2VW_LOG_DIR"/*-wrapper.log
check "vddk: wrapper daemon gone" wait_for sh -c "! kill -0 $WPID 2>/dev/null"
finish
