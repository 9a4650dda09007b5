# Stall detection: an engine that stops printing for longer than
# stall_seconds gets a warning in the state (stalled, last_message type
# warning, a log line); its next progress clears it; nothing is killed.
. "$TESTS_DIR/lib.sh"
touch "$SCRATCH/disk.img"
cat > "$SCRATCH/engine" <<'EOS'
#!/bin/bash
[ "$*" = --machine-readable ] && exec "$TESTS_DIR/fake-engine" "$@"
for a in "$@"; do case "$a" in --machine-readable=file:*) mr=${a#--machine-readable=file:} ;; esac; done
msg() { printf '{ "message": "%s", "timestamp": "x", "type": "message" }\n' "$1" >> "$mr"; printf '[   1.0] %s\n' "$1"; }
msg "Copying disk 1/1"
printf '\xe2\x96\x90  10%% [****------]\r' >&2
touch "$STALL_MARK.quiet"
while [ ! -e "$STALL_MARK.go" ]; do sleep 0.1; done      # silent until the test says
printf '\xe2\x96\x90  60%% [****------]\r' >&2
while [ ! -e "$STALL_MARK.end" ]; do sleep 0.1; done
printf '\xe2\x96\x90 100%% [**********]\n' >&2
msg "Finishing off"
EOS
chmod +x "$SCRATCH/engine"
export STALL_MARK="$SCRATCH/mark" V2VW_ENGINE="$SCRATCH/engine"
run_wrapper "$(input_local '.stall_seconds = 2')"
STATE=$(jq -r .state_file "$SCRATCH/stdout")
WLOG=$(jq -r .wrapper_log "$SCRATCH/stdout")
wait_for test -e "$STALL_MARK.quiet"
check "not stalled while it just started" test "$(jq -r .stalled "$STATE")" = false
wait_for sh -c "jq -e '.stalled' '$STATE' >/dev/null 2>&1"
check "stalled after 2 s of silence" test "$(jq -r .stalled "$STATE")" = true
check "last_message is a warning" test "$(jq -r .last_message.type "$STATE")" = warning
check "it says stalled" sh -c "jq -r .last_message.message '$STATE' | grep -q '^stalled: no progress .* 2 seconds'"
check "it has a hint" test -n "$(jq -r '.last_message.hint // ""' "$STATE")"
check "the log says so" grep -q 'WARNING: Stalled: no progress' "$WLOG"
check "not finished, not failed" test "$(jq -r '[.finished // false, .failed] | tostring' "$STATE")" = '[false,false]'
touch "$STALL_MARK.go"
wait_for sh -c "jq -e '.stalled == false' '$STATE' >/dev/null 2>&1"
check "progress cleared it" test "$(jq -r .stalled "$STATE")" = false
check "the warning is gone" test "$(jq -r '.last_message // "none"' "$STATE")" = none
check "progress is 60" test "$(jq -r '.disks[0].progress' "$STATE")" = 60
check "the log says progress again" grep -q 'no longer stalled' "$WLOG"
touch "$STALL_MARK.end"
wait_finished "$STATE" 60
check "succeeded: never killed" test "$(jq -r '[.failed, .return_code] | tostring' "$STATE")" = '[false,0]'

run_wrapper "$(input_local '.stall_seconds = "soon"')"
check "bad stall_seconds: exit 1" test "$RC" = 1
check "bad stall_seconds: names the key" grep -q '"stall_seconds" must be a whole number' "$SCRATCH/stderr"
finish
