/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenStack job's insides, shared by its three files: the machine and
 * the helpers every phase uses (openstack_job.c), the steps after a good
 * engine (openstack_finish.c) and the cleanup (openstack_cleanup.c). No
 * other file includes this. */
#ifndef V2VW_OPENSTACK_JOB_INTERNAL_H
#define V2VW_OPENSTACK_JOB_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <json-c/json.h>
#include "outputs/openstack_job.h"

enum kind { VOLUME, TRANSFER, PORT, SERVER };
extern const char *const osp_kind_names[];

struct resource {
    enum kind kind;
    char *id;
    enum osp_scope scope; /* the project it lives in (a port: who created it) */
    int index;            /* volume: virt_v2v_disk_index */
    char *volume_id;      /* transfer: its volume */
    char *auth_key;       /* transfer: secret, never in the state */
    bool live;            /* exists (as far as we know) */
};

/* The phases, in order; a failure jumps to CLEAN_BEGIN. A phase starts
 * one REST call (its answer goes to the phase's reply function) or none. */
enum phase {
    AUTHENTICATE,
    AUTHENTICATE_DEST,
    FIND_VOLUMES,
    WAIT_AVAILABLE,
    SET_BOOTABLE,
    TRANSFER_CREATE,
    TRANSFER_ACCEPT,
    PORT_NETWORK,
    PORT_NETWORK_NAMED,
    PORT_SUBNET,
    PORT_CREATE,
    PORT_CREATE_AS_SOURCE,
    CREATE_SERVER,
    WAIT_ACTIVE,
    SUCCEEDED,
    CLEAN_BEGIN,
    CLEAN_UNCERTAIN,
    CLEAN_SERVER,
    CLEAN_SERVER_GONE,
    CLEAN_DETACH,
    CLEAN_DETACH_VOLUME,
    CLEAN_TRANSFERS,
    CLEAN_PORTS,
    CLEAN_VOLUMES,
    CLEAN_VOLUME_DELETE,
    CLEAN_END,
    N_PHASES
};

/* What a phase function says: go on with the next phase, run this one
 * again now or after the poll interval, go on with the phase it set, or
 * wait for the answer of the call it started. */
enum { NEXT_PHASE = 0, AGAIN_NOW = 1, POLL = 2, JUMPED = 3, WAIT = 4 };

struct osp_job {
    sd_event *event;
    sd_event_source *timer;
    struct osp_api *api;
    struct osp_job_params p;
    struct osp_job_hooks hooks;
    enum phase phase;
    size_t i;          /* item within the phase */
    size_t cur;        /* the resource a cleanup call is about (index into res) */
    bool in_flight;    /* a call was started; its answer is awaited */
    uint64_t deadline; /* of the current wait */
    uint64_t cleanup_deadline;
    struct resource *res;
    size_t n_res;
    size_t *volumes; /* in disk index order: indexes into res */
    size_t n_volumes;
    char *network, *subnet;   /* the port being created: its network and subnet */
    struct json_object *port; /* the port being created: its request */
    bool failed;
    char *error;
    /* A create call that got no answer (timeout, 5xx, a cancel while it
     * ran) may still have created its resource: look for it by name once
     * the server had as long again as our deadline to finish the request. */
    enum phase uncertain; /* 0 = none */
    size_t uncertain_item;
    uint64_t uncertain_after;
    size_t n_removed, n_left;
};

struct phase_ops {
    int (*start)(struct osp_job *j);
    /* The answer to the call `start` made (NULL: it makes none). */
    int (*reply)(struct osp_job *j, int r, struct json_object *reply, const char *error);
};

/* Each file's phases, by phase (the other file's entries are empty). */
extern const struct phase_ops osp_finish_phases[N_PHASES];
extern const struct phase_ops osp_cleanup_phases[N_PHASES];

uint64_t osp_job_now_usec(struct osp_job *j);
/* Whole seconds, rounded up (for sentences). */
unsigned osp_job_seconds(uint64_t usec);
/* A Cinder volume's virt_v2v_disk_index property (I of "I/N"), -1 if none. */
int osp_job_disk_index(struct json_object *volume);
/* The volume of disk order i (0-based). */
struct resource *osp_job_volume(struct osp_job *j, size_t i);
/* The step now running: logged and shown in the state's status. */
void osp_job_set_status(struct osp_job *j, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Record a resource the moment it exists: the state shows it at once. */
struct resource *osp_job_record(struct osp_job *j, enum kind kind, const char *id,
                                enum osp_scope scope);
struct resource *osp_job_find(struct osp_job *j, enum kind kind, const char *id);
/* The step failed with `error` (taken; NULL: strerror): a negative errno. */
int osp_job_fail(struct osp_job *j, int r, char *error);
/* The same with a call's sentence (borrowed) or a formatted one. */
int osp_job_fail_with(struct osp_job *j, int r, const char *error);
int osp_job_failf(struct osp_job *j, int r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Go on with phase p, item i: JUMPED. */
int osp_job_jump(struct osp_job *j, enum phase p, size_t i);
/* After starting a call: WAIT for its answer, or fail now. */
int osp_job_started(struct osp_job *j, int r, char *error);
/* The done callback of every call the phases start. */
void osp_job_on_answer(void *userdata, int r, struct json_object *reply, const char *error);
/* Give the phase's reply function an error as if its call had answered it. */
int osp_job_answer_now(struct osp_job *j, int r, const char *error);

#endif
