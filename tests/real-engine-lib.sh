# SPDX-License-Identifier: Apache-2.0
# Helpers for the real-engine tests (sourced): the real virt-v2v converting
# the phony Windows guest of scripts/make-phony-guest, driven through the
# wrapper by tests/real-engine-client.py like a management client would.
# shellcheck shell=bash
# shellcheck source=tests/lib.sh
source "$TESTS_DIR/lib.sh"
unset V2VW_ENGINE V2VW_NO_SYSTEMD     # the real engine, the default runner

command -v virt-v2v >/dev/null || skip "virt-v2v is not installed (scripts/install-deps)"

# The guest is built by the phony-guest-build test (a fixture) into the
# per-machine cache; building here too is a no-op once it exists.
GUEST_DIR=$("$SRCDIR/scripts/make-phony-guest" 2>"$SCRATCH/guest.err") || {
    cat "$SCRATCH/guest.err" >&2
    echo "FAIL: could not build the phony guest" >&2
    exit 1
}
# LIBGUESTFS_BACKEND(_SETTINGS) and VIRT_TOOLS_DATA_DIR: the wrapper passes
# them on to the engine.
# shellcheck source=/dev/null
source "$GUEST_DIR/env"

# convert INPUT_JSON: runs the client, sets SUMMARY (the summary file).
convert() {
    printf '%s\n' "$1" > "$SCRATCH/input.json"
    SUMMARY=$SCRATCH/summary.json
    python3 "$TESTS_DIR/real-engine-client.py" "$WRAPPER" "$SCRATCH/input.json" "$SUMMARY" 0.05
    local rc=$?
    if [ $rc != 0 ]; then
        echo "client exit status $rc; summary:" >&2
        cat "$SUMMARY" >&2
    fi
    return $rc
}

# sum EXPR: a jq expression over the summary.
sum() { jq -r "$1" "$SUMMARY"; }
# sum_true DESCRIPTION EXPR: the expression must be true.
sum_true() {
    checks=$((checks + 1))
    if [ "$(jq -r "$2" "$SUMMARY")" != true ]; then
        echo "FAIL: $1 ($2)" >&2
        failures=$((failures + 1))
    fi
}

# Checks every conversion must pass, whatever its result.
common_checks() {
    sum_true "the wrapper's parent exits 0 after printing" '.wrapper_rc == 0'
    sum_true "nothing else on stdout" '.stdout_extra == ""'
    sum_true "stdout has the four paths" \
        '.stdout | (keys | sort) == ["state_file","throttling_file","v2v_log","wrapper_log"]'
    sum_true "the state file is always valid JSON" '.invalid_reads == 0'
    sum_true "started seen" '.started_seconds != null'
    sum_true "engine pid seen" '(.engine_pid | type) == "number" and .engine_pid > 1'
    sum_true "finished" '.final.finished == true'
    sum_true "the daemon exits after finishing" '.daemon_exited == true'
}

# disk_checks PATH...: each path is in disks exactly once, in order, and its
# progress went up to 100 through at least one lower value (the 0 counts).
disk_checks() {
    local paths
    paths=$(printf '%s\n' "$@" | jq -R . | jq -sc .)
    sum_true "disks are exactly the source_disks, in order" \
        "[.final.disks[].path] == $paths"
    sum_true "disk_count is $#" ".final.disk_count == $#"
    local p
    for p in "$@"; do
        sum_true "progress of $p is non-decreasing" \
            ".sequences[\"$p\"] as \$s | \$s == (\$s | sort)"
        sum_true "progress of $p ends at 100" ".sequences[\"$p\"][-1] == 100"
        sum_true "progress of $p was seen below 100 first" \
            ".sequences[\"$p\"] | length >= 2"
        sum_true "final progress of $p is 100" \
            ".final.disks[] | select(.path == \"$p\") | .progress == 100"
    done
}

# Numbers for the closing notes.
report_numbers() {
    jq -r '"numbers: stdout line after \(.stdout_seconds * 1000 | floor) ms; "
         + "conversion \(.elapsed_seconds | floor) s; "
         + "daemon peak RSS (VmHWM) \(.peak_vmhwm_kb) KiB; "
         + "progress \(.sequences | tojson); statuses \(.statuses | length)"' "$SUMMARY"
}
