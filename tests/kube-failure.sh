# SPDX-License-Identifier: Apache-2.0
# A failed pod-mode conversion: exit 2, v2vConversionError holds the
# engine's error (the state's last_message), the termination message file
# holds it too, no metadata annotation, the annotations of others survive.
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/kube-lib.sh"
export FAKE_ENGINE_CAPS="virt-v2v-2.2 input:disk output:kubevirt output:local"
kube_start_server
kube_env

FAKE_ENGINE_SCENARIO=fail run_wrapper "$(input_pod)"
check "exit 2" test "$RC" = 2
kube_common_checks
STATE=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
msg=$(jq -r .last_message.message "$STATE")
check "the state failed" test "$(jq -r .failed "$STATE")" = true
check "v2vConversionError is the final last_message" test "$(ann v2vConversionError)" = "$msg"
check "it is the engine's error" grep -q 'inspection could not detect the source guest' <(ann v2vConversionError)
check "termination message = the error" test "$(cat "$KUBE_TERMLOG")" = "$msg"
check "no metadata annotation" test "$(ann v2vConversionMetadata)" = null
check "the error went out in the last request" \
    test "$(rec '.[-1] | [.method, .status, (.body.metadata.annotations | keys)]')" = '["PATCH",200,["v2vConversionError"]]'
check "no disk link left" sh -c "! ls '$KUBE_DATA/vm' | grep -q -- -sda"
finish
