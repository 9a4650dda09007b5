# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab, after a good 3-disk engine Nova
# refuses the server (an unknown flavor, refused for real): the step's
# sentence; the port and the 3 volumes (now in the destination project)
# removed. Prints the wrapper's REST calls of this failed conversion.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
engine_volumes_unattached 3
GID=$(uuid) NAME=osp-scf-$$
convert "$(doc_vddk "$NAME" "$GID" '.osp_flavor_id = "no-such-flavor"')"
expect_failed '^Creating server failed: Nova answered HTTP 400 to POST http://.*/servers: Flavor no-such-flavor could not be found$' \
    '["port","volume","volume","volume"]'
echo "--- the wrapper's REST calls (its log):"
grep -o 'OpenStack API: .*' "$WLOG"
finish
