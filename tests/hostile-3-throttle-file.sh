# SPDX-License-Identifier: Apache-2.0
# Attack 3: another local user writes (or plants before the start) the
# throttling file of a root conversion. It lives in the root-only run
# directory now: the user can neither create nor write it, and a file there
# that is not root's is ignored with a message. Before: it sat in /tmp
# under a predictable name and {"cpu":"1%"} was applied.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/hostile-lib.sh"

one_run() {
    local m=$1
    FAKE_ENGINE_SCENARIO=slow FAKE_ENGINE_DELAY=0.3 run_wrapper "$(input_local)"
    check "$m: started ($ERR)" test "$RC" = 0
    local state throttle
    state=$(jq -r .state_file "$SCRATCH/stdout")
    throttle=$(jq -r .throttling_file "$SCRATCH/stdout")
    check "$m: the user cannot create the throttling file" denied sh -c "printf '{\"cpu\": \"1%%\"}' > '$throttle'"
    check "$m: the user cannot read the state's directory" denied ls "$(dirname "$state")"
    # A file of another owner put there (as root could): ignored, removed.
    printf '{"cpu": "1%%"}' > "$SCRATCH/foreign"
    chown "$HUID" "$SCRATCH/foreign"
    mv "$SCRATCH/foreign" "$throttle"
    check "$m: a throttling file of another owner is refused" wait_for sh -c \
        "jq -r '.last_message.message // empty' '$state' | grep -q 'belongs to uid $HUID'"
    check "$m: ... and not applied" test "$(jq -r .throttling.cpu "$state")" = null
    check "$m: finished" wait_finished "$state" 60
    check "$m: the client (root) can read the state" test -r "$state"
}
both_ways one_run
finish
