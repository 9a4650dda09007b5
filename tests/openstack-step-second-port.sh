# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab, after a good engine the second
# port cannot be created (its MAC is the first port's: Neutron refuses it
# for real): the step's sentence; the first port and the volumes removed.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
engine_volumes_unattached 1
GID=$(uuid) NAME=osp-spf-$$
convert "$(doc_vddk "$NAME" "$GID" '.network_mappings += [.network_mappings[0] | .ip_address = "192.0.2.22"]')"
expect_failed '^Creating port 2/2 failed: Neutron answered HTTP 409 to POST http://.*/v2.0/ports: .*52:54:00:aa:00:01' \
    '["port","volume"]'
finish
