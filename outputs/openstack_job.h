/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenStack output's work after the engine, as a machine driven by the
 * event loop: each step starts one bounded REST call and the call's answer
 * moves the machine on; waiting is a timer, never a sleep, and nothing
 * blocks the loop.
 *
 * After a successful engine: find the engine's volumes by their
 * virt_v2v_guest_id property in virt_v2v_disk_index order, wait until each
 * is available, mark the first bootable, transfer each into the destination
 * project, create one port per network mapping, create the server booted
 * from the volumes, wait until it is ACTIVE.
 *
 * On any failure (the engine's, a step's, a cancel): remove exactly what is
 * recorded (plus volumes the engine left with our guest id) in this order:
 * the server, detachments from the appliance, pending transfers, ports,
 * volumes in both projects; idempotent (gone already = removed), bounded
 * by a deadline, and report what was removed and what was left and why. */
#ifndef V2VW_OPENSTACK_JOB_H
#define V2VW_OPENSTACK_JOB_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>
#include "outputs/openstack_api.h"
#include "outputs/output.h"

#define OSP_VOLUME_TIMEOUT_SEC 600     /* $V2VW_OSP_VOLUME_TIMEOUT */
#define OSP_SERVER_TIMEOUT_SEC 600     /* $V2VW_OSP_SERVER_TIMEOUT */
#define OSP_CLEANUP_TIMEOUT_SEC 300    /* $V2VW_OSP_CLEANUP_TIMEOUT */
#define OSP_POLL_MSEC 2000             /* $V2VW_OSP_POLL_INTERVAL (seconds) */

/* Borrowed: everything must outlive the job. */
struct osp_job_params {
    const char *server_name;
    const char *guest_id;
    const char *flavor_id;
    const char *appliance_id;           /* osp_server_id: the engine attached volumes there */
    char *const *security_groups;
    size_t n_security_groups;
    const struct network_mapping *mappings;
    size_t n_mappings;
    bool engine_failed;                 /* nothing to finish: clean up only */
    /* The volumes the engine's log named (a crashed engine's volumes have
     * no guest id property yet: the engine sets it at its end). */
    char *const *engine_volumes;
    size_t n_engine_volumes;
    uint64_t volume_timeout_usec, server_timeout_usec, cleanup_timeout_usec, poll_usec;
};

struct osp_job_result {
    bool failed;
    const char *error;                  /* the failing step's sentence; NULL after success or an engine failure */
    const char *vm_id;                  /* the server, after success */
    size_t removed, left;               /* the cleanup's counts */
};

struct osp_job_hooks {
    /* The step now running ("transferring volume 2/3"). */
    void (*status)(void *userdata, const char *status);
    /* A resource exists now (kind "volume", "transfer", "port", "server"). */
    void (*created)(void *userdata, const char *kind, const char *id);
    /* The cleanup removed it (reason NULL) or left it, and why. */
    void (*cleaned)(void *userdata, const char *kind, const char *id, const char *reason);
    /* The end, exactly once, from the event loop. */
    void (*done)(void *userdata, const struct osp_job_result *result);
    void *userdata;
};

/* Defaults, overridden by the environment knobs above. */
void osp_job_params_timeouts(struct osp_job_params *p);

struct osp_job;

/* Starts on the next loop iteration. The job takes `api`. */
int osp_job_start(sd_event *event, struct osp_api *api, const struct osp_job_params *p,
                  const struct osp_job_hooks *hooks, struct osp_job **out);
/* Stop finishing and clean up (e.g. SIGTERM), at once: a call in flight
 * is abandoned. No effect once cleaning up. */
void osp_job_cancel(struct osp_job *j, const char *why);
/* Abandons a call in flight: no hook runs after this. */
void osp_job_free(struct osp_job *j);

#endif
