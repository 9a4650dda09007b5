# SPDX-License-Identifier: Apache-2.0
# The API server refuses the pod's token (401) until the token file is
# rotated (projected tokens are): the refusals are logged, the conversion
# goes on, and once the file holds the accepted token the next request
# carries it: the final annotations arrive.
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/kube-lib.sh"
export FAKE_ENGINE_CAPS="virt-v2v-2.2 input:disk output:kubevirt output:local" FAKE_ENGINE_DELAY=0.3
kube_make_ca || { echo "FAIL: openssl" >&2; exit 1; }
kube_set_token old-token
kube_start_server "" new-token
kube_env

# Rotate the token once the first refusal was recorded.
( for _ in $(seq 1 600); do
      grep -q '"status": 401' "$KUBE_RECORD" 2>/dev/null && { sleep 1; kube_set_token new-token; exit 0; }
      sleep 0.05
  done ) &
rotator=$!
run_wrapper "$(input_pod)"
wait "$rotator"
check "exit 0" test "$RC" = 0
check "the first requests were refused" test "$(rec '.[0] | [.token_ok, .status]')" = '[false,401]'
check "a 401 is logged as an error, not retried blindly" grep -q 'ERROR: Kubernetes API: updating the progress failed: HTTP 401 (Unauthorized); not retrying' "$SCRATCH/stdout"
check "after the rotation requests carry the new token" test "$(rec '.[-1] | [.token_ok, .status]')" = '[true,200]'
check "final: progress 100" test "$(ann v2vConversionProgress)" = 100
check "final: metadata stored" test "$(ann v2vConversionMetadataFormat)" = kubevirt-yaml
check "someone else's annotations survive" test "$(ann example.com/owner)" = migration-plan-7
check "no token in the logs" sh -c "! grep -rqE 'old-token|new-token' '$SCRATCH/stdout' '$V2VW_LOG_DIR'"

# The token never becomes valid: the final annotations are retried (a
# token may rotate) until V2VW_KUBE_FINAL_SECONDS, then given up: exit 0
# all the same, the state is final.
kube_stop_server
kube_set_token wrong-token
kube_start_server "" never-this
start=$(date +%s)
V2VW_KUBE_FINAL_SECONDS=3 run_wrapper "$(input_pod)"
check "never valid: exit 0 (the conversion succeeded)" test "$RC" = 0
check "never valid: gave up on the final annotations" grep -q 'giving up on the final annotations after 3 s' "$SCRATCH/stdout"
check "never valid: the final annotations were tried more than once (the budget GET)" \
    test "$(rec '[.[] | select(.method == "GET" and .status == 401)] | length')" -ge 2
check "never valid: nothing was stored" test "$(ann v2vConversionProgress)" = null
STATE=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
check "never valid: the state is finished" test "$(jq -r .finished "$STATE")" = true
finish
