# SPDX-License-Identifier: Apache-2.0
# Attack 7: a SIGKILLed wrapper left the ssh-agent holding the private key
# running. Now the agent dies with the wrapper (its guardian sees the
# wrapper's end of a pipe close), and when the guardian is killed too, the
# next wrapper kills the agent by the pid and start time it recorded.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/hostile-lib.sh"
command -v ssh-keygen >/dev/null || skip "ssh-keygen (openssh-client) is not installed"

ssh-keygen -q -t ed25519 -N '' -C hostile-test -f "$SCRATCH/id" >/dev/null
VMX="ssh://root@esx.example.com/vmfs/volumes/datastore1/vm/vm.vmx"
jq -Rs --arg vm "$VMX" --arg out "$SCRATCH/out" \
    '{vm_name: $vm, transport_method: "ssh", ssh_key: ., local_storage: $out}' < "$SCRATCH/id" > "$SCRATCH/input.json"
agent_of() { pgrep -f "^/usr/bin/ssh-agent -D -a $V2VW_RUN_DIR/" | head -1; }

one_run() {
    local m=$1 state agent daemon guardian
    FAKE_ENGINE_SCENARIO=slow FAKE_ENGINE_DELAY=1 "$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
    state=$(jq -r .state_file "$SCRATCH/stdout")
    check "$m: agent runs ($(cat "$SCRATCH/stderr"))" wait_for sh -c "pgrep -f '^/usr/bin/ssh-agent -D -a $V2VW_RUN_DIR/' >/dev/null"
    agent=$(agent_of)
    daemon=$(wrapper_daemon_of "$state")
    check "$m: wrapper daemon found" test -n "$daemon"
    kill -KILL "$daemon"
    check "$m: the agent died with the SIGKILLed wrapper" wait_for sh -c "! kill -0 $agent 2>/dev/null"

    FAKE_ENGINE_SCENARIO=slow FAKE_ENGINE_DELAY=1 "$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
    state=$(jq -r .state_file "$SCRATCH/stdout")
    check "$m: second agent runs" wait_for sh -c "pgrep -f '^/usr/bin/ssh-agent -D -a $V2VW_RUN_DIR/' >/dev/null"
    agent=$(agent_of)
    daemon=$(wrapper_daemon_of "$state")
    guardian=$(awk '/^PPid:/ {print $2}' "/proc/$agent/status")
    kill -KILL "$daemon" "$guardian"
    sleep 0.5
    check "$m: with its guardian killed too, the agent outlives them" kill -0 "$agent"
    run_wrapper "$(input_local)"
    check "$m: the next wrapper killed the leftover agent" wait_for sh -c "! kill -0 $agent 2>/dev/null"
    check "$m: ... and finished the dead conversion's state" test "$(jq -c '[.finished, .failed]' "$state")" = '[true,true]'
    wait_finished "$(jq -r .state_file "$SCRATCH/stdout")" 30 >/dev/null
    check "$m: no secret, agent directory or pid file left" nothing_secret_left
}
both_ways one_run
finish
