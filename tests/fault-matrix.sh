# The fault matrix: each fault must end with a valid state file saying
# `finished` and `failed` with a meaningful `last_message` (or, for faults
# found before the start, exit 1 with a clear error and no files), no
# secret file left and no engine process left. Prints a table (also in
# $BUILDDIR/fault-matrix.md).
. "$TESTS_DIR/lib.sh"
need_root "tmpfs mounts for the full and read-only directories"
touch "$SCRATCH/disk.img"
FP=01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67
PW=Fault-Matrix-Pw-93kd
VDDK=$(input_local 'del(.source_path) | .transport_method = "vddk" | .vmware_uri = "esx://h" | .vmware_password = "'$PW'" | .vmware_fingerprint = "'$FP'" | .source_disks = ["[ds] vm/vm.vmdk"]')
export FAKE_ENGINE_RECORD="$SCRATCH/record"
export FAULT_DIR=$SCRATCH/fault
mkdir -p "$FAULT_DIR"
FAULT_ENGINE=$TESTS_DIR/fault-engine
TABLE=$SCRATCH/table
printf '| fault | wrapper exit | finished | failed | return_code | last_message | secrets left | processes left |\n|---|---|---|---|---|---|---|---|\n' > "$TABLE"
MOUNTS=()
cleanup() { for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null; done; }
trap cleanup EXIT

# start JSON: run the daemon; STATE, EPID (engine), WPID (the daemon: the engine's parent).
start() {
    rm -f "$FAKE_ENGINE_RECORD" "$FAULT_DIR/go" "$FAULT_DIR/engine.pid"
    run_wrapper "$1"
    STATE=$(jq -r .state_file "$SCRATCH/stdout" 2>/dev/null)
    EPID="" WPID=""
    [ "$RC" = 0 ] || return 1
    wait_for sh -c "jq -e .pid '$STATE' >/dev/null 2>&1" || return 1
    EPID=$(jq -r .pid "$STATE")
    WPID=$(awk '/^PPid:/ {print $2}' "/proc/$EPID/status" 2>/dev/null)
    # The fault engine: wait until it is copying and holding.
    case "$V2VW_ENGINE" in "$FAULT_ENGINE")
        wait_for test -s "$FAULT_DIR/engine.pid"
        wait_for sh -c "jq -e '.disks[0].progress == 10' '$STATE' >/dev/null" ;;
    esac
}
go() { touch "$FAULT_DIR/go"; }

secrets_left() { ls -d "$V2VW_STATE_DIR"/*.secrets 2>/dev/null | wc -l; }
processes_left() { # engine group and the daemon
    local n=0
    [ -n "$EPID" ] && n=$(pgrep -g "$EPID" 2>/dev/null | wc -l)
    [ -n "$WPID" ] && kill -0 "$WPID" 2>/dev/null && n=$((n + 1))
    echo "$n"
}

# row NAME: check the end state and add a table row.
row() {
    local name=$1 fin fail rc msg
    wait_finished "$STATE" 40 >/dev/null 2>&1
    [ -n "$WPID" ] && wait_for sh -c "! kill -0 $WPID 2>/dev/null"
    echo "$(date +%T) $name" >&2
    check "$name: state is valid JSON" jq -e . "$STATE" >/dev/null
    fin=$(jq -r '.finished // false' "$STATE" 2>/dev/null)
    fail=$(jq -r '.failed' "$STATE" 2>/dev/null)
    rc=$(jq -r '.return_code // "-"' "$STATE" 2>/dev/null)
    msg=$(jq -r '.last_message.message // "-"' "$STATE" 2>/dev/null | head -1 | cut -c1-90)
    check "$name: finished" test "$fin" = true
    check "$name: failed" test "$fail" = true
    check "$name: last_message set" test "$msg" != -
    check "$name: no secret file left" test "$(secrets_left)" = 0
    check "$name: no process left" test "$(processes_left)" = 0
    printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$name" "$RC" "$fin" "$fail" "$rc" "$msg" \
        "$(secrets_left)" "$(processes_left)" >> "$TABLE"
}

clean_dirs() { rm -rf "${V2VW_STATE_DIR:?}"/* "${V2VW_LOG_DIR:?}"/*; }

# Each section is one row of the matrix and one ctest case (FAULT_ROW=slug,
# tests/luks.cmake); without FAULT_ROW every row runs.
section() { [ -z "${FAULT_ROW:-}" ] || [ "$FAULT_ROW" = "$1" ]; }

# row_before NAME EXPECTED_ERROR: refused before the start.
row_before() {
    local name=$1 err
    err=$(head -1 "$SCRATCH/stderr" | cut -c1-110)
    check "$name: exit 1" test "$RC" = 1
    check "$name: nothing on stdout" test ! -s "$SCRATCH/stdout"
    check "$name: clear error ($err)" grep -q "$2" "$SCRATCH/stderr"
    check "$name: no files left" no_files_left
    printf '| %s | %s | - | - | - | stderr: %s | %s | - |\n' "$name" "$RC" "$err" "$(secrets_left)" >> "$TABLE"
}

# --- engine SIGKILLed mid-copy -------------------------------------------------------
if section engine-sigkill; then
V2VW_ENGINE=$FAULT_ENGINE start "$VDDK"
check "engine SIGKILL: copying, secrets present" test "$(secrets_left)" = 1
kill -KILL "$EPID"
row "engine SIGKILLed mid-copy"
check "engine SIGKILL: message names the signal" sh -c "jq -r .last_message.message '$STATE' | grep -q 'signal 9 (SIGKILL)'"
fi

# --- wrapper SIGTERMed mid-copy ------------------------------------------------------------
if section wrapper-sigterm; then
V2VW_ENGINE=$FAULT_ENGINE start "$VDDK"
check "wrapper SIGTERM: engine known" test -n "$WPID"
kill -TERM "$WPID"
row "wrapper SIGTERMed mid-copy"
check "wrapper SIGTERM: message names the signal" sh -c "jq -r .last_message.message '$STATE' | grep -q 'received SIGTERM'"
fi

# --- wrapper SIGKILLed mid-copy ---------------------------------------------------------------
if section wrapper-sigkill; then
# The next wrapper that starts cleans up after it: throttle_collect_leftovers()
# kills the orphaned engine (its cgroup) and frees its class; orphans_collect()
# removes its secrets and finishes its state as failed.
V2VW_ENGINE=$FAULT_ENGINE start "$VDDK"
DEAD_STATE=$STATE DEAD_EPID=$EPID DEAD_WPID=$WPID
kill -KILL "$WPID"
check "wrapper SIGKILL: orphaned engine still runs" sh -c "sleep 0.5; kill -0 $DEAD_EPID"
check "wrapper SIGKILL: its secrets are still there" test -d "${DEAD_STATE%.state}.secrets"
V2VW_ENGINE=$FAULT_ENGINE start "$VDDK"
check "wrapper SIGKILL: the next wrapper killed the orphaned engine" \
    wait_for sh -c "! grep -qs '^State:[[:space:]]*[RSDT]' /proc/$DEAD_EPID/status"
check "wrapper SIGKILL: the next wrapper removed the dead run's secrets" test ! -e "${DEAD_STATE%.state}.secrets"
check "wrapper SIGKILL: dead run's state finished and failed" \
    test "$(jq -c '[.finished, .failed]' "$DEAD_STATE")" = '[true,true]'
check "wrapper SIGKILL: dead run's last_message says why" \
    sh -c "jq -r .last_message.message '$DEAD_STATE' | grep -q 'virt-v2v-wrapper died'"
printf '| wrapper SIGKILLed mid-copy (the next wrapper collects) | 0 | %s | %s | - | %s | %s | %s |\n' \
    "$(jq -r '.finished // false' "$DEAD_STATE")" "$(jq -r .failed "$DEAD_STATE")" \
    "$(jq -r .last_message.message "$DEAD_STATE")" \
    "$(ls -d "${DEAD_STATE%.state}.secrets" 2>/dev/null | wc -l)" \
    "$(grep -qs '^State:[[:space:]]*[RSDT]' /proc/$DEAD_EPID/status && echo 1 || echo 0)" >> "$TABLE"
go
wait_finished "$STATE" 30 >/dev/null
wait_for sh -c "! kill -0 ${WPID:-0} 2>/dev/null"
clean_dirs
fi

# --- engine binary missing / not executable --------------------------------------------------
if section engine-missing; then
clean_dirs
V2VW_ENGINE=$SCRATCH/no-such-engine run_wrapper "$VDDK"
row_before "engine binary missing" "cannot run the engine $SCRATCH/no-such-engine: No such file or directory"
printf '#!/bin/sh\nexit 0\n' > "$SCRATCH/noexec-engine"
chmod 0644 "$SCRATCH/noexec-engine"
# root passes access(X_OK) only when some x bit is set: this is refused too.
clean_dirs
V2VW_ENGINE=$SCRATCH/noexec-engine run_wrapper "$VDDK"
row_before "engine not executable (mode 0644)" "cannot run the engine $SCRATCH/noexec-engine: Permission denied"
# Executable but exec fails (its interpreter is missing): found only at exec time.
printf '#!/nonexistent/interpreter\n' > "$SCRATCH/badinterp-engine"
chmod 0755 "$SCRATCH/badinterp-engine"
rm -f "$SCRATCH/state-pid"
V2VW_ENGINE=$SCRATCH/badinterp-engine run_wrapper "$VDDK"
STATE=$(jq -r .state_file "$SCRATCH/stdout" 2>/dev/null)
EPID=$(jq -r '.pid // empty' "$STATE" 2>/dev/null) WPID=""
row "engine exec fails (bad interpreter)"
fi

# --- engine exits before writing any log ------------------------------------------------------
if section engine-nolog; then
FAKE_ENGINE_SCENARIO=nolog run_wrapper "$VDDK"
STATE=$(jq -r .state_file "$SCRATCH/stdout")
EPID=$(jq -r '.pid // empty' "$STATE" 2>/dev/null) WPID=""
row "engine exits 1 before any log"
check "nolog: message has the exit status and the log" sh -c "jq -r .last_message.message '$STATE' | grep -q 'exit status 1; see .*v2v-import-.*\\.log'"
fi

# --- v2v log deleted while running ------------------------------------------------------------
if section log-deleted; then
V2VW_ENGINE=$FAULT_ENGINE start "$VDDK"
rm -f "$(jq -r .v2v_log "$SCRATCH/stdout")"
go
check "log deleted: the wrapper still reads the engine's output (100%)" wait_for sh -c "jq -e '.disks[0].progress == 100' '$STATE' >/dev/null"
check "log deleted: finished" wait_finished "$STATE" 30
check "log deleted: succeeded" test "$(jq -r .failed "$STATE")" = false
check "log deleted: daemon exits" wait_for sh -c "! kill -0 ${WPID:-0} 2>/dev/null"
printf '| v2v log deleted while running | 0 | %s | %s | %s | - (conversion succeeded, progress 100) | %s | %s |\n' \
    "$(jq -r .finished "$STATE")" "$(jq -r .failed "$STATE")" "$(jq -r .return_code "$STATE")" \
    "$(secrets_left)" "$(processes_left)" >> "$TABLE"
check "log deleted: no secret file left" test "$(secrets_left)" = 0
check "log deleted: no process left" test "$(processes_left)" = 0
fi

# --- state directory full --------------------------------------------------------------------
if section state-dir-full; then
# (a) vddk: full during the copy. Writes fail and the previous state stays;
# the final write succeeds because removing the secret files frees a page.
FULL=$SCRATCH/full
mkdir -p "$FULL"
mount -t tmpfs -o size=256k tmpfs "$FULL" && MOUNTS+=("$FULL")
V2VW_ENGINE=$FAULT_ENGINE V2VW_STATE_DIR=$FULL start "$VDDK"
dd if=/dev/zero of="$FULL/filler" bs=4k 2>/dev/null
before=$(jq -c .disks "$STATE")
# A state change (a message in the machine-readable log) makes it write.
printf '{ "message": "Still copying", "timestamp": "x", "type": "message" }\n' >> "$(jq -r .v2v_log "$SCRATCH/stdout" | sed 's/\.log$/-mr.log/')"
WLOG=$(jq -r .wrapper_log "$SCRATCH/stdout")
check "state full: the wrapper logs the failure" wait_for grep -q "Cannot write the state file" "$WLOG"
valid=0
for _ in $(seq 1 20); do jq -e . "$STATE" >/dev/null 2>&1 && valid=$((valid + 1)); sleep 0.05; done
check "state full: state stays valid while the disk is full ($valid/20)" test "$valid" = 20
check "state full: previous state intact" test "$(jq -c .disks "$STATE")" = "$before"
check "state full: failure logged once" test "$(grep -c 'Cannot write the state file' "$WLOG")" = 1
kill -KILL "$EPID"
V2VW_STATE_DIR=$FULL row "state dir full during copy (256k tmpfs), then engine killed"
rm -f "$FULL/filler" "$V2VW_LOG_DIR"/*

# (b) full at the end, nothing to free: the final write fails and is
# retried every second; once space comes back, the state says finished.
V2VW_ENGINE=$FAULT_ENGINE V2VW_STATE_DIR=$FULL start "$(input_local)"
dd if=/dev/zero of="$FULL/filler" bs=4k 2>/dev/null
go
check "state full (b): final write failure logged" wait_for grep -q 'Cannot write the final state file' "$(jq -r .wrapper_log "$SCRATCH/stdout")"
check "state full (b): state still valid while full" jq -e . "$STATE" >/dev/null
check "state full (b): not finished while full" test "$(jq -r '.finished // false' "$STATE")" = false
rm -f "$FULL/filler"
check "state full (b): finished once space is back" wait_finished "$STATE" 30
check "state full (b): daemon ends" wait_for sh -c "! kill -0 ${WPID:-0} 2>/dev/null"
printf '| state dir full at the end, space freed later (disk input) | 0 | %s | %s | - | last good state kept valid; final write retried until space is back | 0 | %s |\n' \
    "$(jq -r '.finished // false' "$STATE")" "$(jq -r .failed "$STATE")" "$(processes_left)" >> "$TABLE"
check "state full (b): no process left" test "$(processes_left)" = 0
rm -f "$FULL/filler" "$FULL"/* "$V2VW_LOG_DIR"/*
fi

# --- log directory read-only --------------------------------------------------------------------
if section log-dir-readonly; then
RO=$SCRATCH/ro
mkdir -p "$RO"
mount -t tmpfs -o ro,size=64k tmpfs "$RO" && MOUNTS+=("$RO")
clean_dirs
V2VW_LOG_DIR=$RO run_wrapper "$VDDK"
row_before "log directory read-only" "cannot create $RO/v2v-import-.*: Read-only file system"
fi

# --- 1 GB of log in about 10 s: memory stays flat ------------------------------------------------
if section log-flood; then
FAULT_MODE=flood V2VW_ENGINE=$FAULT_ENGINE start "$VDDK"
check "flood: daemon known" test -n "$WPID"
go
hwm=0 rss_samples=""
t0=$(date +%s.%N)
while kill -0 "$WPID" 2>/dev/null; do
    h=$(awk '/^VmHWM:/ {print $2}' "/proc/$WPID/status" 2>/dev/null)
    [ -n "$h" ] && hwm=$h
    r=$(awk '/^VmRSS:/ {print $2}' "/proc/$WPID/status" 2>/dev/null)
    [ -n "$r" ] && rss_samples="$rss_samples $r"
    sleep 0.2
done
t1=$(date +%s.%N)
wait_finished "$STATE" 5 >/dev/null
size=$(stat -c %s "$(jq -r .v2v_log "$SCRATCH/stdout")")
secs=$(echo "$t1 - $t0" | bc)
echo "flood: $size bytes of log in ${secs}s; wrapper VmHWM ${hwm} kB; VmRSS samples (kB):$(echo $rss_samples | tr ' ' '\n' | sort -n | uniq | tr '\n' ' ')"
check "flood: 1 GiB written" test "$size" -ge 1073741824
check "flood: finished, succeeded ($(jq -c '[.finished, .failed, .disks[0].progress]' "$STATE"))" \
    test "$(jq -c '[.finished, .failed]' "$STATE")" = '[true,false]'
check "flood: the bar after 1 GiB was parsed" grep -q '"progress":\(50\|100\)' "$STATE"
check "flood: peak RSS under 32 MB (${hwm} kB)" test "$hwm" -lt 32768
check "flood: no process left" test "$(processes_left)" = 0
printf '| 1 GiB log flood (%s s) | 0 | %s | %s | %s | peak RSS VmHWM %s kB | %s | %s |\n' "$secs" \
    "$(jq -r .finished "$STATE")" "$(jq -r .failed "$STATE")" "$(jq -r .return_code "$STATE")" \
    "$hwm" "$(secrets_left)" "$(processes_left)" >> "$TABLE"
rm -f "$V2VW_LOG_DIR"/*
fi

cat "$TABLE"
cp "$TABLE" "$BUILDDIR/fault-matrix${FAULT_ROW:+-$FAULT_ROW}.md" 2>/dev/null
finish
