# SPDX-License-Identifier: Apache-2.0
# Twenty conversions at once (every fourth with an ssh key, so with an
# agent), about half of their wrappers SIGKILLed at random moments; then
# one more wrapper collects. Every state ends finished; no secret, agent,
# lock, engine, cgroup or traffic-class registry entry of theirs is left;
# nothing named after them exists outside the test's own directories.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/hostile-lib.sh"
command -v ssh-keygen >/dev/null || skip "ssh-keygen (openssh-client) is not installed"

ssh-keygen -q -t ed25519 -N '' -C hostile-test -f "$SCRATCH/id" >/dev/null
VMX="ssh://root@esx.example.com/vmfs/volumes/datastore1/vm/vm.vmx"
jq -Rs --arg vm "$VMX" --arg out "$SCRATCH/out" \
    '{vm_name: $vm, transport_method: "ssh", ssh_key: ., local_storage: $out}' < "$SCRATCH/id" > "$SCRATCH/ssh.json"
input_local > "$SCRATCH/local.json"

one_run() {
    local m=$1 i n=20 killed=0 tags=""
    touch "$SCRATCH/marker"
    for i in $(seq $n); do
        local in=$SCRATCH/local.json
        [ $((i % 4)) = 0 ] && in=$SCRATCH/ssh.json
        FAKE_ENGINE_SCENARIO=slow FAKE_ENGINE_DELAY=0.$((RANDOM % 3 + 1)) \
            "$WRAPPER" < "$in" > "$SCRATCH/c$i.out" 2> "$SCRATCH/c$i.err" &
    done
    wait
    for i in $(seq $n); do
        check "$m: conversion $i started ($(cat "$SCRATCH/c$i.err"))" test -s "$SCRATCH/c$i.out"
        tags="$tags $(jq -r .state_file "$SCRATCH/c$i.out" | sed 's|.*/v2v-import-||; s|\.state$||')"
    done
    for i in $(seq $n); do
        [ $((RANDOM % 2)) = 0 ] || continue
        sleep 0.$((RANDOM % 10))
        local d
        d=$(wrapper_daemon_of "$(jq -r .state_file "$SCRATCH/c$i.out")")
        [ -n "$d" ] && kill -KILL "$d" && killed=$((killed + 1))
    done
    echo "$m: $killed of $n wrappers SIGKILLed"
    sleep 1
    run_wrapper "$(input_local)"
    check "$m: the collecting wrapper started ($ERR)" test "$RC" = 0
    wait_finished "$(jq -r .state_file "$SCRATCH/stdout")" 60 >/dev/null
    for i in $(seq $n); do
        check "$m: conversion $i finished" wait_finished "$(jq -r .state_file "$SCRATCH/c$i.out")" 120
    done
    check "$m: no secret, agent or pid file left" nothing_secret_left
    check "$m: no lock of a collected or finished run left" test -z "$(find "$V2VW_RUN_DIR" -name owner.lock)"
    check "$m: no ssh-agent left" wait_for sh -c "! pgrep -f 'ssh-agent -D -a $V2VW_RUN_DIR/' >/dev/null"
    check "$m: no engine or wrapper left" wait_for sh -c "! pgrep -f '$SCRATCH/(ssh|local).json|fake-engine' -u 0 >/dev/null || ! pgrep -f -- '-os $SCRATCH/out' >/dev/null"
    local t leftovers=""
    for t in $tags; do
        leftovers="$leftovers$(find /sys/fs/cgroup -maxdepth 4 -type d -name "*$t*" 2>/dev/null)"
        leftovers="$leftovers$(grep -ls " $t\$" /run/virt-v2v-wrapper/class-* 2>/dev/null)"
        leftovers="$leftovers$(find /tmp /var/log /run -xdev -newer "$SCRATCH/marker" -name "*$t*" 2>/dev/null | grep -v "^$SCRATCH/")"
    done
    check "$m: no cgroup, class registry entry or outside file of theirs left ($leftovers)" test -z "$leftovers"
    rm -f "$SCRATCH"/c*.out "$SCRATCH"/c*.err
}
both_ways one_run
finish
