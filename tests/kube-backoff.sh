# SPDX-License-Identifier: Apache-2.0
# The API server answers the first four patches with 409, 429, 500, 503:
# the wrapper retries with a growing backoff from event loop timers, the
# conversion is not slowed down or failed by it, and every value it wanted
# stored ends up stored. The engine runs ten seconds: the four retries
# (0.25, 0.5, 1, 2 s of backoff, at least 1 s apart: the rate limit) all
# happen while it copies; a success in between would start the backoff over.
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/kube-lib.sh"
export FAKE_ENGINE_CAPS="virt-v2v-2.2 input:disk output:kubevirt output:local" FAKE_ENGINE_DELAY=1
kube_start_server "409,429,500,503"
kube_env

run_wrapper "$(input_pod)"
check "exit 0" test "$RC" = 0
kube_common_checks
check "the four injected failures were answered" \
    test "$(rec '[.[] | select(.injected) | .status]')" = '[409,429,500,503]'
check "each failure was logged with its status" \
    test "$(grep -cE 'WARNING: Kubernetes API: .* failed: HTTP (409|429|500|503)' "$SCRATCH/stdout")" = 4
check "the Status message is in the log" grep -q 'the object has been modified' "$SCRATCH/stdout"
# Backoff: the gaps between a failed request and the next one grow.
gaps=$(rec '[.[] | select(.method == "PATCH")] | [range(0; 4) as $i | .[$i + 1].t - .[$i].t]')
echo "gaps after the failures: $gaps"
check "a retry follows each failure" test "$(jq 'length' <<<"$gaps")" = 4
check "the backoff grows (each retry waits at least 1 s: the rate limit)" \
    test "$(jq 'all(. >= 0.7)' <<<"$gaps")" = true
check "the backoff is logged growing" \
    test "$(grep -oE 'retrying in [0-9.]+ s' "$SCRATCH/stdout" | awk '{print $3}' | jq -s -c '. == (. | sort) and .[0] < .[-1]')" = true
check "final: progress 100 and the metadata" test "$(ann v2vConversionProgress)/$(ann v2vConversionMetadataFormat)" = 100/kubevirt-yaml
check "the last request succeeded" test "$(rec '.[-1].status')" = 200
finish
