# SPDX-License-Identifier: Apache-2.0
# Builds (or finds cached) the phony Windows guest the other real-engine
# tests convert, and checks it is laid out as the phony-windows README says.
source "$TESTS_DIR/lib.sh"
command -v guestfish >/dev/null || skip "guestfish is not installed (scripts/install-deps)"

dir=$("$SRCDIR/scripts/make-phony-guest") || { echo "FAIL: make-phony-guest failed" >&2; exit 1; }
img=$dir/win2k22.img
check "win2k22.img exists" test -f "$img"
check "win2k22.img is 512 MiB" test "$(stat -c %s "$img")" = 536870912
check "win2k22.img is sparse" test $(( $(stat -c %b "$img") * 512 )) -lt $((64 * 1024 * 1024))
table=$(sfdisk --json "$img")
check "GPT" test "$(jq -r .partitiontable.label <<<"$table")" = gpt
check "p1 is sectors 64..524287" \
    test "$(jq -c '.partitiontable.partitions[0] | [.start, .size]' <<<"$table")" = "[64,524224]"
check "p2 starts at 524288 and ends 64 sectors before the end" \
    test "$(jq -c '.partitiontable.partitions[1] | [.start, .start + .size]' <<<"$table")" = "[524288,1048513]"
check "data.img (no OS) exists" test -s "$dir/data.img"
check "data2.img exists" test -s "$dir/data2.img"
check "two-disks.xml names both disks" \
    test "$(grep -c -e "file='$dir/win2k22.img'" -e "file='$dir/data2.img'" "$dir/two-disks.xml")" = 2
check "rhsrvany.exe placeholder" test -s "$dir/virt-tools/rhsrvany.exe"
check "pnp_wait.exe placeholder" test -s "$dir/virt-tools/pnp_wait.exe"
check "env names VIRT_TOOLS_DATA_DIR" grep -q "VIRT_TOOLS_DATA_DIR=$dir/virt-tools" "$dir/env"
# A second call uses the cache.
start=$(date +%s)
check "second call succeeds" "$SRCDIR/scripts/make-phony-guest" >/dev/null
check "second call is cached (under 5 s)" test $(( $(date +%s) - start )) -lt 5
finish
