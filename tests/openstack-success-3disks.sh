# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab, success with ManageIQ's ssh
# document: 3 disks, 2 ports with fixed IPs on two networks (one named by
# UUID, one by name) and the security group. The server boots from the
# first volume with the others after it, its NICs are our ports; the
# password shows in no argv, log or state file. Prints the REST calls.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"

# --- ssh, 3 disks, 2 ports (second network by name)
GID=$(uuid) NAME=osp-ssh-$$
export FAKE_ENGINE_DISKS=3
doc=$(doc_ssh "$NAME" "$GID" '.network_mappings += [{source: "Other",
          destination: "'"$OSPLAB_NETWORK2_NAME"'", mac_address: "52:54:00:aa:00:02", ip_address: "198.51.100.32"}]')
convert "$doc"
check "ssh: finished, not failed" test "$(state '[.finished, .failed]')" = '[true,false]'
SID=$(jq -r '.vm_id // empty' "$STATE")
check "ssh: vm_id is the server" test -n "$SID"
check "ssh: resources: 3 volumes, 3 transfers, 2 ports, the server ($(state .resources))" \
    test "$(kinds .resources)" = '["port","port","server","transfer","transfer","transfer","volume","volume","volume"]'
check "ssh: no cleanup after success" test "$(state .cleanup)" = null
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
