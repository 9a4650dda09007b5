# SPDX-License-Identifier: Apache-2.0
# The admin command against several live conversions at once: list
# --json, throttle (applied, as the state shows), cancel (finished as
# cancelled, the others go on), show, and the exit statuses.
. "$TESTS_DIR/lib.sh"
touch "$SCRATCH/disk.img"
export FAKE_ENGINE_SCENARIO=slow FAKE_ENGINE_DELAY=0.6 FAKE_ENGINE_DISKS=2 FAKE_ENGINE_DISK_SIZE=1073741824
declare -a TAGS STATES
for i in 1 2 3; do
    run_wrapper "$(input_local ".vm_name = \"vm-$i\"")"
    check "start $i" test "$RC" = 0
    STATES[$i]=$(jq -r .state_file "$SCRATCH/stdout")
    TAGS[$i]=$(basename "${STATES[$i]}" .state); TAGS[$i]=${TAGS[$i]#v2v-import-}
    sleep 1.1                                 # tags are per second + pid
done
for i in 1 2 3; do wait_for sh -c "jq -e '.started and .disk_count == 2' '${STATES[$i]}' >/dev/null 2>&1"; done

"$WRAPPER" list --json > "$SCRATCH/list.json"
check "list --json exit 0" test $? = 0
for i in 1 2 3; do
    check "list --json has ${TAGS[$i]} as vm-$i, running" \
        jq -e --arg t "${TAGS[$i]}" --arg vm "vm-$i" \
        'map(select(.tag == $t))[0] | .state.vm_name == $vm and .result == "running" and .state.output == "local"' \
        "$SCRATCH/list.json"
done
"$WRAPPER" list > "$SCRATCH/list.txt"
check "list: a line per conversion and a bar per disk" test "$(grep -c '^    disk ' "$SCRATCH/list.txt")" = 6

# throttle: waits until the state shows the limits.
"$WRAPPER" throttle "${TAGS[1]}" cpu=50% network=10485760 > "$SCRATCH/throttle.out" 2>&1
RC=$?
check "throttle exit 0 ($(cat "$SCRATCH/throttle.out"))" test "$RC" = 0
check "throttle: state shows cpu 50%" test "$(jq -r .throttling.cpu "${STATES[1]}")" = "50%"
check "throttle: state shows network" test "$(jq -r .throttling.network "${STATES[1]}")" = 10485760
check "throttle: the line says so" grep -q 'throttling cpu=50% net=10485760' "$SCRATCH/throttle.out"
# (The live wrappers' own state writes make ".NAME.state.XXXXXX" for a
# moment: only the throttle command's temporary counts.)
check "throttle: no temporary file left" sh -c "! ls -A '$V2VW_STATE_DIR' | grep -q '^\\..*\\.throttle\\.'"
"$WRAPPER" throttle "${TAGS[1]}" cpu=fast > /dev/null 2> "$SCRATCH/bad.err"
check "throttle with a bad value: exit 3" test $? = 3
check "throttle with a bad value: the wrapper's reason" grep -q cpu "$SCRATCH/bad.err"
"$WRAPPER" throttle "${TAGS[1]}" speed=1 2>/dev/null
check "throttle with a bad argument: exit 1" test $? = 1

# cancel: SIGTERM to that wrapper, waits for finished, prints the final line.
"$WRAPPER" cancel "${TAGS[2]}" > "$SCRATCH/cancel.out"
RC=$?
check "cancel exit 0" test "$RC" = 0
check "cancel: finished" test "$(jq -r .finished "${STATES[2]}")" = true
check "cancel: class cancelled" test "$(jq -r .last_message.class "${STATES[2]}")" = cancelled
check "cancel: final line" grep -q "^${TAGS[2]} vm-2 failed (cancelled)" "$SCRATCH/cancel.out"
check "cancel: the others still run" test "$(jq -r '.finished // false' "${STATES[3]}")" = false
"$WRAPPER" show "${TAGS[2]}" > "$SCRATCH/show.out"
check "show exit 0" test $? = 0
check "show: error with its hint" grep -q '^hint: .*cancelled' "$SCRATCH/show.out"
check "show: last engine lines" grep -q '% \[\*' "$SCRATCH/show.out"

"$WRAPPER" cancel 19700101T000000-1 2>/dev/null
check "cancel of an unknown tag: exit 2" test $? = 2
"$WRAPPER" show 2>/dev/null
check "show without a tag: exit 1" test $? = 1

for i in 1 3; do wait_finished "${STATES[$i]}" 120; done
check "vm-1 succeeded" test "$(jq -r .failed "${STATES[1]}")" = false
check "vm-3 succeeded" test "$(jq -r .failed "${STATES[3]}")" = false
"$WRAPPER" list --json > "$SCRATCH/list2.json"
check "finished ones are still listed (within a day)" test "$(jq 'length' "$SCRATCH/list2.json")" = 3
check "results" test "$(jq -r 'map(.result) | sort | join(",")' "$SCRATCH/list2.json")" = "failed (cancelled),succeeded,succeeded"
finish
