# A wrapper killed with SIGKILL leaves its class, cgroups and registry
# entry; the next one collects them (and kills what still runs there).
. "$TESTS_DIR/throttle-lib.sh"
setup_netns
RUN=$V2VW_THROTTLE_RUNDIR

V2VW_THROTTLE_IFACES=$IF_A nsenter --net="/run/netns/$NS_A" "$DRIVER" --tag "dead-$$" --cpu 50% \
    --net 1048576 -- sleep 60 > dead.out 2>&1 &
DEAD=$!
BG_PIDS="$BG_PIDS $DEAD"
wait_line dead.out "^applied"
V2=$(ready_field dead.out v2)
CPUCG=$(ready_field dead.out cpu)
MINOR=$(ready_field dead.out minor)
CHILD=$(ready_field dead.out pid)
kill -9 "$DEAD"
wait "$DEAD" 2>/dev/null
[ -d "$V2" ] && [ -d "$CPUCG" ] || fatal "cgroups should still be there"
tc -n "$NS_A" class show dev "$IF_A" | grep -q "7632:$MINOR " || fatal "class should still be there"
[ -e "$RUN/class-$(printf %04x 0x$MINOR)" ] || fatal "registry entry should still be there"
ok "a killed driver left class 7632:$MINOR, $V2, $CPUCG"

nsenter --net="/run/netns/$NS_A" "$DRIVER" --tag "next-$$" -- true > next.out 2>&1 || fatal "next driver: $(cat next.out)"
[ -d "$V2" ] && fatal "$V2 not collected"
[ -d "$CPUCG" ] && fatal "$CPUCG not collected"
tc -n "$NS_A" class show dev "$IF_A" | grep -q "7632:" && fatal "class not collected"
tc -n "$NS_A" qdisc show dev "$IF_A" | grep -q "7632:" && fatal "qdisc not collected"
ls "$RUN" | grep -q class- && fatal "registry entry not collected"
# (a zombie waiting for init to reap it is dead)
grep -qs "^State:[[:space:]]*[RSDT]" "/proc/$CHILD/status" && fatal "the dead conversion's process $CHILD still runs: $(grep State /proc/$CHILD/status)"
grep -q "collecting class 7632:$MINOR" next.out || fatal "collection not logged: $(cat next.out)"
ok "the next driver collected everything"
