# SPDX-License-Identifier: Apache-2.0
# The log directory may be a sticky world-writable one (/tmp, or a test's
# V2VW_LOG_DIR) where fs.protected_regular refuses even root an O_CREAT open
# of a file another user owns: the v2v log, created for the conversion user
# (vdsm, uid 36, for an oVirt upload), must still be opened for the engine.
# No oVirt API is needed ("allocation" is given). Needs root (uid 36).
. "$TESTS_DIR/lib.sh"
need_root "the oVirt upload runs the engine as uid 36"
[ "$(sysctl -n fs.protected_regular 2>/dev/null || echo 0)" != 0 ] \
    || echo "note: fs.protected_regular is 0 here: this host cannot show the defect"

chmod 755 "$SCRATCH"
chmod 1777 "$V2VW_LOG_DIR" "$V2VW_STATE_DIR"
cp "$TESTS_DIR/fake-engine" "$SCRATCH/fake-engine"
chmod 755 "$SCRATCH/fake-engine"
export V2VW_ENGINE="$SCRATCH/fake-engine" FAKE_ENGINE_SCENARIO=exit:0
touch "$SCRATCH/disk.img"
chmod 644 "$SCRATCH/disk.img"
input=$(jq -n --arg src "$SCRATCH/disk.img" \
    '{vm_name: "testvm", transport_method: "disk", source_path: $src,
      rhv_url: "https://admin@internal@127.0.0.1:1/ovirt-engine/api", rhv_password: "pw",
      rhv_cluster: "Default", rhv_storage: "data", rhv_cafile: "/dev/null",
      allocation: "sparse", daemonize: false}')
for i in 1 2 3; do
    run_wrapper "$input"
    check "run $i: the engine ran and succeeded (rc $RC)" test "$RC" = 0
    log=$(head -n 1 "$SCRATCH/stdout" | jq -r .wrapper_log)
    check "run $i: no error in the wrapper log" sh -c "! grep -F ':ERROR:' '$log' >&2"
    v2v=$(head -n 1 "$SCRATCH/stdout" | jq -r .v2v_log)
    check "run $i: the v2v log has the engine's output, owned by uid 36" \
        sh -c "grep -q 'Opening the source' '$v2v' && [ \$(stat -c %u '$v2v') = 36 ]"
done
finish
