# The rooms' arrows hold at build time (tests/layering.cmake): every
# allowed probe builds; every forbidden one fails because its header is not
# on that room's include path (and for no other reason).
# LAYERING_KIND=allowed|forbidden says which half to run.
set -u
: "${BUILDDIR:?}" "${LAYERING_KIND:?}"
kind=$LAYERING_KIND
failures=0
checks=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

allowed="wrapper-uses-outputs wrapper-uses-state state-uses-common outputs-uses-common"
forbidden="state-uses-wrapper common-uses-state common-uses-wrapper outputs-uses-wrapper
           outputs-uses-state throttle-uses-wrapper throttle-uses-outputs luks-uses-wrapper
           luks-uses-state state-uses-throttle"

build() {
    cmake --build "$BUILDDIR" --target "layering-$1" > "$SCRATCH/$1.log" 2>&1
}

if [ "$kind" = allowed ]; then
    for p in $allowed; do
        checks=$((checks + 1))
        build "$p" || fail "$p: an allowed include does not build: $(grep -m1 error "$SCRATCH/$p.log")"
    done
else
    for p in $forbidden; do
        checks=$((checks + 1))
        if build "$p"; then
            fail "$p: a forbidden include builds"
        elif ! grep -Eq "fatal error: [a-z]+/[a-z_]+\.h: No such file or directory" "$SCRATCH/$p.log"; then
            fail "$p: failed for another reason: $(grep -m1 -i error "$SCRATCH/$p.log")"
        fi
    done
fi
echo "$checks checks, $failures failures"
[ "$failures" = 0 ]
