# SPDX-License-Identifier: Apache-2.0
# Attack 8 (third part): a wrapper SIGKILLed after it created its files but
# before its JSON line reached the client left logs and a temporary state
# file nobody would ever learn of. The next wrapper removes them: the run
# directory remembered that the line was not out yet.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/hostile-lib.sh"

one_run() {
    local m=$1 rd pid
    input_local > "$SCRATCH/input.json"
    # stdout is a full pipe nobody reads: the wrapper blocks writing its line.
    mkfifo "$SCRATCH/pipe"
    sleep 60 < "$SCRATCH/pipe" &
    local reader=$!
    exec 7> "$SCRATCH/pipe"
    head -c 65536 /dev/zero >&7
    "$WRAPPER" < "$SCRATCH/input.json" >&7 2> "$SCRATCH/stderr" &
    local w=$!
    check "$m: the wrapper made its run directory" wait_for sh -c "ls -d '$V2VW_RUN_DIR'/v2v-import-* >/dev/null 2>&1"
    rd=$(run_dirs)
    check "$m: its logs exist" wait_for sh -c "ls '$V2VW_LOG_DIR'/*-wrapper.log >/dev/null 2>&1"
    : > "$rd/.$(basename "${rd%.*}").state.Xy12Ab"
    kill -KILL "$w"
    wait "$w" 2>/dev/null
    exec 7>&-
    kill "$reader" 2>/dev/null
    rm -f "$SCRATCH/pipe"
    run_wrapper "$(input_local)"
    check "$m: the next wrapper started ($ERR)" test "$RC" = 0
    wait_finished "$(jq -r .state_file "$SCRATCH/stdout")" 30 >/dev/null
    check "$m: the dead run's directory is gone" test ! -e "$rd"
    check "$m: only the new conversion's logs are left" \
        test "$(ls "$V2VW_LOG_DIR" | grep -c "$(basename "${rd%.*}" | sed 's/^v2v-import-//')")" = 0
}
both_ways one_run
finish
