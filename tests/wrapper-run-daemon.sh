# SPDX-License-Identifier: Apache-2.0
# A whole run in daemon mode with two disks (fake engine): one JSON line
# with the four paths on stdout, then the state file from its first write
# to finished, followed as a client follows it.
. "$TESTS_DIR/lib.sh"
export FAKE_ENGINE_RECORD="$SCRATCH/record"
touch "$SCRATCH/disk.img"

export FAKE_ENGINE_DISKS=2 FAKE_ENGINE_DELAY=0.15
run_wrapper "$(input_local '.source_disks = ["[ds1] vm/disk1.vmdk", "[ds1] vm/disk2.vmdk"]')"
check "daemon: exit 0" test "$RC" = 0
check "daemon: exactly one line on stdout" test "$(wc -l < "$SCRATCH/stdout")" = 1
check "daemon: stdout is JSON with the four paths" sh -c "jq -e 'keys == [\"state_file\",\"throttling_file\",\"v2v_log\",\"wrapper_log\"]' '$SCRATCH/stdout' >/dev/null"
STATE=$(jq -r .state_file "$SCRATCH/stdout")
case "$STATE" in "$V2VW_STATE_DIR"/v2v-import-[0-9]*T[0-9]*-[0-9]*.state) pass ;; *) fail "state file name $STATE" ;; esac
check "daemon: throttling file next to the state" test "$(jq -r .throttling_file "$SCRATCH/stdout")" = "${STATE%.state}.throttle"
check "daemon: first state exists at once" test -f "$STATE"
# Follow the state like a client and remember what we saw.
: > "$SCRATCH/seen"
for i in $(seq 1 3000); do
    jq -c '[.disks[0].progress, .disks[1].progress, .disk_count, .started, .finished]' "$STATE" >> "$SCRATCH/seen" 2>/dev/null
    [ "$(jq -r '.finished // false' "$STATE")" = true ] && break
    sleep 0.02
done
check "daemon: finished" test "$(jq -r .finished "$STATE")" = true
check "daemon: not failed" test "$(jq -r .failed "$STATE")" = false
check "daemon: return_code 0" test "$(jq -r .return_code "$STATE")" = 0
check "daemon: disk_count 2" test "$(jq -r .disk_count "$STATE")" = 2
check "daemon: disks kept once each, in order, at 100" test "$(jq -c '.disks' "$STATE")" = '[{"path":"[ds1] vm/disk1.vmdk","progress":100},{"path":"[ds1] vm/disk2.vmdk","progress":100}]'
check "daemon: pid is the engine's" test "$(jq -r .pid "$STATE")" = "$(sed -n 's/^pid=//p' "$FAKE_ENGINE_RECORD")"
check "daemon: intermediate progress was seen" sh -c "jq -s 'map(.[0:2][] | select(. != null and . > 0 and . < 100)) | length > 0' '$SCRATCH/seen' | grep -q true"
check "daemon: progress never went backwards" sh -c "jq -s '[.[] | .[0]] as \$a | [range(1; \$a|length) | select(\$a[.] < \$a[.-1])] | length == 0' '$SCRATCH/seen' | grep -q true"
check "daemon: state mode 0644" test "$(stat -c %a "$STATE")" = 644
check "daemon: status phrase" test "$(jq -r .status "$STATE")" = "Finishing off"
check "daemon: overall progress 100" test "$(jq -r .progress "$STATE")" = 100
check "daemon: throttling null/null" test "$(jq -c .throttling "$STATE")" = '{"cpu":null,"network":null}'
WLOG=$(jq -r .wrapper_log "$SCRATCH/stdout")
check "daemon: wrapper log has timestamps and levels" grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+:INFO: virt-v2v started with PID' "$WLOG"
check "daemon: v2v log has the engine output" grep -q 'Copying disk 2/2' "$(jq -r .v2v_log "$SCRATCH/stdout")"
check "daemon: no temporary state files left" sh -c "! ls -A '$V2VW_STATE_DIR' | grep -q '^\\.'"
check "daemon: no secrets dir left" sh -c "! ls -d '$V2VW_RUN_DIR'/*/secrets 2>/dev/null | grep -q secrets"
finish
