# SPDX-License-Identifier: Apache-2.0
# Attack 5: the local output logged into /tmp, where a pre-created 0666
# file received root's log (and a FIFO there hung the wrapper). Now its logs
# go to a root-owned /var/log/virt-v2v-wrapper (not writable by others),
# the wrapper log is 0600 and the engine's logs 0640, and nothing is
# written into what a neighbour planted under the old names in /tmp.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/hostile-lib.sh"

unset V2VW_LOG_DIR
input_local > "$SCRATCH/input.json"
one_run() {
    local m=$1 tag
    start_with_known_pid "$SCRATCH/input.json"
    for tag in $(guessed_tags "$WPID"); do
        as_user sh -c "umask 0; : > /tmp/v2v-import-$tag-wrapper.log; : > /tmp/v2v-import-$tag.log"
        echo "/tmp/v2v-import-$tag" >> "$SCRATCH/planted"
    done
    release_wrapper
    wait "$WSHELL"
    check "$m: started ($(cat "$SCRATCH/stderr"))" test -s "$SCRATCH/stdout"
    local state wlog vlog
    state=$(jq -r .state_file "$SCRATCH/stdout")
    wlog=$(jq -r .wrapper_log "$SCRATCH/stdout")
    vlog=$(jq -r .v2v_log "$SCRATCH/stdout")
    check "$m: finished" wait_finished "$state" 30
    check "$m: logs in /var/log/virt-v2v-wrapper" test "$(dirname "$wlog"):$(dirname "$vlog")" = /var/log/virt-v2v-wrapper:/var/log/virt-v2v-wrapper
    check "$m: the log directory is root's, not writable by others" \
        sh -c "[ \"\$(stat -c %u /var/log/virt-v2v-wrapper)\" = 0 ] && [ \$(( 0\$(stat -c %a /var/log/virt-v2v-wrapper) & 022 )) = 0 ]"
    check "$m: the wrapper log is 0600" test "$(stat -c %a "$wlog")" = 600
    check "$m: the v2v log is 0640" test "$(stat -c %a "$vlog")" = 640
    check "$m: the user cannot read the wrapper log" denied cat "$wlog"
    while read -r p; do
        check "$m: nothing written into the planted $p-wrapper.log" test ! -s "$p-wrapper.log"
        rm -f "$p-wrapper.log" "$p.log"
    done < "$SCRATCH/planted"
    rm -f "$SCRATCH/planted" "${wlog%-wrapper.log}"*
}
both_ways one_run
finish
