# One wrapper drives every engine generation: the arguments whose spelling
# changed are chosen from the engine's --version and capabilities. The fake
# engine advertises each version and refuses what that version removed, as
# the real one does (2.0: --no-copy/--debug-overlays, 2.2: -o json, 2.8:
# --password-file, replaced by -ip); rhv-upload and -oo rhv-* stay aliases.
. "$TESTS_DIR/lib.sh"
export FAKE_ENGINE_RECORD="$SCRATCH/record"
export FAKE_ENGINE_SCENARIO=exit:0      # argv and exit status are what matter here
touch "$SCRATCH/disk.img"
FP=01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67
VDDK=$(input_local 'del(.source_path) | .transport_method = "vddk" | .vmware_uri = "esx://root@esx.example.com?no_verify=1"
    | .vmware_password = "pw1" | .vmware_fingerprint = "'$FP'" | .daemonize = false')
LIBVIRT=$(input_local 'del(.source_path) | .transport_method = "libvirt" | .source_uri = "xen+ssh://root@xen.example.com"
    | .source_password = "pw2" | .daemonize = false')
MAC=$(input_local '.daemonize = false | .network_mappings = [{"source": "a", "destination": "br0", "mac_address": "52:54:00:01:02:03"}]')

# version | the password option it takes
for v in "1.42.0:--password-file" "2.2.0:--password-file" "2.5.6rhel=9,release=4.el9:--password-file" \
         "2.7.1:--password-file" "2.8.1:-ip" "2.10.0:-ip" "3.0.0:-ip"; do
    version=${v%%:*} want=${v##*:}
    for input in VDDK LIBVIRT; do
        FAKE_ENGINE_VERSION=$version run_wrapper "${!input}"
        check "$version, $input: the conversion succeeds (rc $RC)" test "$RC" = 0
        pwopt=$(grep -B1 -E '^arg=.*/(vmware|source)-password$' "$FAKE_ENGINE_RECORD" | head -n 1)
        check "$version, $input: the password file follows $want (got '$pwopt')" test "$pwopt" = "arg=$want"
        check "$version, $input: no removed option" sh -c "! grep -Eqx 'arg=(--no-copy|--debug-overlays|json)' '$FAKE_ENGINE_RECORD'"
    done
    log=$(ls -t "$V2VW_LOG_DIR"/*-wrapper.log | head -n 1)
    check "$version: the wrapper log names the engine version" grep -q "Engine version ${version%%.*}\." "$log"
    # --mac is a capability, in every version that lists mac-option.
    FAKE_ENGINE_VERSION=$version run_wrapper "$MAC"
    check "$version: --mac from the capability list" grep -qx 'arg=--mac' "$FAKE_ENGINE_RECORD"
done

# An engine whose --version says nothing useful: 2.x by its capabilities
# (virt-v2v-2.0), else the long spelling every 1.x and 2.x up to 2.7 knows.
FAKE_ENGINE_VERSION=garbage run_wrapper "$VDDK"
check "unknown version, no 2.x capability: --password-file" grep -qx 'arg=--password-file' "$FAKE_ENGINE_RECORD"

# The probes (--version, --machine-readable) run with default signals: not
# the wrapper's ignored SIGPIPE nor its blocked event-loop signals.
cat > "$SCRATCH/probe-engine" <<EOT
#!/bin/bash
if [ "\$#" -eq 1 ]; then grep -E '^Sig(Blk|Ign):' /proc/self/status > "$SCRATCH/probe-\${1#--}"; fi
exec "$TESTS_DIR/fake-engine" "\$@"
EOT
chmod 755 "$SCRATCH/probe-engine"
V2VW_ENGINE="$SCRATCH/probe-engine" run_wrapper "$MAC"
check "probe: ran (rc $RC)" test -s "$SCRATCH/probe-machine-readable"
check "probe: nothing blocked ($(tr '\n' ' ' < "$SCRATCH/probe-machine-readable"))" \
    grep -qx 'SigBlk:[[:space:]]*0*' "$SCRATCH/probe-machine-readable"
check "probe: SIGPIPE not ignored" sh -c "[ \$(( 0x\$(sed -n 's/^SigIgn:[[:space:]]*//p' '$SCRATCH/probe-machine-readable') & 0x1000 )) = 0 ]"
finish
