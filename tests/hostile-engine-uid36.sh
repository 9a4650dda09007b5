# SPDX-License-Identifier: Apache-2.0
# Attack 1 and 6, and every other tampering a hostile engine running as
# uid 36 (the oVirt upload's user) can try: it must not be able to rename,
# replace or symlink the secrets directory, replace or hold the owner lock,
# plant anything in the run directory, write the throttling or state file;
# a root-owned canary directory keeps every file; the state finishes failed
# with no secret left. Before: the secrets directory was the engine's own
# (chowned) in /tmp, and root's cleanup deleted the files of the canary.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/hostile-lib.sh"
. "$TESTS_DIR/ovirt-lib.sh"
command -v jq >/dev/null || skip "jq missing"

cp "$TESTS_DIR/hostile-engine" "$SCRATCH/hostile-engine"
chmod 755 "$SCRATCH/hostile-engine"
export V2VW_ENGINE=$SCRATCH/hostile-engine V2VW_OVIRT_POLL_INTERVAL=0.1
export HOSTILE_REC=$SCRATCH/rec HOSTILE_CANARY=$SCRATCH/canary
touch "$SCRATCH/disk.img"
chmod 644 "$SCRATCH/disk.img"
cd "$SCRATCH" || exit 1
ovirt_certs
ovirt_server_start
trap 'kill $OVIRT_SERVER_PID 2>/dev/null; hostile_cleanup' EXIT
URL="https://admin@internal@127.0.0.1:$OVIRT_PORT/ovirt-engine/api"
ovirt_config '{"users": {"admin@internal": "pw-Hq73"}, "storage_domains": [{"name": "data", "type": "nfs"}]}'

one_run() { # off|on
    local m=$1
    rm -rf "$HOSTILE_REC" "$HOSTILE_CANARY"
    mkdir -m 1777 "$HOSTILE_REC"
    mkdir -m 755 "$HOSTILE_CANARY"
    touch "$HOSTILE_CANARY/a" "$HOSTILE_CANARY/b"
    run_wrapper "$(jq -n --arg src "$SCRATCH/disk.img" --arg url "$URL" --arg ca "$SCRATCH/ca.pem" \
        '{vm_name: "testvm", transport_method: "disk", source_path: $src, rhv_url: $url,
          rhv_password: "pw-Hq73", rhv_cluster: "Default", rhv_storage: "data", rhv_cafile: $ca}')"
    check "$m: wrapper started ($ERR)" test "$RC" = 0
    local state
    state=$(jq -r .state_file "$SCRATCH/stdout")
    check "$m: finished" wait_finished "$state" 60
    check "$m: failed" test "$(jq -r .failed "$state")" = true
    check "$m: the engine ran as uid 36" test -s "$HOSTILE_REC/results"
    local t
    for t in list-run-dir rename-secrets-dir symlink-secrets-dir replace-lock lock-owner-lock create-in-run-dir \
             mkdir-in-run-dir symlink-agent-dir chmod-secrets-dir chmod-run-dir create-in-secrets-dir \
             write-throttling-file write-state-file; do
        check "$m: engine: $t denied" grep -qx "$t denied" "$HOSTILE_REC/results"
    done
    check "$m: the canary keeps its files" test "$(ls "$HOSTILE_CANARY" | tr '\n' ' ')" = "a b "
    check "$m: no secret, agent or lock left" nothing_secret_left
    check "$m: no secret file anywhere in the scratch" \
        sh -c "! grep -rlaF pw-Hq73 '$V2VW_RUN_DIR' '$V2VW_LOG_DIR' '$HOSTILE_REC' 2>/dev/null"
    check "$m: no uid 36 process left" wait_for sh -c "! pgrep -u 36 -f '$SCRATCH' >/dev/null"
}
both_ways one_run
finish
