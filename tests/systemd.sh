#!/bin/bash
# The systemd runner against a real systemd (tests/systemd-harness.sh): unit
# properties, PID, CPU quota, exit codes, signals, stop, no leftover units,
# and the host's /tmp untouched by the booted systemd.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then
    echo "SKIP: needs root (boots systemd in private namespaces)"
    exit 77
fi
. "$TESTS_DIR/functions.sh"
DRIVER=$BUILDDIR/systemd-runner-driver

# A marker in the host's /tmp that a booted systemd must not remove.
marker=$(mktemp /tmp/v2vw-marker.XXXXXX)
chmod 755 "$SCRATCH"
# shellcheck disable=SC2034  # read by systemd-harness.sh
HARNESS_SHARE=$SCRATCH
. "$TESTS_DIR/systemd-harness.sh"
harness_start
trap 'rm -f "$marker"; harness_stop' EXIT

cat >"$SCRATCH/engine" <<'EOF'
#!/bin/sh
echo "engine: uid=$(id -u) gid=$(id -g) FOO=$FOO args=$*"
case ${MODE:-sleep} in
    gate) i=0; while [ ! -e "$GATE" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done ;;
    spin) end=$(( $(date +%s) + 60 )); while [ ! -e "$GATE" ] && [ "$(date +%s)" -lt $end ]; do :; done ;;
    selfkill) kill -9 $$ ;;
    *) sleep "${SECS:-1}" ;;
esac
exit "${CODE:-0}"
EOF
chmod 755 "$SCRATCH/engine"

json() { python3 -c 'import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])' "$1" "$2"; }
event() { grep "\"event\":\"$2\"" "$1" | head -1; }
wait_event() {   # FILE EVENT: wait up to 20 s for an event line
    local i
    for i in $(seq 200); do
        [ -n "$(event "$1" "$2")" ] && return 0
        sleep 0.1
    done
    fatal "no '$2' event in $1: $(cat "$1")"
}
# run NAME DRIVER-ARGS... -- ENV...: starts the driver inside the booted
# system in the background, output in $SCRATCH/NAME.out.
run() {
    local name=$1; shift
    harness_exec "$DRIVER" --tag "$name" --log "$SCRATCH/$name.log" "$@" \
        >"$SCRATCH/$name.out" 2>"$SCRATCH/$name.err" &
    echo $! >"$SCRATCH/$name.bg"
}
driver_wait() {  # NAME: wait for the driver (in this shell, not a subshell), set $rc
    wait "$(cat "$SCRATCH/$1.bg")" || fatal "driver $1 failed: $(cat "$SCRATCH/$1.err")"
    rc=$(json "$(event "$SCRATCH/$1.out" exit)" return_code)
    [ "$(grep -c '"event":"exit"' "$SCRATCH/$1.out")" = 1 ] || fatal "$1: on_exit not exactly once"
}
show() { harness_exec systemctl show -p "$2" --value "virt-v2v-wrapper-$1.service"; }

echo "== [${SECONDS}s] unit properties, PID, exit status 3"
run props --uid 65534 --gid 65534 --env FOO=bar --env CODE=3 --env MODE=gate \
    --env GATE="$SCRATCH/props.gate" -- "$SCRATCH/engine" a b
wait_event "$SCRATCH/props.out" started
pid=$(json "$(event "$SCRATCH/props.out" started)" pid)
# The engine waits for its gate file: the unit is surely running now.
props=$(harness_exec systemctl show -p User,Group,Environment,ExecMainPID,Description,KillMode,CollectMode,Type,TimeoutStopUSec,StandardInput virt-v2v-wrapper-props.service)
prop() { echo "$props" | sed -n "s/^$1=//p"; }
[ "$(prop User)" = 65534 ] || fatal "User is '$(prop User)'"
[ "$(prop Group)" = 65534 ] || fatal "Group is '$(prop Group)'"
case " $(prop Environment) " in *" FOO=bar "*) ;; *) fatal "Environment is '$(prop Environment)'" ;; esac
[ "$(prop ExecMainPID)" = "$pid" ] || fatal "pid $pid != ExecMainPID $(prop ExecMainPID)"
[ "$pid" -gt 1 ] || fatal "pid $pid"
# The network throttle is made for the unit's own cgroup (cgroup2 is there).
[ "$(json "$(event "$SCRATCH/props.out" started)" throttle)" = True ] || fatal "no throttle for the unit's cgroup"
[ "$(prop Description)" = "virt-v2v conversion of driver-vm" ] || fatal "Description"
[ "$(prop KillMode)" = mixed ] || fatal "KillMode is $(prop KillMode)"
[ "$(prop CollectMode)" = inactive-or-failed ] || fatal "CollectMode is $(prop CollectMode)"
[ "$(prop Type)" = exec ] || fatal "Type is $(prop Type)"
[ "$(prop TimeoutStopUSec)" = 30s ] || fatal "TimeoutStopUSec is $(prop TimeoutStopUSec)"
[ "$(prop StandardInput)" = null ] || fatal "StandardInput is $(prop StandardInput)"
touch "$SCRATCH/props.gate"
driver_wait props
[ "$rc" = 3 ] || fatal "exit 3 gave return_code $rc"
grep -q "engine: uid=65534 gid=65534 FOO=bar args=a b" "$SCRATCH/props.log" || fatal "v2v log: $(cat "$SCRATCH/props.log")"

echo "== [${SECONDS}s] exit status 0"
run ok --env SECS=0 -- "$SCRATCH/engine"
driver_wait ok
[ "$rc" = 0 ] || fatal "exit 0 gave return_code $rc"

echo "== [${SECONDS}s] engines that end at once (the start job may fail although they ran)"
for i in 1 2 3; do
    run fast$i --env CODE=3 --env SECS=0 -- "$SCRATCH/engine"
    driver_wait fast$i
    [ "$rc" = 3 ] || fatal "fast exit 3 (run $i) gave return_code $rc"
done

echo "== [${SECONDS}s] CPU quota set while running"
run cpu --cpu 50 --cpu-after 0.3 --env MODE=spin --env GATE="$SCRATCH/cpu.gate" -- "$SCRATCH/engine"
wait_event "$SCRATCH/cpu.out" cpu
[ "$(json "$(event "$SCRATCH/cpu.out" cpu)" result)" = 0 ] || fatal "set_cpu: $(event "$SCRATCH/cpu.out" cpu)"
[ "$(show cpu CPUQuotaPerSecUSec)" = 500ms ] || fatal "CPUQuotaPerSecUSec is $(show cpu CPUQuotaPerSecUSec)"
cg=$(show cpu ControlGroup)
if harness_exec test -e "/sys/fs/cgroup/cpu/$cg/cpu.cfs_quota_us"; then
    quota=$(harness_exec cat "/sys/fs/cgroup/cpu/$cg/cpu.cfs_quota_us" "/sys/fs/cgroup/cpu/$cg/cpu.cfs_period_us" | tr '\n' ' ')
    [ "$quota" = "50000 100000 " ] || fatal "cgroup v1 quota/period is '$quota'"
else
    quota=$(harness_exec cat "/sys/fs/cgroup/$cg/cpu.max") ||
        fatal "no cpu.max in $cg: the booted systemd has no cpu controller (controllers: $(harness_exec cat /sys/fs/cgroup/cgroup.controllers 2>&1))"
    [ "$quota" = "50000 100000" ] || fatal "cgroup v2 cpu.max is '$quota'"
fi
echo "quota file: $quota"
touch "$SCRATCH/cpu.gate"
driver_wait cpu
[ "$rc" = 0 ] || fatal "cpu run gave return_code $rc"

echo "== [${SECONDS}s] engine killed by a signal"
run selfkill --env MODE=selfkill -- "$SCRATCH/engine"
driver_wait selfkill
[ "$rc" = -9 ] || fatal "self-killed engine gave return_code $rc"
run kill --kill-after 0.5 --env SECS=30 -- "$SCRATCH/engine"
driver_wait kill
[ "$rc" = -9 ] || fatal "KillUnit gave return_code $rc"

echo "== [${SECONDS}s] stop cancels the unit"
run stop --stop-after 0.5 --env SECS=30 -- "$SCRATCH/engine"
wait_event "$SCRATCH/stop.out" stop
[ "$(json "$(event "$SCRATCH/stop.out" stop)" result)" = 0 ] || fatal "stop: $(event "$SCRATCH/stop.out" stop)"
driver_wait stop
[ "$rc" = -15 ] || fatal "StopUnit gave return_code $rc"

echo "== [${SECONDS}s] engine that cannot be executed: start fails, no end reported"
if harness_exec "$DRIVER" --tag noexec --log "$SCRATCH/noexec.log" -- /nonexistent/engine \
        >"$SCRATCH/noexec.out" 2>"$SCRATCH/noexec.err"; then
    fatal "starting a missing engine succeeded"
fi
grep -q "could not start" "$SCRATCH/noexec.err" || fatal "error: $(cat "$SCRATCH/noexec.err")"

echo "== [${SECONDS}s] no unit is left, not even failed ones"
left=$(harness_exec systemctl list-units --all --plain --no-legend 'virt-v2v-wrapper-*')
[ -z "$left" ] || fatal "units left: $left"

echo "== [${SECONDS}s] without a system bus: systemd's private socket"
harness_exec systemctl stop dbus.socket dbus.service
# The socket file stays behind (RemoveOnStop=no): connecting is refused.
! harness_exec systemctl is-active -q dbus.socket || fatal "dbus.socket is still active"
run private --env CODE=4 --env SECS=0.5 -- "$SCRATCH/engine"
driver_wait private
[ "$rc" = 4 ] || fatal "private socket: return_code $rc"
grep -q "over unix:path=/run/systemd/private" "$SCRATCH/private.err" || fatal "private socket not used: $(cat "$SCRATCH/private.err")"

harness_stop
trap 'rm -f "$marker"' EXIT
[ -e "$marker" ] || fatal "the booted systemd removed $marker from the host's /tmp"
echo "PASS"
