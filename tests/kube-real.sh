# SPDX-License-Identifier: Apache-2.0
# The real virt-v2v 2.2 converts the phony guest in pod mode (-o kubevirt)
# inside a private mount namespace laid out like a conversion pod, against
# the Kubernetes API test server: exit 0, the disk at /data/vm/disk1/disk.img,
# progress annotations on the way, the YAML in v2vConversionMetadata.
source "$TESTS_DIR/kube-real-lib.sh"
kube_start_server

img=$GUEST_DIR/win2k22.img
start=$(date +%s)
run_pod "$(jq -n --arg src "$img" '{vm_name: "Win2k22 Phony", transport_method: "disk",
                                     source_path: $src, daemonize: false}')"
elapsed=$(( $(date +%s) - start ))
check "exit 0" test "$RC" = 0 || { tail -30 "$SCRATCH/stdout"; cat "$SCRATCH/stderr"; }
kube_common_checks
disk=$SCRATCH/data/vm/disk1/disk.img
check "the disk is at /data/vm/disk1/disk.img" test -f "$disk"
check "it is the whole guest disk (512 MiB)" test "$(stat -c %s "$disk" 2>/dev/null)" = 536870912
check "it is a raw image with the guest's GPT" sh -c "sfdisk --json '$disk' | jq -e '.partitiontable.label == \"gpt\"' >/dev/null"
check "no NAME-sda left beside it" test ! -e "$SCRATCH/data/vm/win2k22-phony-sda"
check "the YAML is beside it" test -f "$SCRATCH/data/vm/win2k22-phony.yaml"
check "metadata annotation = the engine's YAML" test "$(ann v2vConversionMetadata)" = "$(cat "$SCRATCH/data/vm/win2k22-phony.yaml")"
check "it is a KubeVirt VirtualMachineInstance named win2k22-phony" \
    sh -c "jq -r .metadata.annotations.v2vConversionMetadata '$KUBE_POD_OUT' | grep -q '^kind: VirtualMachineInstance' && jq -r .metadata.annotations.v2vConversionMetadata '$KUBE_POD_OUT' | grep -q '^  name: win2k22-phony'"
check "format kubevirt-yaml" test "$(ann v2vConversionMetadataFormat)" = kubevirt-yaml
check "progress annotations arrived before the end" test "$(stored_progress | jq 'length >= 2 and (.[0] | tonumber) < 100')" = true
check "final progress 100" test "$(ann v2vConversionProgress)" = 100
check "no error annotation" test "$(ann v2vConversionError)" = null
check "the pod's name came from HOSTNAME" test "$(rec '.[0].path')" = "\"/api/v1/namespaces/$KUBE_NS/pods/$KUBE_POD\""
check "stdout: the engine's own log lines" grep -q 'Copying disk 1/1' "$SCRATCH/stdout"
check "stdout: the wrapper's lines" grep -q 'INFO: Conversion succeeded' "$SCRATCH/stdout"
check "the engine ran with -o kubevirt -os /data/vm -on win2k22-phony" \
    grep -q -- '-o kubevirt -os /data/vm -on win2k22-phony' "$SCRATCH/stdout"
check "no termination message" test ! -e "$KUBE_TERMLOG"
print_sequence
echo "numbers: conversion in the pod $elapsed s; $(rec 'length') API requests"
finish
