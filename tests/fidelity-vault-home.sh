# SPDX-License-Identifier: Apache-2.0
# Without "luks_keys_vault" the vault is $HOME/.v2v_luks_keys_vault.json of
# the wrapper's own environment (root's home on a conversion host), not the
# conversion user's (CONTRACT §9): an oVirt upload runs the engine as vdsm
# (uid 36) and must still get the keys of root's vault as --key arguments.
# No oVirt API is needed: "allocation" is given, and a successful upload
# has nothing to clean up. Needs root (the engine runs as uid 36).
. "$TESTS_DIR/lib.sh"
need_root "the oVirt upload runs the engine as uid 36"

engine_reachable_by_uid36

# The wrapper's home (root's on a real host) holds the vault, owned by the
# conversion user as §9 requires; the conversion user's home does not.
export HOME="$SCRATCH/roothome"
mkdir -m 700 "$HOME"
printf '{"testvm": [{"device": "/dev/sda1", "key": "luks-key-one"}], "other": [{"device": "/dev/sda", "key": "x"}]}\n' \
    > "$HOME/.v2v_luks_keys_vault.json"
chown 36:36 "$HOME/.v2v_luks_keys_vault.json"
chmod 600 "$HOME/.v2v_luks_keys_vault.json"

input=$(jq -n --arg src "$SCRATCH/disk.img" \
    '{vm_name: "testvm", transport_method: "disk", source_path: $src,
      rhv_url: "https://admin@internal@127.0.0.1:1/ovirt-engine/api", rhv_password: "pw",
      rhv_cluster: "Default", rhv_storage: "data", rhv_cafile: "/dev/null",
      allocation: "sparse", daemonize: false}')
run_wrapper "$input"
check "foreground upload succeeded (rc $RC: $ERR)" test "$RC" = 0
check "the engine ran as uid 36" grep -qx "uid=36" "$FAKE_ENGINE_RECORD"
keys=$(sed -n 's/^arg=\(\/dev\/sda1:file:\)/\1/p' "$FAKE_ENGINE_RECORD" | sed 's|:file:.*/|:file:|')
check "root's vault gave --key /dev/sda1 (got: '$keys')" test "$keys" = "/dev/sda1:file:luks-1"
check "only this VM's key was used" test "$(grep -c '^arg=.*:file:' "$FAKE_ENGINE_RECORD")" = 1

# The wrapper's vault is checked like any other: a readable-by-others one
# is refused before anything starts, naming the default path.
chmod 644 "$HOME/.v2v_luks_keys_vault.json"
rm -f "$FAKE_ENGINE_RECORD"
run_wrapper "$input"
check "a vault readable by others: exit 1 (got $RC)" test "$RC" = 1
check "the error names root's vault ($ERR)" grep -qF "$HOME/.v2v_luks_keys_vault.json" "$SCRATCH/stderr"
check "the engine never ran" test ! -e "$FAKE_ENGINE_RECORD"
finish
