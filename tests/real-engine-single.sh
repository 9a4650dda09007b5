# SPDX-License-Identifier: Apache-2.0
# Real engine, one disk, daemonized, local_storage, qcow2: the client sees
# started, the pid, progress rising to 100, then a clean finish, and the
# converted disk is a qcow2 image.
source "$TESTS_DIR/real-engine-lib.sh"

img=$GUEST_DIR/win2k22.img
input=$(jq -n --arg src "$img" --arg out "$SCRATCH/out" '{
    vm_name: "win2k22", transport_method: "disk", source_path: $src,
    source_disks: [$src], local_storage: $out, output_format: "qcow2"}')
convert "$input" || exit 1

common_checks
disk_checks "$img"
sum_true "not failed" '.final.failed == false'
sum_true "return_code 0" '.final.return_code == 0'
sum_true "no error message" '(.final.last_message // {}) | .type != "error"'
sum_true "pid seen no later than progress 100" '.pid_seen_seconds <= .elapsed_seconds'
check "output disk exists" test -f "$SCRATCH/out/win2k22-sda"
check "output disk is qcow2" \
    sh -c "qemu-img info --output=json '$SCRATCH/out/win2k22-sda' | jq -e '.format == \"qcow2\"' >/dev/null"
check "output metadata exists" test -f "$SCRATCH/out/win2k22.xml"
report_numbers
finish
