# `watch` on a real terminal (tmux): the list is redrawn as the state files
# change (the bars move), on the alternate screen; `q` quits and the
# screen the user had is back, cursor visible.
. "$TESTS_DIR/lib.sh"
command -v tmux >/dev/null || skip "tmux is not installed (scripts/install-deps installs it)"
touch "$SCRATCH/disk.img"
SOCK="ops-watch-$$"
T() { tmux -L "$SOCK" "$@"; }
trap 'tmux -L "$SOCK" kill-server 2>/dev/null' EXIT

export FAKE_ENGINE_SCENARIO=slow FAKE_ENGINE_DELAY=0.4 FAKE_ENGINE_DISKS=2 FAKE_ENGINE_DISK_SIZE=2147483648
for i in 1 2 3; do
    run_wrapper "$(input_local ".vm_name = \"vm-$i\"")"
    check "start $i" test "$RC" = 0
    STATES[$i]=$(jq -r .state_file "$SCRATCH/stdout")
    sleep 1.1
done

T new-session -d -s w -x 190 -y 40 "env -i PATH=$PATH TERM=xterm-256color V2VW_STATE_DIR=$V2VW_STATE_DIR bash --norc --noprofile"
T send-keys -t w "clear; echo BEFORE-WATCH-MARK" Enter
wait_for sh -c "tmux -L $SOCK capture-pane -p -t w | grep -q '^BEFORE-WATCH-MARK'"
T send-keys -t w "$WRAPPER watch" Enter
wait_for sh -c "tmux -L $SOCK capture-pane -p -t w | grep -q '(q quits)'"
check "watch uses the alternate screen" test "$(T display -p -t w '#{alternate_on}')" = 1

# The overall bar of vm-1, captured twice while it copies: it moves.
pct() { T capture-pane -p -t w | awk '$2 == "vm-1" { for (i = 1; i <= NF; i++) if ($i ~ /%$/) { print $i; exit } }' | tr -d '%'; }
wait_for sh -c "jq -e '.progress > 0' '${STATES[1]}' >/dev/null 2>&1"
first=$(pct)
wait_for sh -c "jq -e '.progress > ($first + 10)' '${STATES[1]}' >/dev/null 2>&1"
sleep 0.3
second=$(pct)
T capture-pane -p -t w > "$SCRATCH/screen.txt"
check "vm-1's bar moved ($first -> $second)" awk -v a="$first" -v b="$second" 'BEGIN { exit !(b > a) }'
for i in 1 2 3; do check "vm-$i on the screen" grep -q " vm-$i " "$SCRATCH/screen.txt"; done
check "per-disk bars" test "$(grep -c '^    disk ' "$SCRATCH/screen.txt")" -ge 6
check "rate shown (sizes known)" grep -q 'MiB/s\|GiB/s\|KiB/s' "$SCRATCH/screen.txt"
cp "$SCRATCH/screen.txt" "${OPS_WATCH_SCREEN:-/dev/null}" 2>/dev/null

T send-keys -t w q
wait_for sh -c "test \"\$(tmux -L $SOCK display -p -t w '#{alternate_on}')\" = 0"
check "q left the alternate screen" test "$(T display -p -t w '#{alternate_on}')" = 0
check "cursor visible again" test "$(T display -p -t w '#{cursor_flag}')" = 1
T capture-pane -p -t w > "$SCRATCH/after.txt"
check "the screen before watch is back" grep -q '^BEFORE-WATCH-MARK' "$SCRATCH/after.txt"
check "no watch output left on it" sh -c "! grep -q '(q quits)' '$SCRATCH/after.txt'"
T send-keys -t w "stty -a | grep -o ' icanon\\| echo ' | tr -d ' ' | sort | tr '\\n' , ; echo" Enter
wait_for sh -c "tmux -L $SOCK capture-pane -p -t w | grep -q 'echo,icanon,'"
check "terminal modes restored" sh -c "tmux -L $SOCK capture-pane -p -t w | grep -q 'echo,icanon,'"

# Plain lines when stdout is not a terminal: with TAG, until it finishes.
TAG=$(basename "${STATES[3]}" .state); TAG=${TAG#v2v-import-}
timeout 120 "$WRAPPER" watch "$TAG" > "$SCRATCH/plain.txt"
check "plain watch ends when the conversion finishes" test $? = 0
check "plain lines" test "$(grep -c "^$TAG vm-3 " "$SCRATCH/plain.txt")" -ge 2
check "last plain line says succeeded" sh -c "tail -1 '$SCRATCH/plain.txt' | grep -q 'succeeded'"
check "no escape sequences in plain mode" sh -c "! grep -q \$'\\033' '$SCRATCH/plain.txt'"
for i in 1 2; do wait_finished "${STATES[$i]}" 120; done
finish
