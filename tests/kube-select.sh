# SPDX-License-Identifier: Apache-2.0
# Pod mode selection and the engine command: "daemonize": false with no
# output key is the Kubernetes pod; -o json for a 1.x engine (output:json),
# -o kubevirt -on NAME for 2.x (output:kubevirt); the NAME is RFC 1123 and
# recorded in the state; LIBGUESTFS_BACKEND=direct; the direct runner even
# where systemd would be used; no API at all is not fatal.
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/kube-lib.sh"
unset V2VW_NO_SYSTEMD                   # pod mode must not need it
export FAKE_ENGINE_RECORD=$SCRATCH/record
unset KUBERNETES_SERVICE_HOST KUBERNETES_SERVICE_PORT
export V2VW_KUBE_DATA_DIR=$KUBE_DATA V2VW_KUBE_TERMINATION_LOG=$KUBE_TERMLOG
mkdir -p "$KUBE_DATA/vm/disk1"

V1="virt-v2v-1.42 input:disk output:json output:local"
V2="virt-v2v-2.2 input:disk output:kubevirt output:local"

FAKE_ENGINE_CAPS=$V2 expect_argv "2.x: -o kubevirt -on NAME" "$(input_pod 'Win2k22 Server')" \
    "-v -x S/disk.img --root first --machine-readable=file:MR -i disk -o kubevirt -os S/data/vm -on win2k22-server -of raw"
STATE=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
check "2.x: exit 0 without any Kubernetes API" test "$(jq -r .failed "$STATE")" = false
check "2.x: the name is in the state" test "$(jq -r .output_name "$STATE")" = win2k22-server
check "2.x: LIBGUESTFS_BACKEND=direct" grep -q 'LIBGUESTFS_BACKEND=direct' "$FAKE_ENGINE_RECORD"
check "2.x: no API is a warning, not an error" grep -q 'WARNING: No Kubernetes API: .*the pod gets no annotations' "$SCRATCH/stdout"
check "2.x: direct runner" grep -q '(direct runner' "$SCRATCH/stdout"
check "2.x: the disk is at disk1/disk.img" test "$(cat "$KUBE_DATA/vm/disk1/disk.img")" = "disk 1"
check "2.x: no NAME-sda left beside it" test ! -e "$KUBE_DATA/vm/win2k22-server-sda"

FAKE_ENGINE_VERSION=1.42.0 FAKE_ENGINE_CAPS=$V1 expect_argv "1.x: -o json with the disks pattern" "$(input_pod 'Win2k22 Server' | jq '.output_format = "qcow2"')" \
    "-v -x S/disk.img --root first --machine-readable=file:MR -i disk -on Win2k22 Server -o json -os S/data/vm -oo json-disks-pattern=disk%{DiskNo}/disk.img -of qcow2"
STATE=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
check "1.x: no output_name in the state" test "$(jq -r .output_name "$STATE")" = null
check "1.x: succeeded" test "$(jq -r .failed "$STATE")" = false

FAKE_ENGINE_CAPS="virt-v2v-2.2 output:kubevirt" expect_argv "vddk: -on after the input" "$(jq -n '{
    vm_name: "Prod DB #7", transport_method: "vddk", vmware_uri: "vpx://vc/dc/h?no_verify=1",
    vmware_password: "pw", vmware_fingerprint: "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67",
    daemonize: false}')" \
    "-v -x Prod DB #7 --root first --machine-readable=file:MR -i libvirt -ic vpx://vc/dc/h?no_verify=1 -it vddk -io vddk-libdir=/opt/vmware-vix-disklib-distrib -io vddk-thumbprint=01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67 --password-file SECRETS/vmware-password -o kubevirt -os S/data/vm -on prod-db-7 -of raw"

# With another output key, "daemonize": false is just the foreground.
FAKE_ENGINE_CAPS=$V2 expect_argv "local_storage wins over pod mode" "$(input_local)" \
    "-v -x S/disk.img --root first --machine-readable=file:MR -i disk -on testvm -o local -os S/out -of raw"

FAKE_ENGINE_CAPS="virt-v2v-2.2 output:local" run_wrapper "$(input_pod x)"
check "an engine with neither output: exit 1" test "$RC" = 1
check "an engine with neither output: says so" grep -q 'neither output:json nor output:kubevirt' "$SCRATCH/stderr"
finish
