# The wrapper logs to the journal with V2V_TAG, V2V_VM and priorities when
# journald is reachable: a real systemd-journald in a private mount
# namespace (its own /run/systemd/journal and /run/log/journal), then
# `journalctl V2V_TAG=TAG` shows exactly that conversion.
. "$TESTS_DIR/lib.sh"
need_root "a private mount namespace for journald's sockets"
JOURNALD=$(ls /lib/systemd/systemd-journald /usr/lib/systemd/systemd-journald 2>/dev/null | head -1)
[ -n "$JOURNALD" ] || skip "systemd-journald is not installed"
touch "$SCRATCH/disk.img"
cat > "$SCRATCH/inner.sh" <<'EOS'
set -u
mkdir -p /run/systemd /run/log
mount -t tmpfs tmpfs /run/systemd && mount -t tmpfs tmpfs /run/log || exit 77
mkdir -p /run/systemd/journal /run/log/journal
"$JOURNALD" & J=$!
for i in $(seq 100); do [ -S /run/systemd/journal/socket ] && break; sleep 0.05; done
. "$TESTS_DIR/lib.sh"
run_wrapper "$(input_local '.vm_name = "journal-vm" | .daemonize = false')"
STATE=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
TAG=$(basename "$STATE" .state); TAG=${TAG#v2v-import-}
FAKE_ENGINE_SCENARIO=fail run_wrapper "$(input_local '.vm_name = "other-vm" | .daemonize = false')"
sleep 0.5
journalctl -D /run/log/journal --no-pager -o json V2V_TAG="$TAG" > "$SCRATCH/journal.json"
journalctl -D /run/log/journal --no-pager -o json V2V_VM=other-vm > "$SCRATCH/other.json"
echo "$TAG" > "$SCRATCH/tag"
kill "$J"; wait "$J" 2>/dev/null
exit 0
EOS
JOURNALD="$JOURNALD" unshare -m --propagation private bash "$SCRATCH/inner.sh"
rc=$?
[ "$rc" = 77 ] && skip "cannot mount tmpfs in a private mount namespace"
TAG=$(cat "$SCRATCH/tag")
check "journal has lines of the conversion" test "$(wc -l < "$SCRATCH/journal.json")" -ge 3
check "all of them are that conversion's" sh -c "jq -e 'select(.V2V_TAG != \"$TAG\" or .V2V_VM != \"journal-vm\")' '$SCRATCH/journal.json' | grep -q . && exit 1 || exit 0"
check "identifier" sh -c "jq -r .SYSLOG_IDENTIFIER '$SCRATCH/journal.json' | sort -u | grep -qx virt-v2v-wrapper"
check "the start line is there, priority info" sh -c "jq -r 'select(.MESSAGE | test(\"virt-v2v started with PID\")) | .PRIORITY' '$SCRATCH/journal.json' | grep -qx 6"
check "the other conversion's error at priority err" sh -c "jq -r 'select(.PRIORITY == \"3\") | .MESSAGE' '$SCRATCH/other.json' | grep -q 'engine error'"
check "the other conversion is not in the first's" sh -c "! grep -q other-vm '$SCRATCH/journal.json'"
finish
