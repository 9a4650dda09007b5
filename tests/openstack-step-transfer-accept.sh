# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab, after a good engine the second
# transfer accept fails (the fault proxy answers as Cinder does to a wrong
# auth key): the step's sentence; the pending transfer and both volumes
# (one already in the destination project) removed.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
engine_volumes_unattached 2
GID=$(uuid) NAME=osp-taf-$$
scenario '{"service": "volumev3", "method": "POST", "path": "/accept$", "nth": 2, "times": 1, "action": "status",
           "status": 400, "body": {"badRequest": {"code": 400, "message": "Invalid auth key."}}}'
convert "$(doc_vddk "$NAME" "$GID")"
expect_failed '^Transferring volume 2/2 failed: Cinder answered HTTP 400 to POST http://.*/volume-transfers/.*/accept: Invalid auth key$' \
    '["transfer","volume","volume"]'
finish
