# Shared by lab-start and lab-stop: where the OpenStack test lab keeps its
# state, and how its processes are found.  Sourced, not run.
#
# One lab per machine: the services listen on their fixed, well-known
# ports on 127.0.0.1, so two labs could not run side by side anyway.

export PATH=/usr/sbin:/usr/bin:/sbin:/bin
# The OpenStack modules live in Debian's python3 only.
PYTHON=/usr/bin/python3

LAB_STATE=${OSPLAB_STATE:-/var/tmp/v2vw-osplab}   # databases, configs, logs
LAB_RUN=${OSPLAB_RUN:-/run/v2vw-osplab}           # pids, env file, lock
LAB_ENV=$LAB_RUN/env
LAB_PIDS=$LAB_RUN/pids
LAB_LOGS=$LAB_STATE/log
LAB_LOCK=$LAB_RUN.lock

# Start order; lab-stop walks it backwards.
LAB_SERVICES="postgres rabbitmq keystone placement cinder-api cinder-scheduler
cinder-volume neutron-server nova-api nova-conductor nova-scheduler
nova-compute"

# Every TCP port a service of the lab listens on.
LAB_PORTS="5433 5673 4370 25673 5000 8778 8776 9696 8774"

lab_log() {
    printf 'osplab: %s\n' "$*" >&2
}

# Take the machine-wide lab lock (waits for another lab-start/lab-stop).
lab_lock() {
    mkdir -p "$(dirname "$LAB_LOCK")"
    exec 9> "$LAB_LOCK"
    if ! flock -w 1200 9; then
        lab_log "another lab-start or lab-stop held $LAB_LOCK for 20 minutes"
        exit 1
    fi
}

# The process group of a recorded service, or nothing.
lab_pid() {
    [ -s "$LAB_PIDS/$1" ] && cat "$LAB_PIDS/$1"
}

# True when any process of the recorded group of service $1 is alive.
lab_alive() {
    local pid
    pid=$(lab_pid "$1") || return 1
    kill -0 -- "-$pid" 2>/dev/null
}
