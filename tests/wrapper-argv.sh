# SPDX-License-Identifier: Apache-2.0
# The engine's full command line and environment for each mode, compared
# with the expected argv (table-driven; the fake engine records argv).
. "$TESTS_DIR/lib.sh"
export FAKE_ENGINE_RECORD="$SCRATCH/record"
touch "$SCRATCH/disk.img" "$SCRATCH/drivers.iso"
FP=01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67

BASE="-v -x"
expect_argv "disk to local" \
    "$(input_local)" \
    "$BASE S/disk.img --root first --machine-readable=file:MR -i disk -on testvm -o local -os S/out -of raw"
expect_argv "disk to local, qcow2, sparse" \
    "$(input_local '.output_format = "qcow2" | .allocation = "sparse"')" \
    "$BASE S/disk.img --root first --machine-readable=file:MR -i disk -on testvm -o local -os S/out -of qcow2 -oa sparse"
expect_argv "libvirtxml with network mappings" \
    "$(input_local '.transport_method = "libvirtxml" | .network_mappings = [{"source":"VM Network","destination":"ovirtmgmt"},{"source":"lan","destination":"br1"}]')" \
    "$BASE S/disk.img --root first --machine-readable=file:MR -i libvirtxml -on testvm --bridge VM Network:ovirtmgmt --bridge lan:br1 -o local -os S/out -of raw"
expect_argv "mac_address with mac-option" \
    "$(input_local '.network_mappings = [{"source":"a","destination":"br0","mac_address":"52:54:00:01:02:03"}]')" \
    "$BASE S/disk.img --root first --machine-readable=file:MR -i disk -on testvm --mac 52:54:00:01:02:03:bridge:br0 -o local -os S/out -of raw"
FAKE_ENGINE_CAPS="input:disk" expect_argv "mac_address without mac-option" \
    "$(input_local '.network_mappings = [{"source":"a","destination":"br0","mac_address":"52:54:00:01:02:03"}]')" \
    "$BASE S/disk.img --root first --machine-readable=file:MR -i disk -on testvm --bridge a:br0 -o local -os S/out -of raw"
expect_argv "vddk to local" \
    "$(input_local 'del(.source_path) | .transport_method = "vddk" | .vm_name = "My VM" | .vmware_uri = "esx://root@esx.example.com?no_verify=1" | .vmware_password = "pw1" | .vmware_fingerprint = "'$FP'"')" \
    "$BASE My VM --root first --machine-readable=file:MR -i libvirt -ic esx://root@esx.example.com?no_verify=1 -it vddk -io vddk-libdir=/opt/vmware-vix-disklib-distrib -io vddk-thumbprint=$FP --password-file SECRETS/vmware-password -o local -os S/out -of raw"
expect_argv "libvirt input with password to a pool" \
    "$(input_local 'del(.source_path) | del(.local_storage) | .transport_method = "libvirt" | .source_uri = "xen+ssh://root@xen.example.com" | .source_password = "pw2" | .libvirt_pool = "default-pool" | .libvirt_uri = "test:///default"')" \
    "$BASE testvm --root first --machine-readable=file:MR -i libvirt -ic xen+ssh://root@xen.example.com --password-file SECRETS/source-password -o libvirt -oc test:///default -os default-pool -of raw"
expect_argv "ova" \
    "$(input_local '.transport_method = "ova"')" \
    "$BASE S/disk.img --root first --machine-readable=file:MR -i ova -on testvm -o local -os S/out -of raw"

# The vddk password file held the password, 0600, owned by the conversion user.
argv_of "$(input_local 'del(.source_path) | .transport_method = "vddk" | .vmware_uri = "esx://h" | .vmware_password = "pw1" | .vmware_fingerprint = "'$FP'"')" > /dev/null
check "password file content and mode" grep -q "^secret=.*/vmware-password mode=600 owner=$(id -u):$(id -g) content=pw1$" "$FAKE_ENGINE_RECORD"
check "secret files are gone afterwards" sh -c "! ls -d '$V2VW_RUN_DIR'/*/secrets >/dev/null 2>&1"
check "engine env has LANG=C" grep -q '^env=LANG=C ' "$FAKE_ENGINE_RECORD"
check "password not in the wrapper log" sh -c "! grep -r pw1 '$V2VW_LOG_DIR'/*-wrapper.log"
check "engine command is logged" grep -q 'Running: .*fake-engine -v -x' "$V2VW_LOG_DIR"/*-wrapper.log

# virtio_win with an absolute path reaches the engine as VIRTIO_WIN.
argv_of "$(input_local '.virtio_win = "'"$SCRATCH"'/drivers.iso"')" > /dev/null
check "VIRTIO_WIN in the engine environment" grep -q "VIRTIO_WIN=$SCRATCH/drivers.iso " "$FAKE_ENGINE_RECORD"
finish
