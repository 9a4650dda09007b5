# SPDX-License-Identifier: Apache-2.0
# Shared helpers for the wrapper's shell tests (sourced): the test
# vocabulary (functions.sh) and the wrapper's test environment. Each test
# runs in its own scratch directory ($SCRATCH) that run-shell-test removes.
set -u

: "${WRAPPER:?}" "${SCRATCH:?}" "${TESTS_DIR:?}"
. "$TESTS_DIR/functions.sh"
export V2VW_ENGINE="$TESTS_DIR/fake-engine"
export V2VW_STATE_DIR="$SCRATCH/state" V2VW_LOG_DIR="$SCRATCH/log" V2VW_RUN_DIR="$SCRATCH/run"
export V2VW_NO_SYSTEMD=1
mkdir -p "$V2VW_STATE_DIR" "$V2VW_LOG_DIR" "$SCRATCH/out"

# A minimal valid local_storage input; extra jq edits as arguments.
input_local() {
    jq -n --arg out "$SCRATCH/out" --arg src "$SCRATCH/disk.img" \
        '{vm_name: "testvm", transport_method: "disk", source_path: $src, local_storage: $out}' \
        | jq "${1:-.}"
}

# engine_reachable_by_uid36: the fake engine, its record directory, the
# logs, the state and a source disk, all where an engine running as uid 36
# (the oVirt upload's vdsm) can reach them.
engine_reachable_by_uid36() {
    chmod 755 "$SCRATCH"
    chmod 1777 "$V2VW_LOG_DIR" "$V2VW_STATE_DIR"
    cp "$TESTS_DIR/fake-engine" "$SCRATCH/fake-engine"
    chmod 755 "$SCRATCH/fake-engine"
    export V2VW_ENGINE="$SCRATCH/fake-engine"
    mkdir -m 1777 "$SCRATCH/rec"
    export FAKE_ENGINE_RECORD="$SCRATCH/rec/record"
    touch "$SCRATCH/disk.img"
    chmod 644 "$SCRATCH/disk.img"
}

# run_wrapper JSON: sets OUT, ERR, RC.
run_wrapper() {
    printf '%s' "$1" > "$SCRATCH/input.json"
    "$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
    RC=$?
    OUT=$(cat "$SCRATCH/stdout")
    ERR=$(cat "$SCRATCH/stderr")
}

# wrapper_daemon_pid STATE_FILE: the PID of the daemon that runs this
# conversion, as its state file records it (`wrapper_pid`, written by the
# daemon itself once it runs the conversion), checked to be alive.
wrapper_daemon_pid() {
    local pid
    pid=$(jq -r '.wrapper_pid // empty' "$1" 2>/dev/null) || return 1
    [ -n "$pid" ] && [ -d "/proc/$pid" ] || return 1
    echo "$pid"
}

# wait_finished STATE_FILE [SECONDS]: until the state says finished.
wait_finished() {
    local f=$1 limit=$(( ${2:-60} * 20 )) i=0
    while [ $i -lt $limit ]; do
        [ -f "$f" ] && [ "$(jq -r '.finished // false' "$f" 2>/dev/null)" = true ] && return 0
        sleep 0.05
        i=$((i + 1))
    done
    echo "timeout waiting for $f to finish: $(cat "$f" 2>/dev/null)" >&2
    return 1
}

# run_dir_of STATE_FILE: the conversion's private run directory.
run_dir_of() { local n=${1##*/}; ls -d "$V2VW_RUN_DIR/${n%.state}".* 2>/dev/null | head -1; }

state_field() { jq -c "$2" "$1"; }
no_files_left() { [ -z "$(ls -A "$V2VW_STATE_DIR" "$V2VW_LOG_DIR" "$V2VW_RUN_DIR" 2>/dev/null | grep -v ':$' | grep -v '^$' | grep -vx throttle.lock)" ]; }

# argv_of JSON: run the wrapper in the foreground (FAKE_ENGINE_RECORD set);
# print the engine's argv with run paths replaced by MR, SECRETS and S.
argv_of() {
    rm -f "$FAKE_ENGINE_RECORD"
    printf '%s' "$1" | jq '.daemonize = false' > "$SCRATCH/input.json"
    "$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
    local rc=$?
    [ -f "$FAKE_ENGINE_RECORD" ] || { echo "no record (rc $rc): $(cat "$SCRATCH/stderr")"; return; }
    sed -n 's/^arg=//p' "$FAKE_ENGINE_RECORD" \
        | sed -e "s|$V2VW_LOG_DIR/v2v-import-[0-9T]*-[0-9]*-mr.log|MR|" \
              -e "s|$V2VW_RUN_DIR/v2v-import-[0-9T]*-[0-9]*\.[0-9a-f]*/secrets|SECRETS|" \
              -e "s|$SCRATCH|S|g" | tr '\n' ' ' | sed 's/ $//'
}

expect_argv() { # DESCRIPTION JSON EXPECTED
    local got
    got=$(argv_of "$2")
    if [ "$got" = "$3" ]; then pass; else fail "$1:
  expected: $3
  got:      $got"; fi
}
