# SPDX-License-Identifier: Apache-2.0
# Real engine, two disks from libvirt XML, source_disks for both: each disk
# is in the state exactly once and both reach 100.
source "$TESTS_DIR/real-engine-lib.sh"

xml=$GUEST_DIR/two-disks.xml
d1=$GUEST_DIR/win2k22.img
d2=$GUEST_DIR/data2.img
input=$(jq -n --arg src "$xml" --arg d1 "$d1" --arg d2 "$d2" --arg out "$SCRATCH/out" '{
    vm_name: "win2k22-two", transport_method: "libvirtxml", source_path: $src,
    source_disks: [$d1, $d2], local_storage: $out, output_format: "raw"}')
convert "$input" || exit 1

common_checks
disk_checks "$d1" "$d2"
sum_true "not failed" '.final.failed == false'
sum_true "return_code 0" '.final.return_code == 0'
for d in sda sdb; do
    check "output disk $d exists" test -f "$SCRATCH/out/win2k22-two-$d"
    check "output disk $d is raw" \
        sh -c "qemu-img info --output=json '$SCRATCH/out/win2k22-two-$d' | jq -e '.format == \"raw\"' >/dev/null"
done
report_numbers
finish
