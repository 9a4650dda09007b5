# SPDX-License-Identifier: Apache-2.0
# Attack 8 (the state part): when the event loop fails after a SIGTERM,
# the final state is failed AND says why in last_message (it used to say
# nothing). sd-event's loop fails only on kernel or memory errors that no
# real condition produces on demand in a running daemon (an rlimit or a
# seccomp filter would stop it long before, at start), so the test switches
# on the wrapper's one test-only fault point, V2VW_TEST_FAULT=
# event-loop-after-signal: without that knob the wrapper never acts on it.
# The rest is real: the daemon, the fake engine, the signal, the state.
. "$TESTS_DIR/lib.sh"
input_local > "$SCRATCH/local.json"

V2VW_TEST_FAULT=event-loop-after-signal FAKE_ENGINE_SCENARIO=slow FAKE_ENGINE_DELAY=1 \
    "$WRAPPER" < "$SCRATCH/local.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr" \
    || fatal "the wrapper did not start: $(cat "$SCRATCH/stderr")"
STATE=$(jq -r .state_file "$SCRATCH/stdout")
wait_for wrapper_daemon_pid "$STATE" >/dev/null || fatal "no daemon recorded in $STATE"
DAEMON=$(wrapper_daemon_pid "$STATE")
wait_for sh -c "jq -e '.pid' '$STATE' >/dev/null" || fatal "the engine did not start: $(cat "$STATE")"
ENGINE=$(jq -r .pid "$STATE")
kill -TERM "$DAEMON"
check "the conversion finished" wait_finished "$STATE" 60
check "it failed" test "$(jq -r .failed "$STATE")" = true
check "last_message says the wrapper could not run it ($(jq -c .last_message "$STATE"))" \
    sh -c "jq -r '.last_message // empty' '$STATE' | grep -q 'could not run the conversion: Input/output error'"
check "the wrapper log says the event loop failed" grep -q "The event loop failed" "$(jq -r .wrapper_log "$STATE")"
check "the engine was stopped" wait_for sh -c "! kill -0 $ENGINE 2>/dev/null"

# Without the knob the same signal is an ordinary cancellation.
V2VW_TEST_FAULT=none FAKE_ENGINE_SCENARIO=slow FAKE_ENGINE_DELAY=1 \
    "$WRAPPER" < "$SCRATCH/local.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
STATE=$(jq -r .state_file "$SCRATCH/stdout")
wait_for wrapper_daemon_pid "$STATE" >/dev/null && wait_for sh -c "jq -e '.pid' '$STATE' >/dev/null"
kill -TERM "$(wrapper_daemon_pid "$STATE")"
check "without the fault point: finished" wait_finished "$STATE" 60
check "... cancelled, not an event loop failure ($(jq -c .last_message "$STATE"))" \
    sh -c "jq -r '.last_message // empty' '$STATE' | grep -q 'Conversion cancelled: virt-v2v-wrapper received SIGTERM'"
finish
