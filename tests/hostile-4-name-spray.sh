# SPDX-License-Identifier: Apache-2.0
# Attack 4: a local user pre-creates, as directories, the names the next
# wrappers would use (time + PID) in /tmp, where secrets and state used to
# be. Every conversion must still start (nothing of it lives there now, and
# the run directory's name is random under a root-only run root). Before:
# mkdir/open of the predicted name failed and the conversion never started.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/hostile-lib.sh"

input_local > "$SCRATCH/input.json"
one_run() {
    local m=$1 i tag
    for i in 1 2 3; do
        start_with_known_pid "$SCRATCH/input.json"
        for tag in $(guessed_tags "$WPID"); do
            as_user mkdir "/tmp/v2v-import-$tag.secrets" "/tmp/v2v-import-$tag.state" 2>/dev/null
            echo "/tmp/v2v-import-$tag" >> "$SCRATCH/planted"
        done
        release_wrapper
        wait "$WSHELL"
        check "$m: conversion $i started despite the squats ($(cat "$SCRATCH/stderr"))" test -s "$SCRATCH/stdout"
        local state
        state=$(jq -r .state_file "$SCRATCH/stdout" 2>/dev/null)
        check "$m: conversion $i finished" wait_finished "$state" 30
        check "$m: conversion $i state is not in /tmp" sh -c "case '$state' in /tmp/v2v-import-*) false ;; esac"
    done
    while read -r p; do rm -rf "$p.secrets" "$p.state"; done < "$SCRATCH/planted"
    rm -f "$SCRATCH/planted"
}
both_ways one_run
finish
