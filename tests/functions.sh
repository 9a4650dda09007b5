# The one vocabulary of the shell tests (sourced by every test, directly or
# through lib.sh, throttle-lib.sh, ovirt-lib.sh):
#
#   check DESCRIPTION CMD...   run CMD; a failure if it fails
#   fail MESSAGE               a failure: counted and reported, the test goes on
#   fatal MESSAGE              a failure after which the test cannot go on: exit 1
#   pass / ok MESSAGE          a check that passed (ok also says so)
#   skip REASON / need_root    the test cannot run here: exit 77 (ctest: skipped)
#   wait_for CMD...            until CMD succeeds (60 s)
#   finish                     "N checks, M failures"; exit status 1 if any failed
set -u

failures=0
checks=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
fatal() { echo "FAIL: $*" >&2; exit 1; }
pass() { checks=$((checks + 1)); }
ok() { checks=$((checks + 1)); echo "ok: $*"; }
check() {
    local what=$1; shift
    checks=$((checks + 1))
    if ! "$@"; then echo "FAIL: $what" >&2; failures=$((failures + 1)); fi
}
skip() { echo "SKIP: $*"; exit 77; }
need_root() { [ "$(id -u)" = 0 ] || skip "needs root: $*"; }
finish() {
    echo "$checks checks, $failures failures"
    [ "$failures" = 0 ]
}

# wait_for COMMAND...: until the command succeeds (60 s: generous for a
# loaded machine; it returns as soon as the command succeeds).
wait_for() {
    local i=0
    while [ $i -lt 1200 ]; do "$@" && return 0; sleep 0.05; i=$((i + 1)); done
    return 1
}
