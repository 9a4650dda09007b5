# SPDX-License-Identifier: Apache-2.0
# Shared by the OpenStack output's lab tests (sourced after lib.sh): the
# real OpenStack lab (tests/openstack/lab-start, fixture openstack-lab),
# the fault proxy in front of it, ManageIQ's input shapes, a conversion
# run with the password looked for in every process's argv meanwhile.
#
# The engine is tests/openstack/fake-engine-openstack: it does against the
# real services what `virt-v2v -o openstack` does (volumes with the
# properties, attached to the appliance, detached at the end), but copies
# no data: the lab's Cinder test driver has no data path, so the real
# virt-v2v cannot write into these volumes here.
need_root "the OpenStack lab runs services as root and the output runs the engine as root"
LAB_ENV_FILE=${OSPLAB_ENV:-/run/v2vw-osplab/env}
[ -s "$LAB_ENV_FILE" ] || skip "no OpenStack lab runs ($LAB_ENV_FILE missing; the openstack-lab fixture starts it)"
. "$LAB_ENV_FILE"
CHECK_PY=$TESTS_DIR/openstack-check.py
# A user of our own with a password nothing else on the machine uses, so a
# password in any process's argv can only come from this conversion.
OSP_USER=v2vw-test-$$
PASSWORD=pw-$(cat /proc/sys/kernel/random/uuid)
(umask 077; printf '%s\n' "$PASSWORD" > "$SCRATCH/password")
export V2VW_ENGINE=$TESTS_DIR/openstack/fake-engine-openstack
export FAKE_ENGINE_RECORD=$SCRATCH/engine-record.json
export V2VW_OSP_POLL_INTERVAL=0.3
trap '"$CHECK_PY" drop-user "$OSP_USER"' EXIT
VOLUME_TYPE_ID=$(PW=$PASSWORD "$CHECK_PY" prepare "$OSP_USER") || { echo "FAIL: cannot prepare the lab"; exit 1; }

# The fault proxy, empty scenario: every call reaches the real services.
: > "$SCRATCH/scenario.json"
"$TESTS_DIR/openstack/fault-proxy" --auth-url "$OSPLAB_AUTH_URL" --env-out "$SCRATCH/proxy.env" \
    --scenario "$SCRATCH/scenario.json" --record "$SCRATCH/record.jsonl" --arrivals "$SCRATCH/arrivals.jsonl" \
    2> "$SCRATCH/proxy.log" &
PROXY_PID=$!
trap 'kill $PROXY_PID 2>/dev/null; wait $PROXY_PID 2>/dev/null; "$CHECK_PY" drop-user "$OSP_USER"' EXIT
wait_for test -s "$SCRATCH/proxy.env" || { echo "FAIL: the fault proxy did not start: $(cat "$SCRATCH/proxy.log")"; exit 1; }
. "$SCRATCH/proxy.env"
AUTH_URL=$FAULT_PROXY_AUTH_URL

# scenario RULE...: the proxy's rules from now on (JSON objects).
scenario() {
    local IFS=,
    printf '{"rules": [%s]}\n' "$*" > "$SCRATCH/scenario.json.tmp"
    sleep 0.02
    mv "$SCRATCH/scenario.json.tmp" "$SCRATCH/scenario.json"
}

# What reached the proxy, from its arrivals (every request the moment it
# arrives, answered or not) and its record (once answered; a connection
# closed without an answer has status 0). METHOD and a regular expression
# searched in the path with its query select the requests.
# requests METHOD PATH-RE: how many arrived.
requests() {
    [ -s "$SCRATCH/arrivals.jsonl" ] || { echo 0; return; }
    jq -s --arg m "$1" --arg re "$2" '[.[] | select(.method == $m and (.path | test($re)))] | length' \
        "$SCRATCH/arrivals.jsonl"
}
# request_starts METHOD PATH-RE: when each arrived (epoch seconds), a line each.
request_starts() {
    [ -s "$SCRATCH/arrivals.jsonl" ] || return 0
    jq -r --arg m "$1" --arg re "$2" 'select(.method == $m and (.path | test($re))) | .start' \
        "$SCRATCH/arrivals.jsonl"
}
# gaps METHOD PATH-RE: the seconds between one's arrival and the next ("1.0 2.0").
gaps() {
    request_starts "$1" "$2" | awk 'NR > 1 { printf "%s%.1f", sep, $1 - prev; sep = " " } { prev = $1 } END { print "" }'
}
# gaps_are WANT GOT: as many gaps, each at least the wanted one, and less
# than half as long again plus a second (a loaded machine) ("1 2 4" "1.0 2.1 4.0").
gaps_are() {
    awk -v w="$1" -v g="$2" 'BEGIN { n = split(w, W); if (split(g, G) != n) exit 1
        for (i = 1; i <= n; i++) if (G[i] < W[i] - 0.1 || G[i] >= W[i] * 1.5 + 1) exit 1 }'
}
# answers METHOD PATH-RE: the statuses they were answered with, in order ("503 503 200").
answers() {
    [ -s "$SCRATCH/record.jsonl" ] || return 0
    jq -s -r --arg m "$1" --arg re "$2" \
        'map(select(.method == $m and (.path | test($re)))) | sort_by(.start) | map(.status | tostring) | join(" ")' \
        "$SCRATCH/record.jsonl"
}
# wait_request METHOD PATH-RE [SECONDS]: until one such request is in flight
# or was answered (default 120 s).
wait_request() {
    local i=0 limit=$(( ${3:-120} * 20 ))
    while [ "$(requests "$1" "$2")" = 0 ]; do
        [ $i -lt $limit ] || return 1
        sleep 0.05
        i=$((i + 1))
    done
}
# wait_status REGEX [SECONDS]: until the state's status matches (default 120 s).
wait_status() {
    local i=0 limit=$(( ${2:-120} * 20 ))
    until jq -e --arg re "$1" '(.status // "") | test($re)' "$STATE" > /dev/null 2>&1; do
        [ $i -lt $limit ] || return 1
        sleep 0.05
        i=$((i + 1))
    done
}
# elapsed FROM TO: seconds between two epoch times, 0.1 s precision.
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", b - a }'; }
# within LOW VALUE HIGH: LOW <= VALUE < HIGH (decimals).
within() { awk -v l="$1" -v v="$2" -v h="$3" 'BEGIN { exit !(l <= v && v < h) }'; }

# ManageIQ's conversion_options for an OpenStack destination, vddk.
# doc_vddk NAME GID [JQ-EDIT]
doc_vddk() {
    PW=$PASSWORD jq -n --arg name "$1" --arg gid "$2" --arg url "$AUTH_URL" \
        --arg user "$OSP_USER" --arg proj "$OSPLAB_ADMIN_PROJECT" \
        --arg dest "$OSPLAB_DEST_PROJECT_ID" --arg flavor "$OSPLAB_FLAVOR_ID" \
        --arg sg "$OSPLAB_SECURITY_GROUP_ID" --arg app "$OSPLAB_APPLIANCE_ID" \
        --arg vt "$VOLUME_TYPE_ID" --arg net "$OSPLAB_NETWORK_ID" '{
        vm_name: $name,
        transport_method: "vddk",
        vmware_fingerprint: "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67",
        vmware_uri: "vpx://administrator%40vsphere.local@vcenter.example.com/DC/Cluster/esx1?no_verify=1",
        vmware_password: "vmware-pw",
        osp_environment: {os_no_cache: true, os_auth_url: $url, os_identity_api_version: "3",
                          os_user_domain_name: "Default", os_username: $user, os_password: $ENV.PW,
                          os_project_name: $proj},
        osp_server_id: $app, osp_destination_project_id: $dest, osp_volume_type_id: $vt,
        osp_flavor_id: $flavor, osp_security_groups_ids: [$sg],
        osp_guest_id: $gid,
        source_disks: ["[datastore1] \($name)/\($name).vmdk"],
        network_mappings: [{source: "VM Network", destination: $net, mac_address: "52:54:00:aa:00:01",
                            ip_address: "192.0.2.21"}],
        install_drivers: true, insecure_connection: false}' | jq "${3:-.}"
}

# OWN_NIC: a jq edit for doc_vddk: the NIC gets a MAC of this run's own
# (from its PID) and an address from 192.0.2.100-199 (no other test uses
# them), so that tests of other trees using the lab at the same time do
# not meet Neutron's "MAC address in use" or "IP address already allocated".
OWN_NIC=$(printf '.network_mappings[0] |= (.mac_address = "52:54:01:%02x:%02x:%02x" | .ip_address = "192.0.2.%d")' \
    $(($$ >> 16 & 255)) $(($$ >> 8 & 255)) $(($$ & 255)) $((100 + $$ % 100)))

# The same for ssh (vm_name is the VMX file's ssh:// URL, a private key).
# doc_ssh NAME GID [JQ-EDIT]
doc_ssh() {
    [ -f "$SCRATCH/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$SCRATCH/id_ed25519"
    doc_vddk "$1" "$2" | jq --rawfile key "$SCRATCH/id_ed25519" --arg name "$1" '
        del(.vmware_fingerprint, .vmware_uri, .vmware_password)
        | .transport_method = "ssh" | .ssh_key = $key
        | .vm_name = "ssh://root@esx1.example.com/vmfs/volumes/datastore1/\($name)/\($name).vmx"' \
        | jq "${3:-.}"
}

# Look for the password in every process's argv until STOP exists.
sample_cmdlines() {
    PW=$PASSWORD python3 - "$1" "$2" <<'PY' &
import os, sys, time
pw, stop, out = os.environ["PW"].encode(), sys.argv[1], sys.argv[2]
samples = hits = 0
while not os.path.exists(stop):
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            with open("/proc/%s/cmdline" % pid, "rb") as f:
                cmd = f.read()
        except OSError:
            continue
        if pw in cmd:
            hits += 1
            with open(out, "a") as f:
                f.write("pid %s: %s\n" % (pid, cmd.split(b"\0")[0].decode(errors="replace")))
    samples += 1
    time.sleep(0.02)
with open(out, "a") as f:
    f.write("samples %d hits %d\n" % (samples, hits))
PY
    SAMPLER_PID=$!
}

# convert INPUT-JSON: run the wrapper (daemonized, as ManageIQ does), wait
# until the state is finished; STATE, WLOG, VLOG, T_START, T_END are set.
# Checks on the way: exit 0 with the paths, no password in any argv, log or
# state file.
convert() {
    rm -f "$SCRATCH/stop" "$SCRATCH/cmdline-hits" "$FAKE_ENGINE_RECORD"
    sample_cmdlines "$SCRATCH/stop" "$SCRATCH/cmdline-hits"
    T_START=$(date +%s.%N)
    printf '%s' "$1" > "$SCRATCH/input.json"
    "$WRAPPER" < "$SCRATCH/input.json" > "$SCRATCH/stdout" 2> "$SCRATCH/stderr"
    local rc=$?
    STATE=$(jq -r .state_file "$SCRATCH/stdout" 2>/dev/null)
    WLOG=$(jq -r .wrapper_log "$SCRATCH/stdout" 2>/dev/null)
    VLOG=$(jq -r .v2v_log "$SCRATCH/stdout" 2>/dev/null)
    if [ "$rc" != 0 ] || [ -z "$STATE" ]; then
        fail "wrapper exit $rc: $(cat "$SCRATCH/stderr")"
    else
        [ -n "${ON_STATUS:-}" ] && on_status "$ON_STATUS" "$ON_STATUS_DO"
        wait_finished "$STATE" 300 || fail "state never finished"
    fi
    T_END=$(date +%s.%N)
    : > "$SCRATCH/stop"
    wait "$SAMPLER_PID"
    check "password in no process argv ($(tail -1 "$SCRATCH/cmdline-hits"))" \
        grep -q ' hits 0$' "$SCRATCH/cmdline-hits"
    check "password in no log or state file" \
        sh -c '! grep -rqF -f "$1" "$2" "$3"' - "$SCRATCH/password" "$V2VW_LOG_DIR" "$V2VW_STATE_DIR"
    check "password not in the engine's argv" \
        sh -c "test ! -e '$FAKE_ENGINE_RECORD' || ! grep -q 'refused' '$FAKE_ENGINE_RECORD'"
}

# engine_volumes_unattached [N]: the fake engine makes N volumes (default:
# its own) and does not attach them to the appliance, for tests about what
# comes after the engine: the attaching plays no part there (engine-crash
# and the success tests cover it) and costs ~6 s a disk.
engine_volumes_unattached() {
    export FAKE_ENGINE_OSP_ATTACH=0
    [ -z "${1:-}" ] || export FAKE_ENGINE_DISKS="$1"
}

# on_status REGEX COMMAND: in the background, run COMMAND once the state's
# status matches REGEX (e.g. lift a fault when the cleanup starts).
on_status() {
    ( for _ in $(seq 1 30000); do
          jq -e --arg re "$1" '(.status // "") | test($re)' "$STATE" > /dev/null 2>&1 && { eval "$2"; exit 0; }
          sleep 0.01
      done ) &
}

state() { jq -c "$1" "$STATE"; }
leftovers() { "$CHECK_PY" leftovers "$1" "$2"; }
# nothing_left GID NAME: no volume, port, server or transfer of the conversion.
nothing_left() {
    local l
    l=$(leftovers "$1" "$2")
    [ "$(jq '[.volumes, .ports, .servers, .transfers] | map(length) | add' <<< "$l")" = 0 ] ||
        { echo "left in OpenStack: $l" >&2; return 1; }
}
purge() { "$CHECK_PY" purge "$1" "$2"; }
uuid() { cat /proc/sys/kernel/random/uuid; }

# kinds FIELD: the sorted kinds of the state's list FIELD (".resources",
# ".cleanup.removed").
kinds() { state "[$1[]?.kind] | sort"; }

# expect_failed STEP-SENTENCE-REGEX REMOVED-KINDS(json, sorted): a
# post-conversion step failed after a good engine: the state is failed and
# finished with the step's sentence, exactly the resources the wrapper
# recorded (and still existing) are removed, nothing is left in OpenStack.
expect_failed() {
    check "finished, failed, engine exit 0" test "$(state '[.finished, .failed, .return_code]')" = '[true,true,0]'
    check "message names the step ($(state .last_message.message))" \
        jq -e --arg re "$1" '.last_message.message | test($re)' "$STATE" > /dev/null
    check "removed $2 ($(state .cleanup))" test "$(kinds .cleanup.removed)" = "$2"
    check "every removed one was recorded as created" \
        jq -e '[.cleanup.removed[] | [.kind, .id]] - [.resources[] | [.kind, .id]] == []' "$STATE" > /dev/null
    check "nothing left over ($(state .cleanup.left))" test "$(state '.cleanup.left')" = '[]'
    check "no vm_id" test "$(state .vm_id)" = null
    check "status says cleaned up" test "$(state .status)" = '"cleaned up"'
    check "nothing left in OpenStack" nothing_left "$GID" "$NAME"
}
