# 10.4: when the engine's error only points to earlier messages ("nbdcopy
# command failed, see earlier error messages"), last_message is the earlier
# specific line. Replays a real virt-v2v 2.2 run whose output was a full
# tmpfs (tests/data/v2v-2.2-nbdcopy-enospc).
. "$TESTS_DIR/lib.sh"
touch "$SCRATCH/disk.img"
FAKE_ENGINE_SCENARIO="replay:$TESTS_DIR/data/v2v-2.2-nbdcopy-enospc" run_wrapper "$(input_local '.daemonize = false')"
STATE=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
check "foreground exit 2" test "$RC" = 2
check "failed" test "$(jq -r .failed "$STATE")" = true
check "last_message is nbdcopy's ENOSPC line" \
    test "$(jq -r .last_message.message "$STATE")" = "nbdcopy: write at offset 403439616 failed: No space left on device"
check "one line" test "$(jq -r .last_message.message "$STATE" | wc -l)" = 1
finish
