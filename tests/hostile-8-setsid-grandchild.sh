# SPDX-License-Identifier: Apache-2.0
# Attack 8 (first part): with no cgroup to put the engine in (throttling
# unavailable), a grandchild of the engine that called setsid() escaped
# the engine's process group and survived. The wrapper is a child
# subreaper now: what the engine leaves becomes its child and is killed.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/hostile-lib.sh"

cat > "$SCRATCH/engine" <<EOS
#!/bin/bash
[ "\$1" = --machine-readable ] && { echo virt-v2v-2.2; echo output:local; exit 0; }
echo \$\$ > "$SCRATCH/engine.pid"
setsid sleep 3$$ < /dev/null > /dev/null 2>&1 &
exit 0
EOS
chmod 755 "$SCRATCH/engine"
one_run() {
    local m=$1
    V2VW_ENGINE=$SCRATCH/engine V2VW_THROTTLE_RUNDIR=/proc/v2vw-no-throttling run_wrapper "$(input_local)"
    check "$m: started ($ERR)" test "$RC" = 0
    check "$m: finished" wait_finished "$(jq -r .state_file "$SCRATCH/stdout")" 30
    check "$m: the setsid'd grandchild is gone" wait_for sh -c "! pgrep -x -f 'sleep 3$$' >/dev/null"
    local log engine
    log=$(jq -r .wrapper_log "$SCRATCH/stdout")
    engine=$(cat "$SCRATCH/engine.pid")
    check "$m: the leftover was named in the log" grep -q 'Killing PID [0-9]* that the engine left behind' "$log"
    check "$m: the engine itself was not called a leftover" sh -c "! grep -q 'Killing PID $engine ' '$log'"
    pkill -x -f "sleep 3$$"
}
both_ways one_run
finish
