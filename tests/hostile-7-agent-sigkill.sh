# SPDX-License-Identifier: Apache-2.0
# Attack 7: a SIGKILLed wrapper left the ssh-agent holding the private key
# running. Now the agent dies with the wrapper (its guardian sees the
# wrapper's end of a pipe close), and when the guardian is killed too, the
# next wrapper kills the agent by the pid and start time it recorded.
# The agent and the daemon are found by what the wrapper recorded (the run
# directory's agent.pid, the state's wrapper_pid), never by name. The ssh
# input has its own file: run_wrapper rewrites $SCRATCH/input.json.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/hostile-lib.sh"
ssh_input_with_key > "$SCRATCH/ssh.json"
# agent_of STATE: the live agent's PID, as its run directory records it.
agent_of() {
    local pid
    pid=$(cut -d' ' -f1 "$(dirname "$1")/agent.pid" 2>/dev/null) && [ -n "$pid" ] && [ -d "/proc/$pid" ] && echo "$pid"
}
# start_ssh_conversion: a conversion with an agent; sets STATE, AGENT, DAEMON.
start_ssh_conversion() {
    FAKE_ENGINE_SCENARIO=slow FAKE_ENGINE_DELAY=1 "$WRAPPER" < "$SCRATCH/ssh.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
    STATE=$(jq -r .state_file "$SCRATCH/stdout")
    AGENT="" DAEMON=""
    wait_for agent_of "$STATE" >/dev/null && AGENT=$(agent_of "$STATE")
    wait_for wrapper_daemon_pid "$STATE" >/dev/null && DAEMON=$(wrapper_daemon_pid "$STATE")
}

one_run() {
    local m=$1 guardian
    start_ssh_conversion
    check "$m: agent runs ($(cat "$SCRATCH/stderr"))" test -n "$AGENT"
    check "$m: wrapper daemon found" test -n "$DAEMON"
    [ -n "$AGENT" ] && [ -n "$DAEMON" ] || return
    kill -KILL "$DAEMON"
    check "$m: the agent died with the SIGKILLed wrapper" wait_for sh -c "! kill -0 $AGENT 2>/dev/null"

    start_ssh_conversion
    check "$m: second agent runs ($(cat "$SCRATCH/stderr"))" test -n "$AGENT"
    [ -n "$AGENT" ] && [ -n "$DAEMON" ] || return
    guardian=$(awk '/^PPid:/ {print $2}' "/proc/$AGENT/status")
    kill -KILL "$DAEMON" "$guardian"
    sleep 0.5
    check "$m: with its guardian killed too, the agent outlives them" kill -0 "$AGENT"
    run_wrapper "$(input_local)"
    check "$m: the next wrapper killed the leftover agent" wait_for sh -c "! kill -0 $AGENT 2>/dev/null"
    check "$m: ... and finished the dead conversion's state" test "$(jq -c '[.finished, .failed]' "$STATE")" = '[true,true]'
    wait_finished "$(jq -r .state_file "$SCRATCH/stdout")" 30 >/dev/null
    check "$m: no secret, agent directory or pid file left" nothing_secret_left
}
both_ways one_run
finish
