# SPDX-License-Identifier: Apache-2.0
# The engine fails without a message of its own (exits before writing any
# log; exits 3 in the daemon): the state is failed and finished with that
# exit status as return_code; with no log at all, last_message names it.
. "$TESTS_DIR/lib.sh"
export FAKE_ENGINE_RECORD="$SCRATCH/record"
touch "$SCRATCH/disk.img"

FAKE_ENGINE_SCENARIO=nolog run_wrapper "$(input_local '.daemonize = false')"
STATE=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
check "nolog: failed and finished" test "$(jq -c '[.failed, .finished, .return_code]' "$STATE")" = '[true,true,1]'
check "nolog: last_message names the exit status" sh -c "jq -r .last_message.message '$STATE' | grep -q 'exit status 1'"

FAKE_ENGINE_SCENARIO=exit:3 run_wrapper "$(input_local)"
STATE=$(jq -r .state_file "$SCRATCH/stdout")
check "exit 3: finished" wait_finished "$STATE"
check "exit 3: return_code 3, failed" test "$(jq -c '[.return_code, .failed]' "$STATE")" = '[3,true]'
finish
