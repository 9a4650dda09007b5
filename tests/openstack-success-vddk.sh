# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab, success with ManageIQ's vddk
# document: 1 disk, 1 port with a fixed IP and the security group. The
# engine gets -o openstack and the credentials as OS_* variables only; the
# server is ACTIVE in the destination project, vm_id is its id; the
# password shows in no argv, log or state file.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"

# --- vddk, 1 disk
GID=$(uuid) NAME=osp-vddk-$$
export FAKE_ENGINE_DISKS=1
convert "$(doc_vddk "$NAME" "$GID")"
check "vddk: finished, not failed" test "$(state '[.finished, .failed, .return_code]')" = '[true,false,0]'
SID=$(jq -r '.vm_id // empty' "$STATE")
check "vddk: vm_id is the server" test -n "$SID"
check "vddk: resources: the server, 1 volume, 1 transfer, 1 port ($(state .resources))" \
    test "$(state '[.resources[] | select(.kind == "server") | .id], (.resources | map(.kind) | sort)')" \
         = "$(printf '["%s"]\n["port","server","transfer","volume"]' "$SID")"
check "vddk: status names the active server" test "$(state .status)" = "\"server $SID is active\""
SRV=$("$CHECK_PY" server "$SID")
echo "vddk server: $SRV"
check "vddk: server ACTIVE in the destination project, named after vm_name" \
    test "$(jq -c '[.status, .project, .name]' <<< "$SRV")" = "[\"ACTIVE\",\"$OSPLAB_DEST_PROJECT_ID\",\"$NAME\"]"
check "vddk: booted from the bootable volume" test "$(jq -c '[.volumes[] | [.bootable, .index]]' <<< "$SRV")" = '[["true","1/1"]]'
check "vddk: port with MAC, fixed IP, security group" \
    test "$(jq -c '.ports | map([.name, .mac, .ips, .security_groups])' <<< "$SRV")" \
         = "[[\"${NAME}_port_0\",\"52:54:00:aa:00:01\",[\"192.0.2.21\"],[\"$OSPLAB_SECURITY_GROUP_ID\"]]]"
check "vddk: engine got -o openstack -oo server-id -oo guest-id -os TYPE, no -of/-oa" \
    jq -e --arg a "$OSPLAB_APPLIANCE_ID" --arg g "$GID" --arg t "$VOLUME_TYPE_ID" \
    '.argv | join(" ") | (contains("-o openstack -oo server-id=\($a) -oo guest-id=\($g) -os \($t)")
                          and (contains("-of ") | not) and (contains("-oa ") | not))' "$FAKE_ENGINE_RECORD"
check "vddk: engine as root with OS_* (Python %s values), LIBGUESTFS_BACKEND=direct" \
    jq -e '.uid == 0 and .env.OS_NO_CACHE == "True" and .env.OS_IDENTITY_API_VERSION == "3"
           and .env.OS_USER_DOMAIN_NAME == "Default" and (.env.OS_PASSWORD | startswith("<set"))
           and .env.LIBGUESTFS_BACKEND == "direct"' "$FAKE_ENGINE_RECORD"
check "vddk: OS_PASSWORD masked in the logged environment" grep -q 'OS_PASSWORD=\*\*\*\*\*' "$WLOG"
purge "$GID" "$NAME"
check "vddk: the test's purge left nothing" nothing_left "$GID" "$NAME"
finish
