# Secrets never leak: a vddk run (password) with a LUKS vault of two keys,
# and an ssh run (ssh_key). Distinctive secret strings must not appear in
# any file the run produced, nor in the cmdline or environment of any
# process while the engine runs (wrapper daemon, engine, ssh-agent, ...).
# Secret files exist while running (0600, conversion uid, 0700 dir) and
# are gone at the end; the engine gets --key DEVICE:file:PATH per key.
. "$TESTS_DIR/lib.sh"
need_root "the vault must be owned by the conversion user (root for local output)"
command -v ssh-keygen >/dev/null || skip "ssh-keygen (openssh-client) is not installed"

PW=Vddk-Pa55-Zq81xKq
KEY_A=Luks-Key-A-Wv37pQ
KEY_B=Luks-Key-B-Hn52mR
KEY_OTHER=Luks-Key-Other-Tf09s
SECRETS=("$PW" "$KEY_A" "$KEY_B" "$KEY_OTHER")

ENG=$SCRATCH/eng
mkdir -p "$ENG"
cp "$TESTS_DIR/secrets-engine" "$ENG/engine"
export V2VW_ENGINE=$ENG/engine
sha() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

# Inputs are written with printf (a builtin): no secret on any argv.
umask 077
printf '{"secretvm": [{"device": "/dev/sda1", "key": "%s"}, {"device": "/dev/sdb", "key": "%s"}],
 "othervm": [{"device": "/dev/sda", "key": "%s"}]}\n' "$KEY_A" "$KEY_B" "$KEY_OTHER" > "$SCRATCH/vault.json"
umask 022

# The secrets as grep patterns, in a file outside every place searched.
PATTERNS=$SCRATCH/patterns
write_patterns() { printf '%s\n' "${SECRETS[@]}" > "$PATTERNS"; }
write_patterns

# no_secret_in WHERE...: fails listing the files that hold a secret.
no_secret_in() {
    ! grep -rlaF -f "$PATTERNS" -- "$@" 2>/dev/null
}

# The daemon is the engine's parent (direct runner).
wrapper_daemon_pid() { awk '/^PPid:/ {print $2}' "/proc/$(cat "$ENG/rec/pid")/status"; }

# While the engine waits: every process's cmdline and environ.
scan_processes() {
    local p f hits=0
    for p in /proc/[0-9]*; do
        for f in cmdline environ; do
            if grep -qaF -f "$PATTERNS" "$p/$f" 2>/dev/null; then
                echo "secret in $p/$f ($(tr '\0' ' ' 2>/dev/null < "$p/cmdline" | head -c 80))" >&2
                hits=1
            fi
        done
    done
    [ "$hits" = 0 ]
}

# --- vddk with a LUKS vault -----------------------------------------------------
FP=01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67
printf '{"vm_name": "secretvm", "transport_method": "vddk", "vmware_uri": "esx://root@esx.example.com?no_verify=1",
 "vmware_password": "%s", "vmware_fingerprint": "%s", "local_storage": "%s", "luks_keys_vault": "%s"}' \
    "$PW" "$FP" "$SCRATCH/out" "$SCRATCH/vault.json" > "$SCRATCH/input.json"
"$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
check "vddk: wrapper exit 0 ($(cat "$SCRATCH/stderr"))" test $? = 0
STATE=$(jq -r .state_file "$SCRATCH/stdout")
check "vddk: engine running" wait_for test -s "$ENG/rec/pid"
WPID=$(wrapper_daemon_pid)
check "vddk: wrapper daemon found" test "$(readlink "/proc/$WPID/exe")" = "$(readlink -f "$WRAPPER")"
cp "/proc/$WPID/cmdline" "$ENG/rec/wrapper-cmdline"
cp "/proc/$WPID/environ" "$ENG/rec/wrapper-environ"
check "vddk: no secret in any process's cmdline/environ" scan_processes
check "vddk: wrapper has no core dumps (Max core file size 0)" \
    grep -Eq '^Max core file size +0 +0 ' "/proc/$WPID/limits"
SDIR=$(ls -d "$V2VW_STATE_DIR"/*.secrets)
check "vddk: secrets dir is 0700 root" test "$(stat -c %a:%u "$SDIR")" = 700:0
check "vddk: three secret files (and the owner lock) while running" test "$(ls "$SDIR" | grep -vx owner.lock | wc -l)" = 3
for f in "$SDIR"/*; do
    check "vddk: $(basename "$f") is 0600 root:root" test "$(stat -c %a:%u:%g "$f")" = 600:0:0
done
touch "$ENG/go"
check "vddk: finished" wait_finished "$STATE" 90
check "vddk: succeeded" test "$(jq -r .failed "$STATE")" = false

# What the engine saw.
KEYS=$(grep -A1 -x -- --key "$ENG/rec/argv" | grep -v -- '^--' | sed "s|$SDIR|SECRETS|" | tr '\n' ' ')
check "vddk: --key for both vault keys, in order (got: $KEYS)" \
    test "$KEYS" = "/dev/sda1:file:SECRETS/luks-1 /dev/sdb:file:SECRETS/luks-2 "
check "vddk: the other VM's key is not passed" test "$(grep -cx -- --key "$ENG/rec/argv")" = 2
check "vddk: password file passed" grep -qx "$SDIR/vmware-password" "$ENG/rec/argv"
check "vddk: password file content" grep -q "^vmware-password mode=600 owner=0:0 dir=700:0:0 sha256=$(sha "$PW")\$" "$ENG/rec/secrets"
check "vddk: key 1 content" grep -q "^luks-1 mode=600 owner=0:0 dir=700:0:0 sha256=$(sha "$KEY_A")\$" "$ENG/rec/secrets"
check "vddk: key 2 content" grep -q "^luks-2 mode=600 owner=0:0 dir=700:0:0 sha256=$(sha "$KEY_B")\$" "$ENG/rec/secrets"

# Nothing left, nothing leaked.
check "vddk: secret files and dir removed" test ! -e "$SDIR"
check "vddk: no secret in state, logs, throttle dir, outputs, records" \
    no_secret_in "$V2VW_STATE_DIR" "$V2VW_LOG_DIR" "$SCRATCH/out" "$ENG/rec" "$SCRATCH/stdout" "$SCRATCH/stderr"
check "vddk: the logged command shows the --key arguments" \
    grep -q "Running: .* --key /dev/sda1:file:$SDIR/luks-1 --key /dev/sdb:file:$SDIR/luks-2 " "$V2VW_LOG_DIR"/*-wrapper.log
check "vddk: wrapper daemon gone" wait_for sh -c "! kill -0 $WPID 2>/dev/null"

# --- a bad vault stops everything before it starts ------------------------------
chmod 0640 "$SCRATCH/vault.json"
rm -rf "$ENG/rec" "$ENG/go"
"$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
check "bad vault: exit 1" test $? = 1
check "bad vault: nothing on stdout" test ! -s "$SCRATCH/stdout"
check "bad vault: the error names the vault and the problem" grep -qF \
    "LUKS keys vault $SCRATCH/vault.json must not be readable by group or others (mode 0640)" "$SCRATCH/stderr"
check "bad vault: engine never ran" test ! -e "$ENG/rec/argv"
check "bad vault: no secrets dir left" sh -c "! ls -d '$V2VW_STATE_DIR'/*.secrets 2>/dev/null"
check "bad vault: no secret on stderr" no_secret_in "$SCRATCH/stderr"
chmod 0600 "$SCRATCH/vault.json"

# --- ssh with ssh_key ---------------------------------------------------------------
rm -rf "$ENG/rec" "$ENG/go" "$V2VW_STATE_DIR"/* "$V2VW_LOG_DIR"/*
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
WPID=$(wrapper_daemon_pid)
cp "/proc/$WPID/cmdline" "$ENG/rec/wrapper-cmdline"
cp "/proc/$WPID/environ" "$ENG/rec/wrapper-environ"
check "ssh: no secret in any process's cmdline/environ" scan_processes
SDIR=$(ls -d "$V2VW_STATE_DIR"/*.secrets)
check "ssh: key file 0600 root in a 0700 dir" test "$(stat -c %a:%u "$SDIR"/ssh-key):$(stat -c %a "$SDIR")" = 600:0:700
check "ssh: the agent holds our key" grep -q "$(ssh-keygen -lf "$SCRATCH/id.pub" | cut -d' ' -f2)" "$ENG/rec/agent-keys"
check "ssh: SSH_AUTH_SOCK is in the secrets dir" grep -q "^$SDIR/" "$ENG/rec/agent-socket"
AGENT=$(pgrep -f -P "$(wrapper_daemon_pid "$STATE")" "^/usr/bin/ssh-agent -D -a $SDIR/")
check "ssh: ssh-agent runs" test -n "$AGENT"
touch "$ENG/go"
check "ssh: finished" wait_finished "$STATE" 90
check "ssh: succeeded" test "$(jq -r .failed "$STATE")" = false
check "ssh: ssh-agent stopped" wait_for sh -c "! kill -0 ${AGENT:-0} 2>/dev/null"
check "ssh: secrets dir removed" test ! -e "$SDIR"
check "ssh: no secret in state, logs, outputs, records" \
    no_secret_in "$V2VW_STATE_DIR" "$V2VW_LOG_DIR" "$SCRATCH/out" "$ENG/rec" "$SCRATCH/stdout" "$SCRATCH/stderr"
finish
