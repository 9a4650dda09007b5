# SPDX-License-Identifier: Apache-2.0
# The real virt-v2v 2.2 fails in pod mode (a disk with no operating system:
# inspection finds nothing): exit 2, v2vConversionError holds the engine's
# error, the termination message too, no metadata annotation.
source "$TESTS_DIR/kube-real-lib.sh"
kube_start_server

run_pod "$(jq -n --arg src "$GUEST_DIR/data.img" '{vm_name: "no-os", transport_method: "disk",
                                                   source_path: $src, daemonize: false}')"
check "exit 2" test "$RC" = 2
kube_common_checks
check "v2vConversionError is the engine's error" grep -q 'inspection could not detect the source guest' <(ann v2vConversionError)
check "the termination message holds it" grep -q 'inspection could not detect the source guest' "$KUBE_TERMLOG"
check "no metadata annotation" test "$(ann v2vConversionMetadata)" = null
check "stdout: the engine's error" grep -q 'virt-v2v: error: inspection could not detect' "$SCRATCH/stdout"
check "no disk link left" sh -c "! ls '$SCRATCH/data/vm' | grep -q -- -sda"
print_sequence
finish
