# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab, after a good engine Nova refuses
# the server (an unknown flavor, refused for real): the step's sentence;
# the port and the volume removed.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
export FAKE_ENGINE_DISKS=1
GID=$(uuid) NAME=osp-scf-$$
convert "$(doc_vddk "$NAME" "$GID" '.osp_flavor_id = "no-such-flavor"')"
expect_failed '^Creating server failed: Nova answered HTTP 400 to POST http://.*/servers: Flavor no-such-flavor could not be found$' \
    '["port","volume"]'
finish
