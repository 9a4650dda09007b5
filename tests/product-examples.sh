# SPDX-License-Identifier: Apache-2.0
# Every shipped example works with examples/try (the fake engine, a scratch
# directory): inputs convert, the throttling file is applied, the LUKS
# vault's keys reach the engine.
. "$TESTS_DIR/lib.sh"
need_root "the oVirt examples run the engine as vdsm (uid 36) or root"

n=0
for e in "$SRCDIR"/examples/*.json; do
    name=$(basename "$e")
    n=$((n + 1))
    WRAPPER=$WRAPPER TRY_DELAY=0.3 "$SRCDIR/examples/try" "$e" > "$SCRATCH/$name.out" 2>&1
    rc=$?
    check "$name: try exits 0 ($(tail -n 2 "$SCRATCH/$name.out"))" test $rc = 0
    check "$name: finished" grep -q '^try: finished, return_code 0' "$SCRATCH/$name.out"
    values=$(sed -n 's/^state: //p' "$SCRATCH/$name.out" | jq -r .progress | sort -u | wc -l)
    check "$name: the state was shown live ($values progress values)" test "$values" -ge 3
    check "$name: the engine's command line is shown" grep -q '^engine: .*--root first' "$SCRATCH/$name.out"
    case $name in
    throttling.json)
        check "$name: applied" grep -q '"throttling":{"cpu":"50%","network":"10485760"}' "$SCRATCH/$name.out" ;;
    luks-keys-vault.json)
        check "$name: both keys passed to the engine" grep -q -- '--key /dev/sda2:file:.*--key /dev/sdb:file:' "$SCRATCH/$name.out" ;;
    esac
    check "$name: the scratch directory is removed" bash -c '! ls -d "$1"/v2vw-try.* 2>/dev/null | grep -q "$(sed -n "s/.*fake engine in //p" "$2")"' _ "${TMPDIR:-/tmp}" "$SCRATCH/$name.out"
done
check "all examples were tried ($n)" test $n -ge 8
finish
