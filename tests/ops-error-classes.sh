# last_message.class and .hint for each class of the vocabulary, from real
# virt-v2v 2.2 transcripts where we have them (fixtures no-os, tests/data
# v2v-2.2-*), else from fake-engine output made of the engine's own
# message strings (virt-v2v, nbdkit plugins, libvirt, the oVirt SDK).
. "$TESTS_DIR/lib.sh"
touch "$SCRATCH/disk.img"
FIX="$SHARED_DIR/fixtures/virt-v2v-2.2"
DATA="$TESTS_DIR/data"

# expect_class WHAT REPLAY_DIR CLASS
expect_class() {
    FAKE_ENGINE_SCENARIO="replay:$2" run_wrapper "$(input_local '.daemonize = false')"
    local st got hint
    st=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
    got=$(jq -r '.last_message.class' "$st")
    hint=$(jq -r '.last_message.hint // ""' "$st")
    if [ "$got" = "$3" ]; then pass; else fail "$1: class $got, want $3 ($(jq -c .last_message "$st"))"; fi
    if [ "$3" = unknown ] || [ -n "$hint" ]; then pass; else fail "$1: no hint"; fi
    case "$hint" in *"
"*) fail "$1: hint is more than one line" ;; esac
}

# synthetic NAME V2V_LOG_LINE MR_ERROR: a replay dir failing with that error.
synthetic() {
    local d="$SCRATCH/syn-$1"
    mkdir -p "$d"
    printf '[   0.0] Setting up the source: -i libvirt\n%s\nvirt-v2v: error: %s\n' "$2" "$3" > "$d/v2v.log"
    jq -cn --arg m "$3" '{message: $m, timestamp: "2026-11-22T10:00:00+00:00", type: "error"}' > "$d/mr.log"
    echo 1 > "$d/exit-status"
    echo "$d"
}

# Real transcripts.
expect_class "no-os (real)" "$FIX/no-os" no-root-filesystem
expect_class "nbdcopy ENOSPC (real)" "$DATA/v2v-2.2-nbdcopy-enospc" no-space
expect_class "tmpdir free space check (real)" "$DATA/v2v-2.2-tmpdir-space" no-space
expect_class "LUKS wrong key (real)" "$DATA/v2v-2.2-luks-wrong-key" luks-key
mkdir "$SCRATCH/luks"; cp "$DATA/v2v-2.2-luks-no-key/"* "$SCRATCH/luks/"
sed -i 's|^virt-v2v: could not read key|/usr/bin/virt-v2v: could not read key|' "$SCRATCH/luks/v2v.log"
expect_class "LUKS no key (real, full engine path)" "$SCRATCH/luks" luks-key

# The engine's own strings.
expect_class "hibernated Windows" "$(synthetic hib '' 'unable to mount the disk image for writing. This has probably happened because Windows Hibernation or Fast Restart is being used in this guest. You have to disable this (in the guest) in order to use virt-v2v.')" hibernated-windows
expect_class "libvirt source auth" "$(synthetic auth "libvirt: XML-RPC error : authentication failed: Failed to start SASL negotiation" 'internal error: invalid argument: libvirt: authentication failed: Failed to start SASL negotiation')" source-auth
expect_class "nbdkit-ssh source auth" "$(synthetic sshauth 'nbdkit: ssh[1]: error: public key authentication failed: Access denied' 'nbdkit-ssh-plugin: public key authentication failed: Access denied')" source-auth
expect_class "libvirt unreachable" "$(synthetic unreach '' "libvirt: unable to connect to server at 'esx.example.com:443': Connection refused")" source-unreachable
expect_class "nbdkit-ssh unreachable" "$(synthetic sshunreach 'nbdkit: ssh[1]: error: failed to connect to remote host: esx.example.com: No route to host' 'nbdkit command failed, see earlier error messages')" source-unreachable
expect_class "vddk thumbprint" "$(synthetic thumb '' 'You must pass the -io vddk-thumbprint option with the SSL thumbprint of the VMware server.  To find the thumbprint, see the nbdkit-vddk-plugin(1) manual.  See also the virt-v2v-input-vmware(1) manual.')" tls-thumbprint
expect_class "oVirt output auth" "$(synthetic ovauth "ovirtsdk4.AuthError: Error during SSO authentication access_denied : Cannot authenticate user 'admin@internal': The username or password is incorrect." 'failed server prechecks, see earlier errors')" output-auth
expect_class "rhv-upload transfer timeout" "$(synthetic tmo 'RuntimeError: timed out waiting for transfer 1f0e to finalize, transfer is finalizing_success' 'failed to finalize the transfers, see earlier errors')" timeout
expect_class "internal error" "$(synthetic internal '' 'inspection of the package database failed for this Linux guest.  Rerun virt-v2v with -v -x and see earlier errors.  This is an internal error which probably means that this guest is not supported by libguestfs inspection.')" internal
expect_class "no message at all" "$(synthetic none '' '')" unknown

# killed: the engine dies of SIGKILL.
cat > "$SCRATCH/killed-engine" <<EOS
#!/bin/bash
[ "\$*" = --machine-readable ] && exec "$TESTS_DIR/fake-engine" "\$@"
kill -KILL \$\$
EOS
chmod +x "$SCRATCH/killed-engine"
V2VW_ENGINE="$SCRATCH/killed-engine" run_wrapper "$(input_local '.daemonize = false')"
st=$(head -1 "$SCRATCH/stdout" | jq -r .state_file)
check "killed: class" test "$(jq -r .last_message.class "$st")" = killed
check "killed: hint" test -n "$(jq -r '.last_message.hint // ""' "$st")"

# cancelled: SIGTERM to the wrapper.
FAKE_ENGINE_SCENARIO=slow FAKE_ENGINE_DELAY=1 run_wrapper "$(input_local)"
st=$(jq -r .state_file "$SCRATCH/stdout")
wait_for sh -c "jq -e '.started and .wrapper_pid' '$st' >/dev/null 2>&1"
kill -TERM "$(jq -r .wrapper_pid "$st")"
wait_finished "$st" 60
check "cancelled: class" test "$(jq -r .last_message.class "$st")" = cancelled
check "cancelled: hint" test -n "$(jq -r '.last_message.hint // ""' "$st")"
finish
