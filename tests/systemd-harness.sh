#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A real systemd, booted as PID 1 of private namespaces, for tests that need
# a systemd manager (the systemd runner, the wrapper under systemd).
#
# Use it sourced:
#     . "$TESTS_DIR/systemd-harness.sh"
#     harness_start            # boots; sets HARNESS_PID, HARNESS_DIR; EXIT trap tears down
#     harness_exec CMD ARGS... # runs CMD inside the booted system
#     harness_stop             # also done by the EXIT trap, even on failure
# or as a command:  systemd-harness.sh start|stop|exec  (state in $HARNESS_STATE,
# default /run/v2vw-harness.env), e.g. for the benchmark or by hand.
#
# Isolation (so the booted systemd cannot touch the host):
#   - pid, mount, uts, ipc and cgroup namespaces (unshare); env container=other
#     tells systemd it is a container: no udev, no hostname/console setup.
#   - all mounts made private first, then private tmpfs on /tmp, /run and
#     /run/lock: systemd cannot empty the host's /tmp. Directories the test
#     needs from the host's /tmp (its scratch dir) are bind-mounted back at the
#     same path through an fd opened before /tmp was covered.
#   - a generated /etc/systemd/system is bind-mounted over the host's: the
#     host's enabled services are gone, default.target is a harness target
#     that only wants dbus, and everything sysinit/basic/sockets/timers would
#     pull in (tmpfiles, udev, journald, logind, getty, sysctl, fstab mounts,
#     remount-fs, network, ...) is masked. Transient units have the default
#     dependencies on sysinit.target and basic.target, so these masks matter.
#   - D-Bus: dbus.socket + dbus.service (Debian's units with
#     DefaultDependencies=no added by a drop-in): the wrapper reaches systemd
#     over the system bus exactly as on a real host.
#
# Cgroups (what works on this machine, recorded as the brief asked):
#   The host here runs the "hybrid" layout: v1 hierarchies at
#   /sys/fs/cgroup/{cpu,cpuacct,...,systemd} and cgroup2 at
#   /sys/fs/cgroup/unified, with every controller bound to v1. A private
#   cgroup2-only mount would boot, but systemd would then find no cpu
#   controller and CPUQuota would silently do nothing. What works: create
#   a harness cgroup "v2vw-harness-N" in EVERY host hierarchy, move the
#   booting process into them, unshare --cgroup (those cgroups become the
#   namespace's root), and inside mount a fresh tmpfs on /sys/fs/cgroup with
#   each hierarchy mounted again with the same options: the new mounts are
#   rooted at the harness cgroups, so systemd sees a clean hybrid layout it
#   owns completely, its init.scope/system.slice land below
#   v2vw-harness-N on the host, and CPUQuota lands in the v1 cpu controller
#   (cpu.cfs_quota_us). On a cgroup2-only host (the usual Debian 12) the same
#   code mounts cgroup2 on /sys/fs/cgroup; the harness cgroup gets the
#   controllers its parent offers. Teardown kills the namespace's PID 1 (the
#   kernel then kills the whole pid namespace) and removes the harness
#   cgroups depth first.

HARNESS_BOOT_TIMEOUT=${HARNESS_BOOT_TIMEOUT:-120}
# HARNESS_SHARE: extra host directories (e.g. a test's scratch dir under
# /tmp) to see at the same path inside; set it before harness_start.

harness_log() { echo "harness: $*" >&2; }

# The cgroup hierarchies to hand to systemd: "TYPE HOST-MOUNTPOINT
# NAMESPACE-MOUNTPOINT OPTIONS" lines. Normally the host's layout as it is;
# HARNESS_CGROUP=unified boots systemd on cgroup2 alone (a hybrid host's
# /sys/fs/cgroup/unified mounted on /sys/fs/cgroup), to try the layout of a
# cgroup2-only host on a hybrid one (no cpu controller there, though).
harness_cgroup_mounts() {
    if [ "${HARNESS_CGROUP:-}" = unified ]; then
        awk '$3 == "cgroup2" && $2 ~ "^/sys/fs/cgroup" { print $3, $2, "/sys/fs/cgroup", $4; exit }' /proc/self/mounts
    else
        awk '($3 == "cgroup" || $3 == "cgroup2") && $2 ~ "^/sys/fs/cgroup" { print $3, $2, $2, $4 }' /proc/self/mounts
    fi
}

harness_units() {
    local etc=$1 u
    mkdir -p "$etc/dbus.service.d" "$etc/dbus.socket.d"
    cat >"$etc/v2vw-harness.target" <<'EOF'
[Unit]
Description=virt-v2v-wrapper test harness
Wants=dbus.socket dbus.service
After=dbus.socket dbus.service
AllowIsolate=yes
EOF
    ln -s v2vw-harness.target "$etc/default.target"
    printf '[Unit]\nDefaultDependencies=no\n' >"$etc/dbus.service.d/harness.conf"
    printf '[Unit]\nDefaultDependencies=no\n' >"$etc/dbus.socket.d/harness.conf"
    # Everything the default dependencies of a service would start.
    local wanted=() f
    for f in /lib/systemd/system/{sysinit,sockets,timers,multi-user,getty}.target.wants/*; do
        [ -e "$f" ] || [ -L "$f" ] || continue
        case ${f##*/} in dbus.*) ;; *) wanted+=("${f##*/}") ;; esac
    done
    for u in "${wanted[@]}" \
             systemd-journald.service systemd-journald.socket systemd-journald-dev-log.socket \
             systemd-journald-audit.socket systemd-journal-flush.service \
             systemd-udevd.service systemd-udevd-control.socket systemd-udevd-kernel.socket \
             systemd-udev-trigger.service systemd-udev-settle.service \
             systemd-tmpfiles-setup.service systemd-tmpfiles-setup-dev.service \
             systemd-tmpfiles-clean.service systemd-tmpfiles-clean.timer \
             systemd-logind.service getty.target console-getty.service getty@.service \
             serial-getty@.service systemd-remount-fs.service systemd-fsck-root.service \
             remote-fs.target remote-fs-pre.target network.target network-online.target \
             systemd-networkd.service systemd-resolved.service systemd-timesyncd.service \
             networking.service swap.target cryptsetup.target veritysetup.target \
             integritysetup.target systemd-sysctl.service systemd-hwdb-update.service \
             systemd-update-done.service ldconfig.service; do
        [ -e "$etc/$u" ] || ln -s /dev/null "$etc/$u"
    done
}

# The prelude runs as PID 1 of the new namespaces and becomes systemd.
harness_prelude() {
    cat <<'EOF'
set -e
mount --make-rprivate /
# Keep the directories to share (open fds survive covering /tmp).
i=3; for d in $HARNESS_SHARE; do eval "exec $i<\"\$d\""; i=$((i+1)); done
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /tmp
mount -t tmpfs -o mode=755,nosuid,nodev tmpfs /run
mkdir -p /run/lock && mount -t tmpfs -o mode=1777,nosuid,nodev,noexec tmpfs /run/lock
i=3; for d in $HARNESS_SHARE; do
    # -c: do not canonicalize the source (that would resolve into the tmpfs).
    mkdir -p "$d" && mount -c --bind "/proc/self/fd/$i" "$d"; eval "exec $i<&-"; i=$((i+1))
done
mount --bind "$HARNESS_DIR/etc" /etc/systemd/system
# Cgroup hierarchies rooted at our cgroup namespace.
if ! grep -q " /sys/fs/cgroup " "$HARNESS_DIR/cgroup-mounts"; then
    mount -t tmpfs -o mode=755,nosuid,nodev,noexec tmpfs /sys/fs/cgroup
fi
while read -r type host dir opts; do
    mkdir -p "$dir"
    mount -t "$type" -o "$opts" "$type" "$dir"
done <"$HARNESS_DIR/cgroup-mounts"
exec env -i container=other PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    "$HARNESS_INIT" --log-target=console --show-status=no </dev/null >"$HARNESS_DIR/console" 2>&1
EOF
}

# The namespace's PID 1, seen from the host: the child of unshare.
harness_find_pid1() {
    local kids
    kids=$(cat "/proc/$1/task/$1/children" 2>/dev/null) || return 1
    set -- $kids
    [ -n "${1:-}" ] && echo "$1"
}

harness_start() {
    [ "$(id -u)" = 0 ] || { harness_log "needs root"; return 1; }
    local init
    for init in /usr/lib/systemd/systemd /lib/systemd/systemd /sbin/init; do
        [ -x "$init" ] && break
    done
    HARNESS_DIR=$(mktemp -d /tmp/v2vw-harness.XXXXXX)
    HARNESS_CG=v2vw-harness-$$-$RANDOM
    trap harness_stop EXIT
    mkdir "$HARNESS_DIR/etc"
    harness_units "$HARNESS_DIR/etc"
    harness_prelude >"$HARNESS_DIR/prelude.sh"
    harness_cgroup_mounts >"$HARNESS_DIR/cgroup-mounts"
    # A cgroup of our own in every hierarchy; on cgroup2, hand down the
    # controllers the parent offers so systemd can use them.
    local type dir
    while read -r type dir _; do
        # cgroup2: make the parent's controllers (cpu!) available to ours.
        if [ "$type" = cgroup2 ]; then
            for c in $(cat "$dir/cgroup.controllers"); do
                grep -qw "$c" "$dir/cgroup.subtree_control" ||
                    echo "+$c" >"$dir/cgroup.subtree_control" 2>/dev/null || true
            done
        fi
        mkdir "$dir/$HARNESS_CG"
        # v1 cpuset: a new cgroup has no cpus/mems until given its parent's.
        if [ -e "$dir/cpuset.cpus" ]; then
            cat "$dir/cpuset.cpus" >"$dir/$HARNESS_CG/cpuset.cpus"
            cat "$dir/cpuset.mems" >"$dir/$HARNESS_CG/cpuset.mems"
        fi
    done <"$HARNESS_DIR/cgroup-mounts"
    (
        while read -r type dir _; do
            echo "$BASHPID" >"$dir/$HARNESS_CG/cgroup.procs"
        done <"$HARNESS_DIR/cgroup-mounts"
        export HARNESS_DIR HARNESS_INIT=$init HARNESS_SHARE="$HARNESS_DIR ${HARNESS_SHARE:-}"
        exec setsid unshare --pid --fork --mount --mount-proc --uts --ipc --cgroup \
            bash "$HARNESS_DIR/prelude.sh" </dev/null >"$HARNESS_DIR/prelude.log" 2>&1
    ) &
    HARNESS_UNSHARE=$!
    echo "$HARNESS_UNSHARE" >"$HARNESS_DIR/unshare.pid"
    local deadline=$((SECONDS + HARNESS_BOOT_TIMEOUT)) state=""
    HARNESS_PID=""
    while [ $SECONDS -lt $deadline ]; do
        [ -n "$HARNESS_PID" ] || HARNESS_PID=$(harness_find_pid1 "$HARNESS_UNSHARE") || true
        if ! kill -0 "$HARNESS_UNSHARE" 2>/dev/null; then
            harness_log "the namespace exited during boot:"; cat "$HARNESS_DIR/prelude.log" \
                "$HARNESS_DIR/console" >&2 2>/dev/null; return 1
        fi
        if [ -n "$HARNESS_PID" ] && [ "$(readlink "/proc/$HARNESS_PID/exe")" != /usr/bin/bash ]; then
            state=$(harness_exec systemctl is-system-running 2>/dev/null) || true
            case $state in running|degraded) break ;; esac
        fi
        sleep 0.2
    done
    echo "$HARNESS_PID" >"$HARNESS_DIR/pid1"
    case $state in
        running|degraded) harness_log "systemd booted as PID $HARNESS_PID ($state) in $((SECONDS))s" ;;
        *) harness_log "systemd did not boot in ${HARNESS_BOOT_TIMEOUT}s (state '$state'):"
           cat "$HARNESS_DIR/console" >&2; return 1 ;;
    esac
}

# Run a command inside the booted system (its mounts, pids, cgroups).
harness_exec() {
    nsenter -t "$HARNESS_PID" -m -p -C -u -i -- "$@"
}

harness_rmdir_cgroup() {
    local d=$1
    [ -d "$d" ] || return 0
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        find "$d" -depth -type d -exec rmdir {} + 2>/dev/null && return 0
        sleep 0.1
    done
    harness_log "could not remove cgroup $d"
}

harness_stop() {
    local rc=$? type dir
    trap - EXIT
    [ -n "${HARNESS_DIR:-}" ] || return $rc
    if [ -n "${HARNESS_PID:-}" ]; then
        kill -KILL "$HARNESS_PID" 2>/dev/null || true
    fi
    if [ -n "${HARNESS_UNSHARE:-}" ]; then
        kill -KILL "$HARNESS_UNSHARE" 2>/dev/null || true
        wait "$HARNESS_UNSHARE" 2>/dev/null || true
    fi
    while read -r type dir _; do
        harness_rmdir_cgroup "$dir/$HARNESS_CG" || true
    done <"$HARNESS_DIR/cgroup-mounts"
    rm -rf "$HARNESS_DIR"
    HARNESS_DIR=""
    return $rc
}

# Command form: start|stop|exec, the state kept in $HARNESS_STATE.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -u
    HARNESS_STATE=${HARNESS_STATE:-/run/v2vw-harness.env}
    # shellcheck disable=SC1090
    case ${1:-} in
        start)
            harness_start || exit 1
            trap - EXIT
            declare -p HARNESS_DIR HARNESS_PID HARNESS_CG HARNESS_UNSHARE >"$HARNESS_STATE"
            echo "$HARNESS_PID" ;;
        stop) . "$HARNESS_STATE" && harness_stop; rm -f "$HARNESS_STATE" ;;
        exec) shift; . "$HARNESS_STATE" && harness_exec "$@" ;;
        *) echo "usage: $0 start|stop|exec CMD..." >&2; exit 2 ;;
    esac
fi
