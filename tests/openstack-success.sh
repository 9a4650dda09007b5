# OpenStack output against the real lab, success: ManageIQ's vddk document
# with 1 disk and 1 port, ManageIQ's ssh document with 3 disks and 2 ports
# (fixed IPs, one network by name, a security group). The server boots from
# the first volume with the others after it, its NICs are our ports, vm_id
# is its id; the password shows in no argv, log or state file.
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

# --- ssh, 3 disks, 2 ports (second network by name)
GID=$(uuid) NAME=osp-ssh-$$
export FAKE_ENGINE_DISKS=3
doc=$(doc_ssh "$NAME" "$GID" '.network_mappings += [{source: "Other",
          destination: "'"$OSPLAB_NETWORK2_NAME"'", mac_address: "52:54:00:aa:00:02", ip_address: "198.51.100.32"}]')
convert "$doc"
check "ssh: finished, not failed" test "$(state '[.finished, .failed]')" = '[true,false]'
SID=$(jq -r '.vm_id // empty' "$STATE")
SRV=$("$CHECK_PY" server "$SID")
echo "ssh server: $SRV"
check "ssh: server named after the VMX file" test "$(jq -r .name <<< "$SRV")" = "$NAME"
check "ssh: 3 volumes, index 1/3 boots" \
    test "$(jq -c '[.volumes[] | [.index, .bootable]] | sort' <<< "$SRV")" = '[["1/3","true"],["2/3","false"],["3/3","false"]]'
# What we asked Nova for (the proxy saw the request): the volumes in index
# order, disks 2 and 3 as vdb and vdc. (Nova's fake driver names devices
# its own way, so the attachments are checked for order only.)
bdm=$(jq -c 'select(.method == "POST" and .service == "compute" and (.path | endswith("/servers")))
             | .body.server.block_device_mapping_v2 | map([.boot_index, .device_name])' "$SCRATCH/record.jsonl" | tail -1)
check "ssh: block devices asked: boot 0, then vdb, vdc ($bdm)" test "$bdm" = '[[0,null],[-1,"vdb"],[-1,"vdc"]]'
check "ssh: volumes attached in index order" \
    test "$(jq -c '[.volumes[] | [.device[0], .index]] | sort | map(.[1])' <<< "$SRV")" = '["1/3","2/3","3/3"]'
check "ssh: 2 ports with fixed IPs on both networks, the security group" \
    test "$(jq -c '.ports | map([.name, .ips[0], .security_groups[0]]) | sort' <<< "$SRV")" \
         = "[[\"${NAME}_port_0\",\"192.0.2.21\",\"$OSPLAB_SECURITY_GROUP_ID\"],[\"${NAME}_port_1\",\"198.51.100.32\",\"$OSPLAB_SECURITY_GROUP_ID\"]]"
check "ssh: status went through transfers, ports and server" \
    grep -q 'transferring volume 3/3' "$WLOG"
echo "--- REST calls of the 3-disk conversion (proxy record; engine's calls included, wrapper's from the preflight and after the engine):"
"$CHECK_PY" calls "$SCRATCH/record.jsonl" "$T_START" "$T_END"
echo "--- the wrapper's own calls (its log):"
grep -o 'OpenStack API: .*' "$WLOG"
purge "$GID" "$NAME"
check "ssh: the test's purge left nothing" nothing_left "$GID" "$NAME"
finish
