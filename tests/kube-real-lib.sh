# SPDX-License-Identifier: Apache-2.0
# The real engine in pod mode (sourced by kube-real-*.sh): the pod's file
# layout made real in a private mount namespace (unshare -m): /data (input
# Secret at /data/input/conversion.json, a filesystem PVC at /data/vm/disk1)
# and /var/run/secrets/kubernetes.io/serviceaccount (on a private tmpfs /run)
# are bind mounts of scratch directories there, HOSTNAME names the pod, and the example
# entrypoint (examples/kubernetes/entrypoint.sh) runs the wrapper without
# any of the wrapper's test knobs but the termination message path: /dev is
# the host's, so /dev/termination-log is a scratch file.
# shellcheck shell=bash disable=SC2016
# shellcheck source=tests/real-engine-lib.sh
source "$TESTS_DIR/real-engine-lib.sh"
# shellcheck source=tests/kube-lib.sh
source "$TESTS_DIR/kube-lib.sh"
need_root "a private mount namespace (unshare -m) with bind mounts over /data and /var/run/secrets"
command -v unshare >/dev/null || skip "unshare is not installed (util-linux)"

SA_MOUNT=/var/run/secrets/kubernetes.io/serviceaccount
# /data must exist on the host as a mount point: made here when missing
# (an empty directory) and removed at the end. /var/run (= /run) gets a
# private tmpfs in the namespace, so nothing is made under the host's /run.
made_data=
if [ ! -e /data ]; then
    mkdir /data || { echo "FAIL: cannot make the mount point /data" >&2; exit 1; }
    made_data=1
fi
cleanup_pod() {
    [ -z "$made_data" ] || rmdir /data 2>/dev/null
    [ -z "${KUBE_SERVER_PID:-}" ] || kill "$KUBE_SERVER_PID" 2>/dev/null
}
KUBE_EXIT_HOOK=cleanup_pod
trap cleanup_pod EXIT
trap 'exit 1' INT TERM

# run_pod INPUT_JSON: the example entrypoint in the namespace; sets RC,
# $SCRATCH/stdout and $SCRATCH/stderr.
run_pod() {
    mkdir -p "$SCRATCH/data/input" "$SCRATCH/data/vm/disk1"
    printf '%s\n' "$1" > "$SCRATCH/data/input/conversion.json"
    chmod 0600 "$SCRATCH/data/input/conversion.json"
    unset V2VW_KUBE_DATA_DIR V2VW_KUBE_SERVICEACCOUNT_DIR POD_NAME XDG_RUNTIME_DIR
    export V2VW_KUBE_TERMINATION_LOG=$KUBE_TERMLOG
    export KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$KUBE_PORT
    HOSTNAME=$KUBE_POD V2V_WRAPPER=$WRAPPER unshare -m --propagation private sh -c '
        set -e
        mount --bind "$1/data" /data
        mount -t tmpfs -o mode=0755 tmpfs /run
        mkdir -p "$3"
        mount --bind "$2" "$3"
        mount -o remount,bind,ro "$3"
        export HOSTNAME
        exec "$4"' sh "$SCRATCH" "$KUBE_SA" "$SA_MOUNT" "$SRCDIR/examples/kubernetes/entrypoint.sh" \
        > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
    RC=$?
}

# The annotation sequence with the time of each change, for the notes.
print_sequence() {
    echo "annotation sequence (seconds after the first request):"
    rec '.[0].t as $t0 | .[] | "  \(.t - $t0 | . * 1000 | floor / 1000)s \(.method) \(.status) \(.body.metadata.annotations // {} | to_entries | map("\(.key)=\(.value | if length > 40 then "<\(length) bytes>" else . end)") | join(" "))"' | jq -r .
}
