# SPDX-License-Identifier: Apache-2.0
# The ssh transport without "ssh_key" (what ManageIQ sends): the wrapper
# loads the conversion user's default keys (~/.ssh/id_ed25519 ...) into the
# agent with ssh-add and no argument, as that user. Here the conversion is
# an oVirt upload, so that user is vdsm (uid 36) with a real key pair in its
# home; a real sshd listens on loopback in a network namespace this test
# creates, and the engine (a script standing in for virt-v2v's ssh) lists
# the agent and must authenticate with ssh -o BatchMode=yes through it.
# Needs root (namespaces, sshd, uid 36) and openssh-server (install-deps).
. "$TESTS_DIR/lib.sh"
need_root "network and mount namespaces, sshd and the uid 36 conversion"
[ -x /usr/sbin/sshd ] || skip "openssh-server is not installed (scripts/install-deps installs it)"
command -v ssh-keygen >/dev/null && command -v ssh-add >/dev/null || skip "openssh-client is not installed"

if [ -z "${IN_NAMESPACE:-}" ]; then
    # A private network (loopback only) and a private view of /etc/passwd.
    IN_NAMESPACE=1 exec unshare --net --mount --propagation private bash "$0"
fi

ip link set lo up
chmod 755 "$SCRATCH"
chmod 1777 "$V2VW_LOG_DIR" "$V2VW_STATE_DIR"

# The conversion user: vdsm (36:36) with its home here. The password
# database is bind-mounted in this mount namespace only.
VDSM_HOME="$SCRATCH/vdsm-home"
mkdir -p "$VDSM_HOME/.ssh"
grep -v '^[^:]*:[^:]*:36:' /etc/passwd > "$SCRATCH/passwd"
echo "vdsm:x:36:36:test conversion user:$VDSM_HOME:/bin/sh" >> "$SCRATCH/passwd"
chmod 644 "$SCRATCH/passwd"
mount --bind "$SCRATCH/passwd" /etc/passwd
ssh-keygen -q -t ed25519 -N '' -C "vdsm test key" -f "$VDSM_HOME/.ssh/id_ed25519"
chown -R 36:36 "$VDSM_HOME"
chmod 700 "$VDSM_HOME" "$VDSM_HOME/.ssh"
check "the test user resolves to the test home" test "$(getent passwd 36 | cut -d: -f6)" = "$VDSM_HOME"

# The source host: sshd on 127.0.0.1 in this namespace, accepting that key.
mkdir -m 700 "$SCRATCH/sshd"
ssh-keygen -q -t ed25519 -N '' -f "$SCRATCH/sshd/host_key"
cp "$VDSM_HOME/.ssh/id_ed25519.pub" "$SCRATCH/sshd/authorized_keys"
chmod 600 "$SCRATCH/sshd/authorized_keys"
PORT=2222                       # the namespace is private: no other listener
# StrictModes off: the scratch directory is under the world-writable /tmp.
cat > "$SCRATCH/sshd/config" <<EOT
ListenAddress 127.0.0.1
Port $PORT
HostKey $SCRATCH/sshd/host_key
AuthorizedKeysFile $SCRATCH/sshd/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PidFile $SCRATCH/sshd/pid
EOT
mkdir -p /run/sshd
/usr/sbin/sshd -D -e -f "$SCRATCH/sshd/config" 2> "$SCRATCH/sshd/log" &
SSHD=$!
trap 'kill $SSHD 2>/dev/null' EXIT
wait_for sh -c "ss -ltn | grep -q '127.0.0.1:$PORT '" || { cat "$SCRATCH/sshd/log"; fail "sshd did not start"; finish; exit 1; }

# The engine: capabilities and version from the fake engine; a conversion
# run lists the agent and logs in to the source host like virt-v2v's ssh.
mkdir -m 1777 "$SCRATCH/rec"
cp "$TESTS_DIR/fake-engine" "$SCRATCH/fake-engine"
cat > "$SCRATCH/engine" <<EOT
#!/bin/bash
if [ "\$#" -eq 1 ]; then exec "$SCRATCH/fake-engine" "\$@"; fi
id -u > "$SCRATCH/rec/uid"
echo "\${SSH_AUTH_SOCK:-unset}" > "$SCRATCH/rec/sock"
ssh-add -l > "$SCRATCH/rec/agent" 2>&1
ssh -o BatchMode=yes -o IdentitiesOnly=no -o IdentityFile=/nonexistent -o StrictHostKeyChecking=no \\
    -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -p $PORT root@127.0.0.1 'echo logged-in' \\
    > "$SCRATCH/rec/ssh" 2>&1
EOT
chmod 755 "$SCRATCH/engine" "$SCRATCH/fake-engine"
export V2VW_ENGINE="$SCRATCH/engine"

input=$(jq -n '{vm_name: "ssh://root@127.0.0.1/vmfs/volumes/datastore1/vm1/vm1.vmx",
    transport_method: "ssh",
    rhv_url: "https://admin@internal@127.0.0.1:1/ovirt-engine/api", rhv_password: "pw",
    rhv_cluster: "Default", rhv_storage: "data", rhv_cafile: "/dev/null",
    allocation: "sparse", daemonize: false}')
run_wrapper "$input"
check "the conversion succeeded (rc $RC: $ERR)" test "$RC" = 0
check "the engine ran as vdsm" test "$(cat "$SCRATCH/rec/uid" 2>/dev/null)" = 36
check "the engine had an agent socket" sh -c "! grep -qx unset '$SCRATCH/rec/sock'"
check "the agent holds the default key ($(cat "$SCRATCH/rec/agent" 2>/dev/null))" \
    grep -q 'vdsm test key (ED25519)' "$SCRATCH/rec/agent"
check "ssh authenticated through the agent ($(cat "$SCRATCH/rec/ssh" 2>/dev/null))" \
    grep -qx logged-in "$SCRATCH/rec/ssh"
state=$(head -n 1 "$SCRATCH/stdout" | jq -r .state_file)
check "the state is finished, not failed" test "$(jq -c '[.finished, .failed]' "$state")" = '[true,false]'
log=$(head -n 1 "$SCRATCH/stdout" | jq -r .wrapper_log)
check "the wrapper log says the default keys were loaded" grep -q 'default ssh keys of uid 36' "$log"
# This conversion's agent is the one serving the socket the engine was given
# (a path in its private run directory); run here, not under sh -c, whose
# own argv would match.
no_agent_on_socket() { ! pgrep -f "^/usr/bin/ssh-agent -D -a $(cat "$SCRATCH/rec/sock")\$" >/dev/null; }
check "the engine's agent socket was recorded" grep -q "/agent/sock\$" "$SCRATCH/rec/sock"
check "the agent is gone afterwards" no_agent_on_socket
finish
