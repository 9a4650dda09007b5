# SPDX-License-Identifier: Apache-2.0
# Shared by the secrets tests (sourced after lib.sh): distinctive secret
# strings (a vmware password, LUKS keys in a vault), the recording engine
# (tests/secrets-engine, which waits for $ENG/go), and the checks that no
# file and no process's cmdline or environment holds any of them.
need_root "the vault must be owned by the conversion user (root for local output)"

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

# vddk_input: the vddk input with the vault, in $SCRATCH/input.json.
FP=01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67
vddk_input() {
    printf '{"vm_name": "secretvm", "transport_method": "vddk", "vmware_uri": "esx://root@esx.example.com?no_verify=1",
 "vmware_password": "%s", "vmware_fingerprint": "%s", "local_storage": "%s", "luks_keys_vault": "%s"}' \
        "$PW" "$FP" "$SCRATCH/out" "$SCRATCH/vault.json" > "$SCRATCH/input.json"
}
