# SPDX-License-Identifier: Apache-2.0
# Network throttling of a conversion's cgroup: 1 MiB/s, changed to 4 MiB/s
# through the throttling file, then unlimited; a process outside the cgroup
# on the same interface is not shaped.
. "$TESTS_DIR/throttle-lib.sh"
setup_netns
MiB=1048576
start_sink 5001 sink1.log
start_sink 5002 sink2.log

V2VW_THROTTLE_IFACES=$IF_A nsenter --net="/run/netns/$NS_A" "$DRIVER" --tag "net-$$" --net $MiB --watch "$SCRATCH/throttle" -- \
    "$PY" "$NETPY" send "$ADDR_B" 5001 120 "$SCRATCH/stop-sender" > driver.out 2> driver.err &
DRV=$!
BG_PIDS="$BG_PIDS $DRV"
wait_line driver.out "^applied .*network=$MiB method=bpf\|^applied .*network=$MiB method=cgroup"
grep -o "method=.*" driver.out | head -1
# The rates below are over windows that must lie inside the sending: under
# load the sender's start can lag the limit by more than a second.
wait_line sink1.log ' [1-9][0-9]*$' 30
T0=$(now)

# Outside the cgroup, same interface, for 2 s while the class holds 1 MiB/s.
sleep 1
in_a "$PY" "$NETPY" send "$ADDR_B" 5002 2
T=$(now)
out=$(rate sink2.log "$(plus "$T" -1.8)" "$T")
echo "outside the cgroup: $out bytes/s"
above "$out" $((8 * MiB)) || fatal "the process outside the cgroup was shaped: $out bytes/s"
ok "outside the cgroup not shaped ($out bytes/s)"

sleep 1.2
T=$(now)
r1=$(rate sink1.log "$(plus "$T" -3)" "$T")
echo "limit 1048576: $r1 bytes/s"
within "$r1" $MiB 0.10 || fatal "1 MiB/s limit gave $r1 bytes/s"
ok "1 MiB/s limit: $r1 bytes/s"

T1=$(now)
put_file "$SCRATCH/throttle" '{"network": "4194304"}'
wait_line driver.out "^applied .*network=4194304"
sleep 3
r2a=$(rate sink1.log "$(plus "$T1" 1)" "$(plus "$T1" 2)")
r2=$(rate sink1.log "$(plus "$T1" 1)" "$(plus "$T1" 3)")
echo "limit 4194304: $r2 bytes/s (second 1-2 after the change: $r2a)"
within "$r2a" $((4 * MiB)) 0.15 || fatal "4 MiB/s not in effect 1 s after the change: $r2a bytes/s"
within "$r2" $((4 * MiB)) 0.10 || fatal "4 MiB/s limit gave $r2 bytes/s"
ok "4 MiB/s limit: $r2 bytes/s"
[ -e "$SCRATCH/throttle" ] && fatal "the throttling file was not removed"

T2=$(now)
put_file "$SCRATCH/throttle" '{"network": "unlimited"}'
wait_line driver.out "^applied .*network=unlimited"
sleep 2
r3=$(rate sink1.log "$(plus "$T2" 0.5)" "$(plus "$T2" 2)")
echo "unlimited: $r3 bytes/s"
above "$r3" $((16 * MiB)) || fatal "unlimited is still shaped: $r3 bytes/s"
ok "unlimited: $r3 bytes/s"
touch "$SCRATCH/stop-sender"

wait "$DRV" || fatal "driver failed: $(cat driver.out driver.err)"
tc -n "$NS_A" qdisc show dev "$IF_A" | grep -q 7632: && fatal "qdisc left behind"
[ -d "/sys/fs/cgroup/unified/virt-v2v-wrapper/net-$$" ] && fatal "cgroup left behind"
ls "$V2VW_THROTTLE_RUNDIR" | grep -q class- && fatal "registry file left behind"
ok "everything removed"
