# Ten conversions at once on one interface: ten distinct classes, each with
# its own rate, all gone afterwards, and the qdisc gone with the last one.
# Interfaces are picked the default way (up, not loopback).
. "$TESTS_DIR/throttle-lib.sh"
setup_netns

for i in $(seq 1 10); do
    rm -f "go.$i"
    nsenter --net="/run/netns/$NS_A" "$DRIVER" --tag "many-$$-$i" --net $((i * 100000)) -- \
        sh -c "while [ ! -e go.$i ]; do sleep 0.05; done" > "driver.$i" 2>&1 &
    BG_PIDS="$BG_PIDS $!"
done
for i in $(seq 1 10); do wait_line "driver.$i" "^applied"; done

tc -n "$NS_A" class show dev "$IF_A" > classes.txt
"$PY" - classes.txt <<'PY' || fatal "classes: $(cat classes.txt)"
import re, sys
units = {"": 1, "K": 1e3, "M": 1e6, "G": 1e9}
classes = {}
for line in open(sys.argv[1]):
    m = re.match(r"class htb (7632:\w+) .*? rate (\d+)([KMG]?)bit", line)
    if m:
        classes[m.group(1)] = int(m.group(2)) * units[m.group(3)]
rates = sorted(classes.values())
print("classes:", sorted(classes))
print("rates (bits/s):", rates)
assert len(classes) == 10, "not 10 distinct classes"
want = [i * 100000 * 8 for i in range(1, 11)]
assert all(abs(r - w) <= w * 0.01 for r, w in zip(rates, want)), "rates differ"
PY
ok "10 distinct classes with their own rates"
[ "$(ls "$V2VW_THROTTLE_RUNDIR" | grep -c class-)" = 10 ] || fatal "not 10 registry entries"

for i in $(seq 1 9); do touch "go.$i"; done
for i in $(seq 1 9); do wait_line "driver.$i" "^exit 0"; done
tc -n "$NS_A" qdisc show dev "$IF_A" | grep -q "htb 7632:" || fatal "qdisc removed while a conversion still uses it"
[ "$(tc -n "$NS_A" class show dev "$IF_A" | grep -c 7632:)" = 1 ] || fatal "classes of finished conversions left"
touch go.10
wait_line driver.10 "^exit 0"
tc -n "$NS_A" qdisc show dev "$IF_A" | grep -q 7632: && fatal "qdisc left after the last conversion"
ls "$V2VW_THROTTLE_RUNDIR" | grep -q class- && fatal "registry entries left"
ls -d /sys/fs/cgroup/*/virt-v2v-wrapper/many-$$-* 2>/dev/null && fatal "cgroups left"
ok "all classes, the qdisc, the cgroups and the registry are gone"
