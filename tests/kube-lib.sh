# SPDX-License-Identifier: Apache-2.0
# Helpers for the Kubernetes pod mode tests (sourced after lib.sh or
# real-engine-lib.sh): a throwaway CA and server certificate made with
# openssl, the service account directory a pod has, and the Kubernetes API
# test server (tests/kube-api-server.py: a real API server cannot run here).
# shellcheck shell=bash disable=SC2016
# (SC2016: the jq programs are single-quoted on purpose.)
# KUBE_SERVER_ARGS: more options of the server (word-split).

command -v openssl >/dev/null || skip "openssl is not installed (scripts/install-deps)"

KUBE_NS=conversions
KUBE_POD=v2v-conversion-abc12
KUBE_SA=$SCRATCH/serviceaccount
KUBE_DATA=$SCRATCH/data
KUBE_TERMLOG=$SCRATCH/termination-log
KUBE_RECORD=$SCRATCH/api-requests.jsonl
KUBE_POD_OUT=$SCRATCH/pod-now.json

kube_make_ca() {
    local d=$SCRATCH/pki
    mkdir -p "$d" "$KUBE_SA"
    openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=test-kubernetes-ca" \
        -keyout "$d/ca.key" -out "$d/ca.crt" 2>/dev/null || return 1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" \
        -keyout "$d/server.key" -out "$d/server.csr" 2>/dev/null || return 1
    printf 'subjectAltName=IP:127.0.0.1,DNS:kubernetes.default.svc\n' > "$d/ext"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
        -days 1 -extfile "$d/ext" -out "$d/server.crt" 2>/dev/null || return 1
    cp "$d/ca.crt" "$KUBE_SA/ca.crt"
    printf '%s' "$KUBE_NS" > "$KUBE_SA/namespace"
    kube_set_token "token-$RANDOM-$$"
}

# kube_set_token TOKEN: what the pod's token file holds (projected tokens rotate).
kube_set_token() { printf '%s\n' "$1" > "$KUBE_SA/token.new" && mv "$KUBE_SA/token.new" "$KUBE_SA/token"; }

# The pod as the API server has it, with annotations set by someone else.
kube_pod_json() {
    jq -n --arg ns "$KUBE_NS" --arg name "$KUBE_POD" '{
        kind: "Pod", apiVersion: "v1",
        metadata: {name: $name, namespace: $ns, uid: "0d3a4f9e-1111-2222-3333-444455556666",
                   resourceVersion: "1000", labels: {app: "v2v-conversion"},
                   annotations: {"kubectl.kubernetes.io/last-applied-configuration": "{}",
                                 "example.com/owner": "migration-plan-7"}},
        spec: {containers: [{name: "v2v", image: "virt-v2v-wrapper:test"}], restartPolicy: "Never"},
        status: {phase: "Running"}}'
}

# kube_start_server [FAIL_PATCHES] [SERVER_TOKEN]: the API server; sets KUBE_PORT.
# SERVER_TOKEN is the token the server accepts (default: the pod's).
kube_start_server() {
    local faults=${1:-} port_file=$SCRATCH/api-port
    [ -f "$SCRATCH/pki/server.crt" ] || kube_make_ca || { echo "FAIL: openssl could not make the CA" >&2; exit 1; }
    if [ -n "${2:-}" ]; then printf '%s\n' "$2" > "$SCRATCH/server-token"
    else cp "$KUBE_SA/token" "$SCRATCH/server-token"; fi
    [ -f "$SCRATCH/pod.json" ] || kube_pod_json > "$SCRATCH/pod.json"
    rm -f "$port_file" "$KUBE_RECORD"
    # shellcheck disable=SC2086 # KUBE_SERVER_ARGS is split into words on purpose
    python3 "$TESTS_DIR/kube-api-server.py" --cert "$SCRATCH/pki/server.crt" --key "$SCRATCH/pki/server.key" \
        --token-file "$SCRATCH/server-token" --pod "$SCRATCH/pod.json" --namespace "$KUBE_NS" \
        --name "$KUBE_POD" --record "$KUBE_RECORD" --pod-out "$KUBE_POD_OUT" --port-file "$port_file" \
        --fail-patches "$faults" ${KUBE_SERVER_ARGS:-} &
    KUBE_SERVER_PID=$!
    trap 'kill $KUBE_SERVER_PID 2>/dev/null; ${KUBE_EXIT_HOOK:-:}' EXIT
    local i=0
    while [ ! -s "$port_file" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    [ -s "$port_file" ] || { echo "FAIL: the API test server did not start" >&2; exit 1; }
    KUBE_PORT=$(cat "$port_file")
    [ -z "${KUBERNETES_SERVICE_HOST:-}" ] || export KUBERNETES_SERVICE_PORT=$KUBE_PORT
    touch "$KUBE_RECORD"
}

kube_stop_server() { kill "$KUBE_SERVER_PID" 2>/dev/null; wait "$KUBE_SERVER_PID" 2>/dev/null; }

# The environment of a pod (the wrapper's knobs point into $SCRATCH).
kube_env() {
    export KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$KUBE_PORT
    export V2VW_KUBE_SERVICEACCOUNT_DIR=$KUBE_SA V2VW_KUBE_DATA_DIR=$KUBE_DATA
    export V2VW_KUBE_TERMINATION_LOG=$KUBE_TERMLOG POD_NAME=$KUBE_POD
    mkdir -p "$KUBE_DATA/vm/disk1"
}

# A pod-mode input: a local disk, "daemonize": false, no output key.
input_pod() {
    : > "$SCRATCH/disk.img"
    jq -n --arg src "$SCRATCH/disk.img" --arg name "${1:-Win2k22 Server}" \
        '{vm_name: $name, transport_method: "disk", source_path: $src, daemonize: false}'
}

# Queries over the recorded requests.
rec() { jq -s -c "$1" "$KUBE_RECORD"; }
patches() { rec '[.[] | select(.method == "PATCH")]'; }
# The progress values the server stored, in order.
stored_progress() { rec '[.[] | select(.method == "PATCH" and .status == 200 and (.body.metadata.annotations.v2vConversionProgress != null)) | .body.metadata.annotations.v2vConversionProgress]'; }
final_annotations() { jq -c '.metadata.annotations' "$KUBE_POD_OUT"; }
ann() { jq -r --arg k "$1" '.metadata.annotations[$k] // "null"' "$KUBE_POD_OUT"; }

# Seconds between the progress updates the wrapper sent (from its log on stdout).
progress_send_gaps() {
    [ -f "$SCRATCH/stdout" ] || { echo '[]'; return; }
    grep -E '^[0-9-]+ [0-9:.]+:DEBUG: Kubernetes API: sending v2vConversionProgress=' "$SCRATCH/stdout" \
        | awk '{ split($2, t, ":"); print t[1] * 3600 + t[2] * 60 + t[3] }' \
        | jq -s -c '[range(1; length) as $i | .[$i] - .[$i - 1]]'
}

# Checks every pod-mode run passes whatever happened.
kube_common_checks() {
    check "someone else's annotations survive" test "$(ann example.com/owner)" = migration-plan-7
    check "last-applied-configuration survives" test "$(ann kubectl.kubernetes.io/last-applied-configuration)" = '{}'
    check "every PATCH is a merge patch" test "$(rec '[.[] | select(.method == "PATCH") | .content_type] | unique')" = '["application/merge-patch+json"]'
    check "every request has the right token" test "$(rec '[.[] | .token_ok] | all')" = true
    check "progress values are integer strings parseInt reads" \
        test "$(stored_progress | jq '[.[] | test("^(0|[1-9][0-9]?|100)$")] | all')" = true
    check "stored progress never goes down" test "$(stored_progress | jq '[.[] | tonumber] as $p | $p == ($p | sort)')" = true
    check "at most one progress update per second (the wrapper's clock)" test "$(progress_send_gaps | jq 'all(. >= 0.999)')" = true
    check "at most one progress update per second (arrivals, 0.3 s of jitter allowed)" \
        test "$(rec '[.[] | select(.method == "PATCH" and .body.metadata.annotations.v2vConversionProgress != null) | .t] as $t | [range(1; $t | length) | $t[.] - $t[. - 1]] | all(. >= 0.7)')" = true
}
