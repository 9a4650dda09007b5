# SPDX-License-Identifier: Apache-2.0
# A wrapper that starts while another one is starting never collects the
# other's live conversion. Every wrapper collects the run directories
# whose owner.lock it can lock; the lock must therefore never exist under
# that name unlocked. The starting wrapper runs under strace, which holds
# its first flock(2) (the one on its own lock) for three seconds: a real
# delay at the kernel boundary, no code of ours changed; a second wrapper
# starts in that window. The first conversion keeps its lock and, once its
# daemon is SIGKILLed, a third wrapper collects it and finishes its state.
. "$TESTS_DIR/lib.sh"
command -v strace >/dev/null || skip "strace is not installed (scripts/install-deps test)"
input_local > "$SCRATCH/local.json"

strace -f -qq -o /dev/null -e trace=flock -e inject=flock:delay_enter=3000000:when=1 \
    env FAKE_ENGINE_SCENARIO=slow FAKE_ENGINE_DELAY=1 "$WRAPPER" < "$SCRATCH/local.json" \
    > "$SCRATCH/a.out" 2> "$SCRATCH/a.err" &
STRACE=$!
lock_pending() { ls -A "$V2VW_RUN_DIR"/v2v-import-*/ 2>/dev/null | grep -q 'owner\.lock'; }
check "the first wrapper made its lock file" wait_for lock_pending
RD_A=$(ls -d "$V2VW_RUN_DIR"/v2v-import-* | head -1)

run_wrapper "$(input_local)"
check "a second wrapper started meanwhile ($ERR)" test "$RC" = 0
B_LOG=$(jq -r .wrapper_log "$SCRATCH/stdout")
wait_finished "$(jq -r .state_file "$SCRATCH/stdout")" 60 >/dev/null
check "... and collected nothing ($(grep Collecting "$B_LOG"))" sh -c "! grep -q 'Collecting' '$B_LOG'"

# (strace follows the daemon to its end: wait for the line, not for strace)
check "the first wrapper started" wait_for test -s "$SCRATCH/a.out"
STATE_A=$(jq -r .state_file "$SCRATCH/a.out")
check "its run directory still holds its lock" test -f "$RD_A/owner.lock"
check "its conversion runs ($(cat "$SCRATCH/a.err"))" wait_for wrapper_daemon_pid "$STATE_A" >/dev/null
DAEMON_A=$(wrapper_daemon_pid "$STATE_A")
check "the lock is held by its daemon" sh -c "! flock -n '$RD_A/owner.lock' true"
[ -n "$DAEMON_A" ] && kill -KILL "$DAEMON_A"
wait_for sh -c "! kill -0 ${DAEMON_A:-0} 2>/dev/null"
wait "$STRACE" 2>/dev/null

run_wrapper "$(input_local)"
check "a third wrapper started ($ERR)" test "$RC" = 0
check "... and collected the SIGKILLed conversion" grep -q "Collecting ${RD_A##*/}" "$(jq -r .wrapper_log "$SCRATCH/stdout")"
check "whose state is finished and failed ($(cat "$STATE_A"))" test "$(jq -c '[.finished, .failed]' "$STATE_A")" = '[true,true]'
wait_finished "$(jq -r .state_file "$SCRATCH/stdout")" 60 >/dev/null
finish
