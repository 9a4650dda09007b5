# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab: in the cleanup after a failed
# step (Nova refuses an unknown flavor, for real), the port's DELETE is
# answered 502 and then 504 by the balancer in front of Neutron (the fault
# proxy sends HAProxy's pages). A DELETE may be sent again: the wrapper
# tries again after 1 s and 2 s and the port is removed like the volume.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
engine_volumes_unattached 1
GID=$(uuid) NAME=osp-dgw-$$
PORT='/v2.0/ports/[0-9a-f-]{36}$'
# The first rule answers the first DELETE; the second, the next one.
scenario '{"service": "network", "method": "DELETE", "path": "/v2.0/ports/[0-9a-f-]{36}$", "times": 1,
           "action": "status", "status": 502, "from": "balancer"}' \
         '{"service": "network", "method": "DELETE", "path": "/v2.0/ports/[0-9a-f-]{36}$", "times": 1,
           "action": "status", "status": 504, "from": "balancer"}'
convert "$(doc_vddk "$NAME" "$GID" '.osp_flavor_id = "no-such-flavor" | '"$OWN_NIC")"
expect_failed '^Creating server failed: Nova answered HTTP 400 to POST http://.*/servers: Flavor no-such-flavor could not be found$' \
    '["port","volume"]'
check "3 tries of the DELETE: 502, 504, then Neutron's answer ($(answers DELETE "$PORT"))" \
    test "$(answers DELETE "$PORT")" = "502 504 204"
echo "tries of the DELETE: $(answers DELETE "$PORT"), gaps: $(gaps DELETE "$PORT")"
check "tried again after 1 s, then 2 s (gaps: $(gaps DELETE "$PORT"))" gaps_are "1 2" "$(gaps DELETE "$PORT")"
RETRY='WARNING: Neutron answered HTTP 50[24] to DELETE http://[^ ]*/v2.0/ports/[0-9a-f-]{36}; trying again in'
check "2 retry lines in the log" test "$(grep -cE "$RETRY" "$WLOG")" = 2
check "502 then 504, tries 2 and 3 of 4" \
    sh -c 'grep -qE "$1 1 s \(try 2 of 4\)$" "$3" && grep -qE "$2 2 s \(try 3 of 4\)$" "$3"' - \
    "${RETRY/50\[24\]/502}" "${RETRY/50\[24\]/504}" "$WLOG"
# Without the retries the port stays: the lab is shared, remove it.
purge "$GID" "$NAME"
finish
