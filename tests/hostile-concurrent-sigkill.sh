# SPDX-License-Identifier: Apache-2.0
# Twenty conversions at once (every fourth with an ssh key, so with an
# agent), about half of their wrappers SIGKILLed at random moments; then
# one more wrapper collects. Every state ends finished; no secret, agent,
# lock, engine, cgroup or traffic-class registry entry of theirs is left;
# nothing named after them exists outside the test's own directories.
# Processes are named by what the wrapper recorded (the state's wrapper_pid
# and pid, the run directory's agent.pid, the agent's parent: its guardian)
# with their start time, so a reused PID is never taken for one of ours;
# and no process may name this test's scratch directory in its argv.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/hostile-lib.sh"
ssh_input_with_key > "$SCRATCH/ssh.json"
input_local > "$SCRATCH/local.json"
N=20

state_of() { jq -r .state_file "$SCRATCH/c$1.out"; }
# record_processes I: add conversion I's daemon, engine, agent and guardian
# (those that run now) to $SCRATCH/procs.
record_processes() {
    local state rd pid agent line
    state=$(state_of "$1")
    rd=${state%/*}
    for pid in $(jq -r '.wrapper_pid // empty, .pid // empty' "$state" 2>/dev/null); do
        proc_id "$pid" >> "$SCRATCH/procs"
    done
    read -r agent line 2>/dev/null < "$rd/agent.pid" || return 0
    proc_id "$agent" >> "$SCRATCH/procs"
    while read -r line; do
        case "$line" in PPid:*) proc_id "${line#PPid:?}" >> "$SCRATCH/procs" ;; esac
    done 2>/dev/null < "/proc/$agent/status"
    return 0
}
# running_or_finished STATE: the daemon recorded itself, or it is over.
running_or_finished() {
    wrapper_daemon_pid "$1" >/dev/null || [ "$(jq -r '.finished // false' "$1" 2>/dev/null)" = true ]
}
none_alive() {
    local id
    for id in $(sort -u "$SCRATCH/procs"); do
        ! proc_alive "$id" || return 1
    done
}
# pgrep runs here, not under `sh -c`, whose own argv would match.
no_process_names_scratch() { ! pgrep -f -- "$SCRATCH/" >/dev/null; }
no_agent_left() { ! pgrep -f -- "^/usr/bin/ssh-agent -D -a $V2VW_RUN_DIR/" >/dev/null; }

one_run() {
    local m=$1 i killed=0 tags="" d
    touch "$SCRATCH/marker"
    : > "$SCRATCH/procs"
    for i in $(seq $N); do
        local in=$SCRATCH/local.json
        [ $((i % 4)) = 0 ] && in=$SCRATCH/ssh.json
        local tenths=$((RANDOM % 10 + 5))     # 0.5 to 1.4 s a step, ten steps
        FAKE_ENGINE_SCENARIO=slow FAKE_ENGINE_DELAY=$((tenths / 10)).$((tenths % 10)) \
            "$WRAPPER" < "$in" > "$SCRATCH/c$i.out" 2> "$SCRATCH/c$i.err" &
    done
    wait
    echo "$m: $N started (${SECONDS}s)"
    for i in $(seq $N); do
        check "$m: conversion $i started ($(cat "$SCRATCH/c$i.err"))" test -s "$SCRATCH/c$i.out"
        tags="$tags $(state_of "$i" | sed 's|.*/v2v-import-||; s|\.state$||')"
    done
    for i in $(seq $N); do
        [ $((RANDOM % 2)) = 0 ] || continue
        sleep 0.$((RANDOM % 3))
        wait_for running_or_finished "$(state_of "$i")"
        d=$(wrapper_daemon_pid "$(state_of "$i")") || continue
        record_processes "$i"
        kill -KILL "$d" 2>/dev/null && killed=$((killed + 1))
    done
    echo "$m: $killed of $N wrappers SIGKILLed (${SECONDS}s)"
    check "$m: some wrappers were SIGKILLed while their conversion ran" test "$killed" -gt 0
    run_wrapper "$(input_local)"
    check "$m: the collecting wrapper started ($ERR)" test "$RC" = 0
    wait_finished "$(jq -r .state_file "$SCRATCH/stdout")" 60 >/dev/null
    for i in $(seq $N); do
        check "$m: conversion $i finished" wait_finished "$(state_of "$i")" 60
        record_processes "$i"
    done
    echo "$m: all finished (${SECONDS}s)"
    check "$m: no secret, agent or pid file left" nothing_secret_left
    check "$m: no lock of a collected or finished run left" test -z "$(find "$V2VW_RUN_DIR" -name owner.lock)"
    check "$m: no ssh-agent left" wait_for no_agent_left
    check "$m: no wrapper, engine, agent or guardian of theirs left ($(wc -l < "$SCRATCH/procs") recorded)" wait_for none_alive
    check "$m: no process names the test's directory" wait_for no_process_names_scratch
    local t leftovers="" cgroups outside
    cgroups=$(find /sys/fs/cgroup -maxdepth 4 -type d 2>/dev/null)
    outside=$(find /tmp /var/log /run -xdev -newer "$SCRATCH/marker" 2>/dev/null | grep -v "^$SCRATCH/")
    for t in $tags; do
        leftovers="$leftovers$(grep -- "/$t\$" <<< "$cgroups")"
        leftovers="$leftovers$(grep -ls " $t\$" /run/virt-v2v-wrapper/class-* 2>/dev/null)"
        leftovers="$leftovers$(grep -E -- "$t([^0-9/][^/]*)?\$" <<< "$outside")"
    done
    check "$m: no cgroup, class registry entry or outside file of theirs left ($leftovers)" test -z "$leftovers"
    echo "$m: checked (${SECONDS}s)"
    rm -f "$SCRATCH"/c*.out "$SCRATCH"/c*.err
}
both_ways one_run
finish
