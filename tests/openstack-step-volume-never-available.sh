# SPDX-License-Identifier: Apache-2.0
# OpenStack output against the real lab, after a good engine a volume
# never becomes available (the fault proxy keeps answering "creating"):
# the step's sentence, exactly the recorded volumes removed.
. "$TESTS_DIR/lib.sh"
. "$TESTS_DIR/openstack-lib.sh"
engine_volumes_unattached 2
# The engine polls its volumes too: the fault starts when the wrapper's
# steps do (Keystone answers slowly meanwhile, so the fault is in place
# before the first poll) and ends when the cleanup starts.
GID=$(uuid) NAME=osp-vna-$$
SLOW_AUTH='{"service": "identity", "method": "POST", "action": "delay", "seconds": 1}'
NEVER='{"service": "volumev3", "method": "GET", "path": "/volumes/[0-9a-f-]{36}$", "action": "json",
        "set": {"volume.status": "creating"}}'
scenario "$SLOW_AUTH"
ON_STATUS='^authenticating' ON_STATUS_DO='scenario "$NEVER"; on_status "^cleaning up" scenario' \
    V2VW_OSP_VOLUME_TIMEOUT=2 convert "$(doc_vddk "$NAME" "$GID")"
expect_failed '^Volume did not get ready \(available\) for transfer within 2 seconds$' '["volume","volume"]'
finish
