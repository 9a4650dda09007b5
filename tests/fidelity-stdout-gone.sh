# Foreground mode ("daemonize": false) writes log lines after the JSON line
# on stdout. A client that reads the first line and closes the pipe, or a
# container log pipe that breaks or stops being read, must never stop the
# conversion: the wrapper is not killed by SIGPIPE, stops writing there,
# keeps its log, finishes the state and exits with the conversion's status.
. "$TESTS_DIR/lib.sh"
touch "$SCRATCH/disk.img"
export FAKE_ENGINE_DISKS=2 FAKE_ENGINE_DELAY=0.05

# --- the reader takes the JSON line and goes away -----------------------------
input_local '.daemonize = false' > "$SCRATCH/input.json"
"$WRAPPER" < "$SCRATCH/input.json" 2> "$SCRATCH/stderr" | head -n 1 > "$SCRATCH/first"
rc=${PIPESTATUS[0]}
check "closed reader: the wrapper exits 0, not by SIGPIPE (got $rc)" test "$rc" = 0
check "closed reader: the reader got the JSON line" jq -e .state_file "$SCRATCH/first"
state=$(jq -r .state_file "$SCRATCH/first")
log=$(jq -r .wrapper_log "$SCRATCH/first")
check "closed reader: the state is finished" test "$(jq -r .finished "$state")" = true
check "closed reader: not failed, return_code 0" test "$(jq -c '[.failed, .return_code]' "$state")" = '[false,0]'
check "closed reader: both disks were copied" test "$(jq -c '[.disks[].progress]' "$state")" = '[100,100]'
check "closed reader: the wrapper log goes on to the end" grep -q 'Conversion succeeded' "$log"

# --- same, the engine fails: the exit status is still the conversion's -------
FAKE_ENGINE_SCENARIO=fail "$WRAPPER" < "$SCRATCH/input.json" 2> "$SCRATCH/stderr" | head -n 1 > "$SCRATCH/first"
rc=${PIPESTATUS[0]}
check "closed reader, failed engine: exit 2 (got $rc)" test "$rc" = 2
state=$(jq -r .state_file "$SCRATCH/first")
check "closed reader, failed engine: finished and failed" test "$(jq -c '[.finished, .failed]' "$state")" = '[true,true]'

# --- the reader stops reading: a full pipe must not block the conversion -----
# A pipe of one page that nobody reads until the wrapper has exited: the
# JSON line fits, the log lines after it do not.
python3 - "$WRAPPER" "$SCRATCH/input.json" "$SCRATCH/stuck" <<'PY'
import fcntl, os, subprocess, sys
wrapper, inp, out = sys.argv[1:]
r, w = os.pipe()
fcntl.fcntl(w, 1031, 4096)                      # F_SETPIPE_SZ: one page
with open(inp, "rb") as stdin:
    try:
        rc = subprocess.run([wrapper], stdin=stdin, stdout=w, stderr=subprocess.DEVNULL,
                            timeout=120).returncode
    except subprocess.TimeoutExpired:
        rc = "timeout"
os.close(w)
first = os.read(r, 65536).decode(errors="replace").split("\n")[0]
with open(out, "w") as f:
    f.write(f"{rc}\n{first}\n")
PY
check "stuck reader: the wrapper exits 0, not blocked (got $(head -n 1 "$SCRATCH/stuck"))" \
    test "$(head -n 1 "$SCRATCH/stuck")" = 0
sed -n 2p "$SCRATCH/stuck" > "$SCRATCH/first"
check "stuck reader: the JSON line came first" jq -e .state_file "$SCRATCH/first"
state=$(jq -r .state_file "$SCRATCH/first")
check "stuck reader: the state is finished, not failed" test "$(jq -c '[.finished, .failed]' "$state")" = '[true,false]'
finish
