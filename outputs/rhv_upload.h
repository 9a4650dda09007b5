/* Internals of the oVirt upload output, exposed for its tests. */
#ifndef V2VW_RHV_UPLOAD_H
#define V2VW_RHV_UPLOAD_H

#include <stddef.h>
#include "outputs/output.h"
#include "outputs/ovirt_api.h"

#define RHV_CLEANUP_TIMEOUT_MS 300000L   /* $V2VW_OVIRT_CLEANUP_TIMEOUT (seconds) overrides */
#define RHV_CLEANUP_POLL_MS 1000L        /* $V2VW_OVIRT_POLL_INTERVAL (seconds) overrides */
#define RHV_MAX_DISK_IDS 1024

/* "preallocated" for block-like storage (cinder, fcp, glusterfs, iscsi,
 * posixfs), "sparse" for the others. */
const char *rhv_allocation_for_storage_type(const char *type);

/* Remove what a failed upload left: cancel the active image transfers of
 * the disks, then delete each disk once its status is "ok" (gone already is
 * fine), one pass now and then one every poll_ms (an event loop timer)
 * until timeout_ms. `done` gets 0 when every disk is gone, -ETIMEDOUT when
 * some were still there at the deadline. On success the cleanup owns `api`
 * (and closes it); disk_ids must live until `done`. */
int rhv_cleanup_disks(struct sd_event *event, struct ovirt_api *api, char *const *disk_ids,
                      size_t n, long timeout_ms, long poll_ms, output_done_fn done, void *userdata);

#endif
