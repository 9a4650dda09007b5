# SPDX-License-Identifier: Apache-2.0
# Shared by the hostile-neighbour tests (sourced after lib.sh): an
# unprivileged local user made for the test (removed at exit), the kernel's
# link/FIFO protections switched off and on around each case (the host's
# values restored right after, also on failure), and the wrapper's default
# layout: no V2VW_STATE_DIR, so state and throttling files live in the
# private run directory under V2VW_RUN_DIR (a scratch copy of
# /run/virt-v2v-wrapper); the conversion index (by default beside the
# state files when V2VW_STATE_DIR is set, else in /run) in the scratch
# directory too, so that no test leaves links in the host's /run.
need_root "the wrapper runs as root and the attacker is another local user"
command -v setpriv >/dev/null || skip "setpriv (util-linux) is not installed"

unset V2VW_STATE_DIR
export V2VW_RUN_DIR=$SCRATCH/run V2VW_INDEX_DIR=$SCRATCH/index
chmod 755 "$SCRATCH"
chmod 1777 "$SCRATCH/out"

HOSTILE_USER=v2vwh$$
useradd -M -N -d /nonexistent -s /usr/sbin/nologin "$HOSTILE_USER" >/dev/null 2>&1 \
    || { echo "FAIL: cannot create the user $HOSTILE_USER"; exit 1; }
HUID=$(id -u "$HOSTILE_USER")
HGID=$(id -g "$HOSTILE_USER")
PROTECTIONS="fs.protected_symlinks fs.protected_regular fs.protected_fifos"
declare -A HOST_PROTECTION
for p in $PROTECTIONS; do HOST_PROTECTION[$p]=$(sysctl -n "$p"); done

protections_restore() {
    for p in $PROTECTIONS; do sysctl -qw "$p=${HOST_PROTECTION[$p]}"; done
}
hostile_cleanup() {
    protections_restore
    pkill -KILL -u "$HUID" 2>/dev/null
    userdel "$HOSTILE_USER" >/dev/null 2>&1
}
trap hostile_cleanup EXIT

# protections off|on
protections() {
    local v=0 p
    [ "$1" = on ] && v=1
    for p in $PROTECTIONS; do
        if [ "$p" = fs.protected_symlinks ]; then sysctl -qw "$p=$v"; else sysctl -qw "$p=$((v * 2))"; fi
    done
}

# as_user COMMAND...: run as the unprivileged user.
as_user() { setpriv --reuid="$HUID" --regid="$HGID" --clear-groups -- "$@"; }
# as_vdsm COMMAND...: run as uid/gid 36 (the oVirt upload's conversion user).
as_vdsm() { setpriv --reuid=36 --regid=36 --clear-groups -- "$@"; }

# both_ways CASE: run the shell function CASE with the protections off, then
# on; the host's values come back between and after.
both_ways() {
    local mode
    for mode in off on; do
        protections "$mode"
        "$1" "$mode"
        protections_restore
        rm -rf "${V2VW_RUN_DIR:?}" "${V2VW_LOG_DIR:-$SCRATCH/log}"/* "$SCRATCH"/out/*
    done
}

# denied COMMAND...: the unprivileged user cannot do it.
denied() { ! as_user "$@" 2>/dev/null; }
# The run directories of this test (a sorted list).
run_dirs() { ls -d "$V2VW_RUN_DIR"/v2v-import-* 2>/dev/null; }
# No secret directory, agent or lock of a finished or collected conversion.
nothing_secret_left() {
    [ -z "$(find "$V2VW_RUN_DIR" \( -name secrets -o -name agent -o -name agent.pid \) 2>/dev/null)" ]
}
# proc_id PID: "PID:START" (START: its start time in clock ticks since
# boot), which names one process for good even when the PID is reused.
proc_id() {
    local line
    read -r line 2>/dev/null < "/proc/$1/stat" || return 1
    set -- "$1" ${line##*) }
    echo "$1:${21}"
}
# proc_alive ID: the process named by a proc_id still runs (not a zombie).
proc_alive() {
    local line
    read -r line 2>/dev/null < "/proc/${1%%:*}/stat" || return 1
    set -- "$1" ${line##*) }
    [ "${1%%:*}:${21}" = "$1" ] && [ "$2" != Z ]
}

# start_with_known_pid INPUT_FILE: start the wrapper (in the background,
# stdout/stderr into $SCRATCH/stdout, stderr) under a PID known before it
# runs, so a test can plant what a neighbour would guess. Sets WPID; the
# wrapper waits until `release_wrapper`.
start_with_known_pid() {
    rm -f "$SCRATCH/pid" "$SCRATCH/go"
    sh -c 'echo $$ > "$1"; while [ ! -e "$2" ]; do sleep 0.02; done; exec "$3" < "$4"' _ \
        "$SCRATCH/pid" "$SCRATCH/go" "$WRAPPER" "$1" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr" &
    WSHELL=$!
    wait_for test -s "$SCRATCH/pid"
    WPID=$(cat "$SCRATCH/pid")
}
release_wrapper() { touch "$SCRATCH/go"; }
# The wrapper's TAGs for this second and the next few: STAMP-PID.
guessed_tags() { # PID
    local s now
    now=$(date +%s)
    for s in -1 0 1 2 3 4 5 6; do echo "$(date -d "@$((now + s))" +%Y%m%dT%H%M%S)-$1"; done
}

# ssh_input_with_key: an ssh conversion input (local output) carrying a
# fresh private key, on stdout; the agent then holds that key.
ssh_input_with_key() {
    command -v ssh-keygen >/dev/null || skip "ssh-keygen (openssh-client) is not installed"
    ssh-keygen -q -t ed25519 -N '' -C hostile-test -f "$SCRATCH/id" >/dev/null
    jq -Rs --arg vm "ssh://root@esx.example.com/vmfs/volumes/datastore1/vm/vm.vmx" --arg out "$SCRATCH/out" \
        '{vm_name: $vm, transport_method: "ssh", ssh_key: ., local_storage: $out}' < "$SCRATCH/id"
}
