# SPDX-License-Identifier: Apache-2.0
# An ssh run with ssh_key: the key reaches the agent (in the run
# directory), never a process's cmdline or environment nor any file the
# run left; the agent and the key file go with the conversion.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/secrets-lib.sh"
command -v ssh-keygen >/dev/null || skip "ssh-keygen (openssh-client) is not installed"

ssh-keygen -q -t ed25519 -N '' -C secrets-test -f "$SCRATCH/id" >/dev/null
# A distinctive part of the private key: its longest base64 line.
KEYLINE=$(grep -v -- '-----' "$SCRATCH/id" | awk '{ print length, $0 }' | sort -rn | head -1 | cut -d' ' -f2)
SECRETS+=("$KEYLINE")
write_patterns
VMX="ssh://root@esx.example.com/vmfs/volumes/datastore1/secretvm/secretvm.vmx"
# json-encode the key without putting it on a command line: jq reads it from a file.
jq -Rs --arg vm "$VMX" --arg out "$SCRATCH/out" \
    '{vm_name: $vm, transport_method: "ssh", ssh_key: ., local_storage: $out}' \
    < "$SCRATCH/id" > "$SCRATCH/input.json"
rm -f "$SCRATCH/id"     # only the input document holds it now
"$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
check "ssh: wrapper exit 0 ($(cat "$SCRATCH/stderr"))" test $? = 0
STATE=$(jq -r .state_file "$SCRATCH/stdout")
check "ssh: engine running" wait_for test -s "$ENG/rec/pid"
wait_for wrapper_daemon_pid "$STATE" >/dev/null
WPID=$(wrapper_daemon_pid "$STATE")
cp "/proc/$WPID/cmdline" "$ENG/rec/wrapper-cmdline"
cp "/proc/$WPID/environ" "$ENG/rec/wrapper-environ"
check "ssh: no secret in any process's cmdline/environ" scan_processes
SDIR=$(ls -d "$V2VW_RUN_DIR"/*/secrets)
check "ssh: key file 0600 root in a 0700 dir" test "$(stat -c %a:%u "$SDIR"/ssh-key):$(stat -c %a "$SDIR")" = 600:0:700
check "ssh: the agent holds our key" grep -q "$(ssh-keygen -lf "$SCRATCH/id.pub" | cut -d' ' -f2)" "$ENG/rec/agent-keys"
check "ssh: SSH_AUTH_SOCK is in the run dir" grep -q "^${SDIR%/secrets}/agent/sock$" "$ENG/rec/agent-socket"
# The agent as its run directory records it (pid and start time).
AGENT=$(cut -d' ' -f1 "${SDIR%/secrets}/agent.pid" 2>/dev/null)
[ -n "$AGENT" ] && [ -d "/proc/$AGENT" ] || AGENT=""
check "ssh: ssh-agent runs" test -n "$AGENT"
touch "$ENG/go"
check "ssh: finished" wait_finished "$STATE" 90
check "ssh: succeeded" test "$(jq -r .failed "$STATE")" = false
check "ssh: ssh-agent stopped" wait_for sh -c "! kill -0 ${AGENT:-0} 2>/dev/null"
check "ssh: secrets dir removed" test ! -e "$SDIR"
check "ssh: no secret in state, logs, outputs, records" \
    no_secret_in "$V2VW_STATE_DIR" "$V2VW_LOG_DIR" "$SCRATCH/out" "$ENG/rec" "$SCRATCH/stdout" "$SCRATCH/stderr"
finish
