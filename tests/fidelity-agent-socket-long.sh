# SPDX-License-Identifier: Apache-2.0
# Issue 10 item 7: the ssh-agent's socket lives in the private run directory
# (a short path under /run), not beside the state file. Where the run root
# itself is so long that the socket path would exceed what a Unix socket
# address holds (107 bytes), the conversion fails with a sentence that says
# so, instead of ssh's misleading "Connection refused"/"No such file".
. "$TESTS_DIR/lib.sh"
command -v ssh-keygen >/dev/null || skip "ssh-keygen (openssh-client) is not installed"

ssh-keygen -q -t ed25519 -N '' -C long-socket -f "$SCRATCH/id" >/dev/null
VMX="ssh://root@esx.example.com/vmfs/volumes/datastore1/vm/vm.vmx"
input() {
    jq -Rs --arg vm "$VMX" --arg out "$SCRATCH/out" \
        '{vm_name: $vm, transport_method: "ssh", ssh_key: ., local_storage: $out, daemonize: false}' < "$SCRATCH/id"
}

# A short run root: the socket is in the run directory and the engine gets it.
export FAKE_ENGINE_RECORD="$SCRATCH/rec-short"
run_wrapper "$(input)"
check "short root: the conversion succeeded (rc $RC: $ERR)" test "$RC" = 0
STATE=$(printf '%s\n' "$OUT" | head -1 | jq -r .state_file)
check "short root: state finished" test "$(jq -c '[.finished, .failed]' "$STATE")" = '[true,false]'

# A run root of 120 bytes: the socket path cannot fit in sun_path.
LONG=$SCRATCH/$(printf 'r%.0s' $(seq 1 $((120 - ${#SCRATCH} - 1))))
mkdir -p "$LONG"
export V2VW_RUN_DIR=$LONG FAKE_ENGINE_RECORD="$SCRATCH/rec-long"
run_wrapper "$(input)"
STATE=$(printf '%s\n' "$OUT" | head -1 | jq -r .state_file)
check "long root: the foreground conversion failed (exit 2, got $RC)" test "$RC" = 2
check "long root: state finished and failed" test "$(jq -c '[.finished, .failed]' "$STATE")" = '[true,true]'
MSG=$(jq -r '.last_message.message // empty' "$STATE")
check "long root: last_message says the socket path is too long ($MSG)" \
    sh -c "printf '%s' \"\$1\" | grep -q 'ssh-agent socket .* bytes long, more than the 107 a socket path may have'" _ "$MSG"
check "long root: the engine never ran" test ! -e "$SCRATCH/rec-long"
finish
