# SPDX-License-Identifier: Apache-2.0
# A real two-disk virt-v2v 2.2 transcript replayed through the wrapper:
# both disks reach 100.
. "$TESTS_DIR/lib.sh"
export FAKE_ENGINE_RECORD="$SCRATCH/record"
touch "$SCRATCH/disk.img"

FAKE_ENGINE_SCENARIO="replay:$TESTS_DIR/data/virt-v2v-2.2/two-disks" run_wrapper "$(input_local '.daemonize = false | .source_disks = ["/srv/images/win2k22.img", "/srv/images/data.img"]')"
STATE=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
check "replay: both disks at 100, disk_count 2" test "$(jq -c '[.disks[].progress, .disk_count, .failed]' "$STATE")" = '[100,100,2,false]'
finish
