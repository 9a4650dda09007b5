# The real wrapper (in a network namespace of ours, so that its only
# interface is our veth): the input's throttling is applied to the engine's
# cgroup and tc class, a throttling file changes it, all is gone at the end;
# --check-throttling says which classifier works.
. "$TESTS_DIR/throttle-lib.sh"
setup_netns
export V2VW_ENGINE="$TESTS_DIR/throttle-fake-engine" V2VW_NO_SYSTEMD=1
export V2VW_STATE_DIR="$SCRATCH/state" V2VW_LOG_DIR="$SCRATCH/log"
export THROTTLE_RECORD="$SCRATCH/record" THROTTLE_GO="$SCRATCH/go"
mkdir -p "$V2VW_STATE_DIR" "$V2VW_LOG_DIR" "$SCRATCH/out"
touch "$SCRATCH/disk.img"
# On failure, let the daemonized wrapper's engine finish and wait for the wrapper's cleanup.
wrapper_cleanup() {
    touch "$THROTTLE_GO"
    [ -n "${STATE:-}" ] && for _ in $(seq 100); do
        [ "$(jq -r '.finished // false' "$STATE" 2>/dev/null)" = true ] && break; sleep 0.05; done
    cleanup
}
trap wrapper_cleanup EXIT

in_a "$WRAPPER" --check-throttling > check.out 2>&1 || fatal "--check-throttling failed: $(cat check.out)"
cat check.out
grep -q "^network: usable.*classifier \(bpf\|cgroup\)" check.out || fatal "no classifier reported"
ok "--check-throttling: $(grep -o 'classifier.*' check.out)"
in_a ip link show | grep -q v2vwchk && fatal "the probe interface was left"

jq -n --arg out "$SCRATCH/out" --arg src "$SCRATCH/disk.img" \
    '{vm_name: "testvm", transport_method: "disk", source_path: $src, local_storage: $out,
      throttling: {cpu: "50%", network: "1048576"}}' > input.json
in_a "$WRAPPER" < input.json > stdout 2> stderr || fatal "wrapper: $(cat stderr)"
STATE=$(jq -r .state_file stdout)
TFILE=$(jq -r .throttling_file stdout)
for _ in $(seq 100); do [ -s "$THROTTLE_RECORD" ] && break; sleep 0.05; done
[ -s "$THROTTLE_RECORD" ] || fatal "the engine did not start: $(cat "$(jq -r .wrapper_log stdout)")"
CG=$(sed -n 's/^[0-9]*:cpu:\(.*\)/\1/p; s/^[0-9]*:cpu,cpuacct:\(.*\)/\1/p; s/^0::\(.*\)/\1/p' "$THROTTLE_RECORD" | grep virt-v2v-wrapper | head -1)
[ -n "$CG" ] || fatal "the engine is not in a conversion cgroup: $(cat "$THROTTLE_RECORD")"
TAG=$(basename "$CG")
ok "engine in cgroup $CG"
quota() {
    local d
    for d in /sys/fs/cgroup/virt-v2v-wrapper /sys/fs/cgroup/unified/virt-v2v-wrapper /sys/fs/cgroup/cpu/virt-v2v-wrapper /sys/fs/cgroup/cpu,cpuacct/virt-v2v-wrapper; do
        [ -e "$d/$TAG/cpu.max" ] && grep -q cpu "$d/cgroup.subtree_control" 2>/dev/null && { cat "$d/$TAG/cpu.max"; return; }
        [ -e "$d/$TAG/cpu.cfs_quota_us" ] && { cat "$d/$TAG/cpu.cfs_quota_us"; return; }
    done
}
case "$(quota)" in 50000*) ok "CPU quota 50%" ;; *) fatal "CPU quota is '$(quota)'" ;; esac
tc -n "$NS_A" class show dev "$IF_A" | grep -q "rate 8388Kbit" || fatal "no 1 MiB/s class: $(tc -n "$NS_A" class show dev "$IF_A")"
ok "tc class at 1 MiB/s"
wait_state() { for _ in $(seq 100); do [ "$(jq -c .throttling "$STATE")" = "$1" ] && return 0; sleep 0.05; done; fatal "state throttling $(jq -c .throttling "$STATE"), expected $1"; }
wait_state '{"cpu":"50%","network":"1048576"}'

put_file "$TFILE" '{"cpu": "20%", "network": "4194304"}'
wait_state '{"cpu":"20%","network":"4194304"}'
case "$(quota)" in 20000*) ok "CPU quota 20% from the throttling file" ;; *) fatal "CPU quota is '$(quota)'" ;; esac
tc -n "$NS_A" class show dev "$IF_A" | grep -q "rate 33554Kbit" || fatal "no 4 MiB/s class: $(tc -n "$NS_A" class show dev "$IF_A")"
[ -e "$TFILE" ] && fatal "throttling file not removed"
ok "throttling file applied and removed"

touch "$THROTTLE_GO"
for _ in $(seq 200); do [ "$(jq -r '.finished // false' "$STATE")" = true ] && break; sleep 0.05; done
[ "$(jq -r .finished "$STATE")" = true ] || fatal "not finished"
for _ in $(seq 40); do [ -d "/sys/fs/cgroup/unified/virt-v2v-wrapper/$TAG" ] || break; sleep 0.05; done
ls -d /sys/fs/cgroup/*/virt-v2v-wrapper/"$TAG" 2>/dev/null && fatal "cgroups left"
tc -n "$NS_A" qdisc show dev "$IF_A" | grep -q 7632: && fatal "qdisc left"
ok "cgroups and tc gone after the conversion"
