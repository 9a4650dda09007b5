# SPDX-License-Identifier: Apache-2.0
# Attack 2: a local user plants a lock file and a FIFO where orphan
# collection looked (/tmp/v2v-import-X.secrets/owner.lock, /tmp/v2v-import-X.state):
# the next wrapper must print its JSON line at once and leave the plants
# alone. Before: orphan collection blocked in open() of the FIFO.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/hostile-lib.sh"

one_run() {
    local m=$1 t=v2v-import-20000101T000000-$$$1
    as_user mkdir "/tmp/$t.secrets"
    as_user touch "/tmp/$t.secrets/owner.lock"
    as_user mkfifo "/tmp/$t.state"
    input_local > "$SCRATCH/input.json"
    timeout 20 "$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
    check "$m: the wrapper did not hang (rc $?: $(cat "$SCRATCH/stderr"))" test -s "$SCRATCH/stdout"
    local state
    state=$(jq -r .state_file "$SCRATCH/stdout" 2>/dev/null)
    check "$m: finished" wait_finished "$state" 30
    check "$m: the planted FIFO is still a FIFO" test -p "/tmp/$t.state"
    check "$m: the planted lock is still the user's" test "$(stat -c %u "/tmp/$t.secrets/owner.lock")" = "$HUID"
    rm -rf "/tmp/$t.secrets" "/tmp/$t.state"
}
both_ways one_run
finish
