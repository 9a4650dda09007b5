# SPDX-License-Identifier: Apache-2.0
# Real engine on a disk with no operating system: inspection fails, and the
# state file says so (failed, non-zero return_code, the engine's error).
source "$TESTS_DIR/real-engine-lib.sh"

img=$GUEST_DIR/data.img
input=$(jq -n --arg src "$img" --arg out "$SCRATCH/out" '{
    vm_name: "blank", transport_method: "disk", source_path: $src,
    local_storage: $out}')
convert "$input" || exit 1

common_checks
sum_true "failed" '.final.failed == true'
sum_true "return_code non-zero" '(.final.return_code | type) == "number" and .final.return_code != 0'
sum_true "last_message is an error" '.final.last_message.type == "error"'
sum_true "last_message is the inspection error" \
    '.final.last_message.message | contains("inspection could not detect the source guest")'
sum_true "the disk stays listed once" "[.final.disks[].path] == [\"$img\"]"
check "no output disk" test ! -e "$SCRATCH/out/blank-sda"
report_numbers
finish
