# SPDX-License-Identifier: Apache-2.0
# Symlink, FIFO, directory and hard-link squats on every path the wrapper
# uses: the run root (a link to or a directory of another user: refused
# with one sentence), names in the private run root (another user cannot
# create any), and the three log names in a world-writable log directory
# (guessed from the PID: creation fails with one sentence naming the path,
# nothing is followed, opened or waited on, nothing of the run stays).
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/hostile-lib.sh"

chmod 1777 "$V2VW_LOG_DIR"
input_local > "$SCRATCH/input.json"
mkdir -m 755 "$SCRATCH/target"
echo original > "$SCRATCH/target/file"
chmod 644 "$SCRATCH/target/file"

plant() { # KIND PATH
    case "$1" in
    symlink) as_user ln -s "$SCRATCH/target/file" "$2" ;;
    fifo) as_user mkfifo "$2" ;;
    dir) as_user mkdir "$2" ;;
    hardlink) as_user touch "$SCRATCH/out/hl-$$"; as_user ln "$SCRATCH/out/hl-$$" "$2" ;;
    esac
}

squat_logs() { # MODE KIND SUFFIX
    local m=$1 kind=$2 suffix=$3 tag
    start_with_known_pid "$SCRATCH/input.json"
    for tag in $(guessed_tags "$WPID"); do plant "$kind" "$V2VW_LOG_DIR/v2v-import-$tag$suffix"; done
    release_wrapper
    local i=0
    while kill -0 "$WSHELL" 2>/dev/null && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
    check "$m: log $kind$suffix: the wrapper did not hang" sh -c "! kill -0 $WSHELL 2>/dev/null"
    kill -KILL "$WSHELL" 2>/dev/null
    wait "$WSHELL" 2>/dev/null
    check "$m: log $kind$suffix: refused with a sentence naming the path ($(cat "$SCRATCH/stderr"))" \
        grep -q "cannot create $V2VW_LOG_DIR/v2v-import-.*$suffix" "$SCRATCH/stderr"
    check "$m: log $kind$suffix: nothing printed on stdout" test ! -s "$SCRATCH/stdout"
    check "$m: log $kind$suffix: the link target is unchanged" test "$(cat "$SCRATCH/target/file")" = original
    check "$m: log $kind$suffix: no run directory left" test -z "$(run_dirs)"
    rm -rf "${V2VW_LOG_DIR:?}"/* "$SCRATCH"/out/hl-*
}

one_run() {
    local m=$1 kind suffix
    # The run root: another user's directory, or a link to one.
    as_user mkdir "$SCRATCH/out/users-dir"
    V2VW_RUN_DIR=$SCRATCH/out/users-dir "$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
    check "$m: run root owned by another user: refused" grep -q "must belong to uid 0" "$SCRATCH/stderr"
    as_user ln -s "$SCRATCH/target" "$SCRATCH/out/users-link"
    V2VW_RUN_DIR=$SCRATCH/out/users-link "$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
    check "$m: run root a link: refused" grep -q "not a link" "$SCRATCH/stderr"
    check "$m: the link target got nothing" test "$(ls "$SCRATCH/target")" = file
    # The run root itself: nobody else can put anything in it.
    run_wrapper "$(input_local)"
    check "$m: a conversion starts ($ERR)" test "$RC" = 0
    wait_finished "$(jq -r .state_file "$SCRATCH/stdout")" 30 >/dev/null
    local rd
    rd=$(run_dirs | head -1)
    check "$m: another user cannot plant a symlink in the run root" denied ln -s "$SCRATCH/target" "$V2VW_RUN_DIR/v2v-import-x"
    check "$m: another user cannot plant a FIFO in the run root" denied mkfifo "$V2VW_RUN_DIR/v2v-import-x"
    check "$m: another user cannot plant a directory in the run root" denied mkdir "$V2VW_RUN_DIR/v2v-import-x"
    check "$m: another user cannot reach a run directory" denied ls "$rd"
    check "$m: another user cannot plant a file in a run directory" denied touch "$rd/owner.lock"
    rm -rf "${V2VW_RUN_DIR:?}"
    for kind in symlink fifo dir hardlink; do
        for suffix in .log -mr.log -wrapper.log; do squat_logs "$m" "$kind" "$suffix"; done
    done
}
both_ways one_run
finish
