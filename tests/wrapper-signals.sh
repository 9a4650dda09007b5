# Cancellation: SIGTERM/SIGINT to the wrapper, and the engine killed from
# outside (clients `kill -TERM` the state's pid).
. "$TESTS_DIR/lib.sh"
export FAKE_ENGINE_RECORD="$SCRATCH/record" FAKE_ENGINE_SCENARIO=slow FAKE_ENGINE_DELAY=0.5
touch "$SCRATCH/disk.img"

for sig in TERM INT; do
    rm -f "$FAKE_ENGINE_RECORD"
    FP=01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67
    run_wrapper "$(input_local 'del(.source_path) | .transport_method = "vddk" | .vmware_uri = "esx://h" | .vmware_password = "pw" | .vmware_fingerprint = "'$FP'"')"
    STATE=$(jq -r .state_file "$SCRATCH/stdout")
    check "SIG$sig: engine started" wait_for test -f "$FAKE_ENGINE_RECORD"
    check "SIG$sig: state has the pid" wait_for sh -c "jq -e .pid '$STATE' >/dev/null"
    check "SIG$sig: copying" wait_for sh -c "jq -e '.disk_count == 1' '$STATE' >/dev/null"
    check "SIG$sig: secrets exist while running" sh -c "ls '$V2VW_STATE_DIR'/*.secrets/vmware-password >/dev/null"
    WPID=$(wrapper_daemon_pid "$STATE")
    check "SIG$sig: the daemon holds its lock" test -n "$WPID"
    EPID=$(jq -r .pid "$STATE")
    kill -$sig "$WPID"
    check "SIG$sig: finished" wait_finished "$STATE" 90
    check "SIG$sig: failed" test "$(jq -r .failed "$STATE")" = true
    check "SIG$sig: last_message names the signal" sh -c "jq -r .last_message.message '$STATE' | grep -q 'received SIG$sig'"
    check "SIG$sig: engine gone" sh -c "! kill -0 $EPID 2>/dev/null"
    check "SIG$sig: wrapper gone" wait_for sh -c "! kill -0 $WPID 2>/dev/null"
    check "SIG$sig: secrets removed" sh -c "! ls '$V2VW_STATE_DIR' | grep -q secrets"
done

# An engine that ignores SIGTERM is killed after the grace period.
cat > "$SCRATCH/stubborn" <<'EOS'
#!/bin/bash
trap '' TERM
mr=""; for a in "$@"; do case "$a" in --machine-readable=file:*) mr=${a#*file:};; esac; done
echo "$$" > "$FAKE_ENGINE_RECORD"
while :; do sleep 0.1; done
EOS
chmod +x "$SCRATCH/stubborn"
rm -f "$FAKE_ENGINE_RECORD"
V2VW_ENGINE="$SCRATCH/stubborn" V2VW_KILL_GRACE_SECONDS=1 run_wrapper "$(input_local)"
STATE=$(jq -r .state_file "$SCRATCH/stdout")
check "stubborn: started" wait_for test -s "$FAKE_ENGINE_RECORD"
kill -TERM "$(wrapper_daemon_pid "$STATE")"
check "stubborn: finished after SIGKILL" wait_finished "$STATE" 90
check "stubborn: return_code -9" test "$(jq -r .return_code "$STATE")" = -9

# The engine killed from outside.
rm -f "$FAKE_ENGINE_RECORD"
run_wrapper "$(input_local)"
STATE=$(jq -r .state_file "$SCRATCH/stdout")
check "external kill: pid known" wait_for sh -c "jq -e .pid '$STATE' >/dev/null"
kill -TERM "$(jq -r .pid "$STATE")"
check "external kill: finished" wait_finished "$STATE" 90
check "external kill: failed, return_code -15" test "$(jq -c '[.failed, .return_code]' "$STATE")" = '[true,-15]'
check "external kill: last_message names the signal" sh -c "jq -r .last_message.message '$STATE' | grep -q 'killed by signal 15 (SIGTERM)'"
finish
