# SPDX-License-Identifier: Apache-2.0
# A pod-mode engine that cannot even start (it answered the capability
# question, then removed itself): the output's cleanup still runs, so the
# pod gets v2vConversionError and the termination message; exit 2.
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/kube-lib.sh"
kube_start_server
kube_env

printf '#!/bin/sh\necho output:kubevirt\nrm -f "$0"\n' > "$SCRATCH/bad-engine"
chmod +x "$SCRATCH/bad-engine"
V2VW_ENGINE=$SCRATCH/bad-engine run_wrapper "$(input_pod)"
check "no engine: exit 2" test "$RC" = 2
kube_common_checks
check "no engine: v2vConversionError says why" sh -c "jq -r '.metadata.annotations.v2vConversionError' '$KUBE_POD_OUT' | grep -q 'cannot run the engine'"
check "no engine: termination message" grep -q 'cannot run the engine' "$KUBE_TERMLOG"
STATE=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
check "no engine: the state is failed and finished" test "$(jq -c '[.failed, .finished]' "$STATE")" = '[true,true]'
finish
