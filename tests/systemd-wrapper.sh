#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# The real wrapper, daemonized inside a booted systemd (systemd-harness.sh):
# it runs the (fake) engine in a transient unit; the state's pid is the
# unit's ExecMainPID; return_code/failed for exit 0 and 3; SIGTERM to the
# wrapper stops the unit and finishes the state; no unit is left.
. "$TESTS_DIR/lib.sh"
need_root "boots systemd in private namespaces"
unset V2VW_NO_SYSTEMD
chmod 755 "$SCRATCH"
touch "$SCRATCH/disk.img"

check "--check-systemd fails when V2VW_NO_SYSTEMD=1" sh -c \
    "V2VW_NO_SYSTEMD=1 '$WRAPPER' --check-systemd | grep -q 'V2VW_NO_SYSTEMD=1 is set'"

# shellcheck disable=SC2034  # read by systemd-harness.sh
HARNESS_SHARE=$SCRATCH
. "$TESTS_DIR/systemd-harness.sh"
echo "== [${SECONDS}s] boot"
harness_start || { echo "FAIL: systemd did not boot"; exit 1; }

check "--check-systemd passes inside systemd" sh -c \
    "$(declare -f harness_exec); HARNESS_PID=$HARNESS_PID harness_exec '$WRAPPER' --check-systemd | grep -q 'usable'"

# run_in_systemd JSON: the wrapper started inside the booted system; sets
# STATE, UNIT, WLOG.
run_in_systemd() {
    printf '%s' "$1" >"$SCRATCH/input.json"
    harness_exec "$WRAPPER" <"$SCRATCH/input.json" >"$SCRATCH/stdout" 2>"$SCRATCH/stderr"
    RC=$?
    STATE=$(jq -r .state_file "$SCRATCH/stdout")
    WLOG=$(jq -r .wrapper_log "$SCRATCH/stdout")
    local tag=${STATE##*/v2v-import-}
    UNIT=virt-v2v-wrapper-${tag%.state}.service
}
unit_pid() { harness_exec systemctl show -p ExecMainPID --value "$UNIT"; }
state_pid_is_unit_pid() {
    local p
    p=$(jq -r '.pid // empty' "$STATE" 2>/dev/null)
    [ -n "$p" ] && [ "$p" = "$(unit_pid)" ]
}

# The engine waits for a gate file, so the unit is surely running while
# the test compares PIDs; then it becomes the fake engine.
cat >"$SCRATCH/engine" <<EOF
#!/bin/bash
i=0; while [ "\$*" != --machine-readable ] && [ ! -e "$SCRATCH/gate" ] && [ \$i -lt 600 ]; do
    sleep 0.05; i=\$((i+1))
done
exec "$TESTS_DIR/fake-engine" "\$@"
EOF
chmod 755 "$SCRATCH/engine"
export V2VW_ENGINE="$SCRATCH/engine"

for code in 0 3; do
    echo "== [${SECONDS}s] engine exits $code"
    if [ $code = 0 ]; then export FAKE_ENGINE_SCENARIO=success; else export FAKE_ENGINE_SCENARIO=exit:3; fi
    rm -f "$SCRATCH/gate"
    run_in_systemd "$(input_local)"
    check "exit $code: wrapper exit 0" test "$RC" = 0
    check "exit $code: state pid == unit ExecMainPID" wait_for state_pid_is_unit_pid
    check "exit $code: unit runs the engine" sh -c "$(declare -f harness_exec); HARNESS_PID=$HARNESS_PID harness_exec systemctl show -p Description --value '$UNIT' | grep -q 'virt-v2v conversion of testvm'"
    touch "$SCRATCH/gate"
    check "exit $code: finished" wait_finished "$STATE" 90
    check "exit $code: return_code" test "$(jq -r .return_code "$STATE")" = $code
    check "exit $code: failed" test "$(jq -r .failed "$STATE")" = "$([ $code = 0 ] && echo false || echo true)"
    check "exit $code: wrapper log says systemd" grep -q "transient systemd unit" "$WLOG"
done

# SIGTERM to the wrapper: StopUnit, state finished with the signal named.
echo "== [${SECONDS}s] SIGTERM to the wrapper"
rm -f "$SCRATCH/gate"
run_in_systemd "$(input_local)"
check "SIGTERM: running in the unit" wait_for state_pid_is_unit_pid
# A throttling file while it runs: CPUQuota on the unit, recorded in the state.
TFILE=$(jq -r .throttling_file "$SCRATCH/stdout")
echo '{"cpu": "25%"}' >"$TFILE"
check "throttling: applied to the state" wait_for sh -c "jq -e '.throttling.cpu == \"25%\"' '$STATE' >/dev/null"
check "throttling: file consumed" wait_for test ! -e "$TFILE"
check "throttling: unit CPUQuotaPerSecUSec 250ms" sh -c "$(declare -f harness_exec); HARNESS_PID=$HARNESS_PID harness_exec systemctl show -p CPUQuotaPerSecUSec --value '$UNIT' | grep -qx 250ms"
# The daemon as its state records it (a PID in the harness's namespace,
# where harness_exec runs), checked to be the wrapper.
WPID=$(jq -r '.wrapper_pid // empty' "$STATE")
check "SIGTERM: wrapper daemon found" test -n "$WPID" -a "$(harness_exec readlink "/proc/$WPID/exe")" = "$(readlink -f "$WRAPPER")"
harness_exec kill -TERM "$WPID"
check "SIGTERM: finished" wait_finished "$STATE" 90
check "SIGTERM: failed" test "$(jq -r .failed "$STATE")" = true
check "SIGTERM: last_message names the signal: $(jq -c .last_message "$STATE")" sh -c "jq -r .last_message.message '$STATE' | grep -Eq 'received (SIG)?TERM'"
check "SIGTERM: return_code -15" test "$(jq -r .return_code "$STATE")" = -15
check "SIGTERM: unit stopped" sh -c "$(declare -f harness_exec); HARNESS_PID=$HARNESS_PID; ! harness_exec systemctl is-active -q '$UNIT'"

left=$(harness_exec systemctl list-units --all --plain --no-legend 'virt-v2v-wrapper-*')
check "no unit left: '$left'" test -z "$left"
echo "== [${SECONDS}s] teardown"
harness_stop
finish
