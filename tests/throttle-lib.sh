# Common parts of the throttle shell tests (sourced). Root only: they create
# cgroups, network namespaces and tc objects, all of their own, all removed
# on exit. Addresses 10.200.N.1/2 exist only inside the test's namespaces.
set -u
. "$TESTS_DIR/functions.sh"

if [ "$(id -u)" != 0 ]; then
    echo "SKIP: needs root (cgroups, tc qdiscs, network namespaces)"
    exit 77
fi

DRIVER=$BUILDDIR/throttle-driver
# The system's python3 (a version manager's shim costs half a second per call).
PY=$(command -v /usr/bin/python3 || command -v python3)
NETPY=$TESTS_DIR/throttle-net.py
export V2VW_THROTTLE_RUNDIR=$SCRATCH/run
N=$(( $$ % 200 + 20 ))
NS_A=v2vwA$$
NS_B=v2vwB$$
IF_A=v2va$$
IF_B=v2vb$$
ADDR_A=10.200.$N.1
ADDR_B=10.200.$N.2
BG_PIDS=""

now() { date +%s.%N; }
# Float comparisons: within VALUE EXPECTED TOLERANCE_FRACTION
within() { "$PY" -c "import sys; v,e,t=map(float,sys.argv[1:]); sys.exit(0 if abs(v-e)<=e*t else 1)" "$@"; }
above() { "$PY" -c "import sys; sys.exit(0 if float(sys.argv[1])>float(sys.argv[2]) else 1)" "$@"; }
plus() { "$PY" -c "import sys; print(float(sys.argv[1])+float(sys.argv[2]))" "$@"; }

cleanup() {
    for p in $BG_PIDS; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    # Collect what killed drivers left (classes, cgroups, registry entries).
    if [ -d "$V2VW_THROTTLE_RUNDIR" ]; then
        if [ -e "/run/netns/$NS_A" ]; then
            nsenter --net="/run/netns/$NS_A" "$DRIVER" --tag "cleanup-$$" -- true >/dev/null 2>&1
        else
            "$DRIVER" --tag "cleanup-$$" -- true >/dev/null 2>&1
        fi
    fi
    ip netns del "$NS_A" 2>/dev/null
    ip netns del "$NS_B" 2>/dev/null
}
trap cleanup EXIT

setup_netns() {
    ip netns add "$NS_A" && ip netns add "$NS_B" || fatal "ip netns add"
    ip link add "$IF_A" netns "$NS_A" type veth peer name "$IF_B" netns "$NS_B" || fatal "veth"
    ip -n "$NS_A" addr add "$ADDR_A/24" dev "$IF_A"
    ip -n "$NS_B" addr add "$ADDR_B/24" dev "$IF_B"
    ip -n "$NS_A" link set lo up
    ip -n "$NS_B" link set lo up
    ip -n "$NS_A" link set "$IF_A" up
    ip -n "$NS_B" link set "$IF_B" up
}

# Run in namespace A (in the foreground; background jobs call nsenter
# directly so that $! is the process itself).
in_a() { nsenter --net="/run/netns/$NS_A" "$@"; }
rate() { "$PY" "$NETPY" rate "$@"; }

# start_sink PORT LOG
start_sink() {
    nsenter --net="/run/netns/$NS_B" "$PY" "$NETPY" sink "$ADDR_B" "$1" "$2" &
    BG_PIDS="$BG_PIDS $!"
    for _ in $(seq 50); do [ -s "$2" ] && return 0; sleep 0.1; done
    fatal "sink on port $1 did not start"
}

# wait_line FILE PATTERN [SECONDS]: wait until a line of FILE matches.
wait_line() {
    local i
    for i in $(seq $(( ${3:-5} * 20 ))); do
        grep -q -- "$2" "$1" 2>/dev/null && return 0
        sleep 0.05
    done
    echo "--- $1:"; cat "$1"
    fatal "no line matching '$2' in $1"
}

# put_file PATH JSON: write a throttling file and rename it into place.
put_file() {
    printf '%s' "$2" > "$1.tmp.$$" && mv -f "$1.tmp.$$" "$1"
}

ready_field() { sed -n "s/^ready .*$2=\([^ ]*\).*/\1/p" "$1" | head -1; }

# cgroup v2 CPU usage in µs
cpu_usage() { sed -n 's/^usage_usec \([0-9]*\)/\1/p' "$1/cpu.stat"; }
