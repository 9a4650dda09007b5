# SPDX-License-Identifier: Apache-2.0
# The engine fails with its own error message: the state is failed and
# finished, and last_message is the engine's error.
. "$TESTS_DIR/lib.sh"
export FAKE_ENGINE_RECORD="$SCRATCH/record"
touch "$SCRATCH/disk.img"

FAKE_ENGINE_SCENARIO=fail run_wrapper "$(input_local '.daemonize = false')"
check "fail: foreground exit 2" test "$RC" = 2
STATE=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
check "fail: failed" test "$(jq -r .failed "$STATE")" = true
check "fail: finished" test "$(jq -r .finished "$STATE")" = true
check "fail: return_code 1" test "$(jq -r .return_code "$STATE")" = 1
check "fail: last_message is the engine's error" sh -c "jq -r .last_message.message '$STATE' | head -1 | grep -qx 'inspection could not detect the source guest (or physical machine).'"
check "fail: last_message type error" test "$(jq -r .last_message.type "$STATE")" = error
finish
