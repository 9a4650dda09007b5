# SPDX-License-Identifier: Apache-2.0
# Attack 8 (the tc part): when the conversion's eBPF filter cannot be
# attached after its HTB class was made, the class goes too (a class
# without its filter shapes nothing and was never collected). The failure
# is real, not injected: in the test's own network namespace a neighbour
# has put a u32 filter at the priority the wrapper's cls_bpf filter uses on
# the 7632: qdisc, and the kernel refuses a filter of another kind at that
# priority. A neighbour's class 7632:2 keeps the qdisc, so the check is on
# the class itself. Root: network namespaces, tc, cgroups.
. "$TESTS_DIR/throttle-lib.sh"
setup_netns

tc -n "$NS_A" qdisc add dev "$IF_A" root handle 7632: htb default 0 || fatal "tc qdisc add"
tc -n "$NS_A" class add dev "$IF_A" parent 7632: classid 7632:2 htb rate 1mbit || fatal "tc class add"
tc -n "$NS_A" filter add dev "$IF_A" parent 7632: prio 10 protocol all u32 match u32 0 0 classid 7632:2 \
    || fatal "tc filter add (u32)"

V2VW_THROTTLE_IFACES=$IF_A in_a "$DRIVER" --tag "bpf-$$" --net 1048576 -- sleep 0.5 > driver.out 2>&1
MINOR=$(ready_field driver.out minor)
[ -n "$MINOR" ] || fatal "the driver did not start: $(cat driver.out)"
grep -q "throttling: no cgroup classifier\|^error cannot add the bpf filter" driver.out \
    || { grep -q "method=cgroup" driver.out && skip "this host classifies by net_cls (cgroup v1): the eBPF filter is not used"; }
check "the eBPF filter could not be attached ($(cat driver.out))" grep -q "^error cannot add the bpf filter on $IF_A" driver.out
check "its class 7632:$MINOR is gone ($(tc -n "$NS_A" class show dev "$IF_A"))" \
    sh -c "! tc -n '$NS_A' class show dev '$IF_A' | grep -q '7632:$MINOR '"
check "the neighbour's class 7632:2 stays" sh -c "tc -n '$NS_A' class show dev '$IF_A' | grep -q '7632:2 '"
check "no registry entry is left" sh -c "! ls '$V2VW_THROTTLE_RUNDIR' 2>/dev/null | grep -q class-"
finish
