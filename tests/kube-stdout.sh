# SPDX-License-Identifier: Apache-2.0
# The container's stdout is closed (its reader went away): the wrapper
# neither dies of SIGPIPE nor stops; the conversion, the state file, the
# wrapper log and the annotations all finish as if nothing happened.
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/kube-lib.sh"
export FAKE_ENGINE_CAPS="virt-v2v-2.2 input:disk output:kubevirt output:local" FAKE_ENGINE_DELAY=0.1
kube_start_server
kube_env

input_pod > "$SCRATCH/input.json"
# A pipe whose reader is gone before the wrapper writes its first line.
mkfifo "$SCRATCH/pipe"
( exec 3<"$SCRATCH/pipe"; exec 3<&- ) &
"$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/pipe" 2> "$SCRATCH/stderr"
rc=$?
check "exit 0 with a closed stdout (not 141: SIGPIPE)" test "$rc" = 0
log=$(ls "$V2VW_LOG_DIR"/*-wrapper.log)
state=$(ls "$V2VW_STATE_DIR"/*.state)
check "the wrapper log notes the closed stdout" grep -q 'Cannot print the paths on stdout: going on' "$log"
check "the wrapper log goes on to the end" grep -q 'INFO: Conversion succeeded' "$log"
check "the state is finished and not failed" test "$(jq -c '[.finished, .failed]' "$state")" = '[true,false]'
check "final annotations stored" test "$(ann v2vConversionProgress)/$(ann v2vConversionMetadataFormat)" = 100/kubevirt-yaml
check "the disk is in place" test "$(cat "$KUBE_DATA/vm/disk1/disk.img")" = "disk 1"

# The same when the engine fails: exit 2 and the error annotation.
rm -f "$log" "$state"
( exec 3<"$SCRATCH/pipe"; exec 3<&- ) &
FAKE_ENGINE_SCENARIO=fail "$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/pipe" 2> "$SCRATCH/stderr"
rc=$?
check "failure with a closed stdout: exit 2" test "$rc" = 2
check "failure with a closed stdout: v2vConversionError" grep -q 'inspection could not detect' <(ann v2vConversionError)
check "failure with a closed stdout: termination message" grep -q 'inspection could not detect' "$KUBE_TERMLOG"
finish
