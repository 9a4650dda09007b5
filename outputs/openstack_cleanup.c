/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenStack job's cleanup after any failure: exactly the recorded
 * resources (and what an unanswered create may have made), in order:
 * the server, detachments, pending transfers, ports, volumes in both
 * projects; idempotent and bounded by its deadline. */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outputs/openstack_job-internal.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/log.h"
#include "common/settings.h"

static void note(struct osp_job *j, struct resource *r, const char *reason)
{
    if (reason)
        j->n_left++;
    else
        j->n_removed++;
    r->live = false;
    if (j->hooks.cleaned)
        j->hooks.cleaned(j->hooks.userdata, osp_kind_names[r->kind], r->id, reason);
}

static bool cleanup_overdue(struct osp_job *j)
{
    return osp_job_now_usec(j) >= j->cleanup_deadline;
}

/* The volumes the engine's log named count as ours too (a crashed engine
 * did not get to set the guest id property); those gone already are
 * noted as removed by the volume step. */
static void engine_volumes(struct osp_job *j)
{
    for (size_t i = 0; i < j->p.n_engine_volumes; i++)
        if (!osp_job_find(j, VOLUME, j->p.engine_volumes[i]) &&
            !osp_job_record(j, VOLUME, j->p.engine_volumes[i], OSP_SOURCE))
            log_error("Out of memory recording volume %s", j->p.engine_volumes[i]);
}

static struct resource *nth_live(struct osp_job *j, enum kind kind, size_t from, size_t *at)
{
    for (size_t i = from; i < j->n_res; i++)
        if (j->res[i].kind == kind && j->res[i].live) {
            *at = i;
            return &j->res[i];
        }
    return NULL;
}

/* A cleanup call started, or its failure to start taken as its answer
 * (the cleanup goes on whatever happens). */
static int clean_started(struct osp_job *j, int r, char *error)
{
    if (r >= 0) {
        j->in_flight = true;
        return WAIT;
    }
    r = osp_job_answer_now(j, r, error ? error : strerror(-r));
    free(error);
    return r;
}

static int clean_begin(struct osp_job *j)
{
    char *error = NULL;

    j->cleanup_deadline = osp_job_now_usec(j) + j->p.cleanup_timeout_usec;
    osp_job_set_status(j, "cleaning up");
    /* Volumes the engine left behind with our guest id count as ours. */
    return clean_started(
        j,
        osp_cinder_find_volumes(j->api, j->p.guest_id, "cleaning up", osp_job_on_answer, j, &error),
        error);
}

static int clean_begun(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_json_ struct json_object *list = NULL;
    _cleanup_free_ char *why = NULL;

    if (r < 0 || osp_cinder_read_volumes(reply, "cleaning up", &list, &why) < 0) {
        log_error("Cannot look for volumes left with guest id %s: %s", j->p.guest_id,
                  r < 0 ? error : why);
        engine_volumes(j);
        return NEXT_PHASE;
    }
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        const char *id = http_json_str(json_object_array_get_idx(list, i), "id");
        if (id && !osp_job_find(j, VOLUME, id)) {
            struct resource *res = osp_job_record(j, VOLUME, id, OSP_SOURCE);
            if (res)
                res->index = osp_job_disk_index(json_object_array_get_idx(list, i));
        }
    }
    engine_volumes(j);
    return NEXT_PHASE;
}

static enum kind uncertain_kind(const struct osp_job *j)
{
    return j->uncertain == TRANSFER_CREATE ? TRANSFER
           : j->uncertain == CREATE_SERVER ? SERVER
                                           : PORT;
}

static int clean_uncertain(struct osp_job *j)
{
    _cleanup_free_ char *name = NULL;
    char *error = NULL;
    int r;

    if (!j->uncertain)
        return NEXT_PHASE;
    if (osp_job_now_usec(j) < j->uncertain_after && !cleanup_overdue(j)) {
        osp_job_set_status(
            j, "cleaning up: waiting to see whether an unanswered request created something");
        return POLL;
    }
    switch (uncertain_kind(j)) {
    case TRANSFER:
        r = osp_cinder_transfers(j->api, "cleaning up", osp_job_on_answer, j, &error);
        break;
    case PORT:
        if (asprintf(&name, "%s_port_%zu", j->p.server_name, j->uncertain_item) < 0)
            return NEXT_PHASE;
        r = osp_neutron_ports_named(j->api, name, "cleaning up", osp_job_on_answer, j, &error);
        break;
    default:
        r = osp_nova_servers_named(j->api, j->p.server_name, "cleaning up", osp_job_on_answer, j,
                                   &error);
        break;
    }
    return clean_started(j, r, error);
}

static int uncertain_found(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_(strv_free) struct strv ids = { 0 };
    _cleanup_free_ char *name = NULL;
    enum kind kind = uncertain_kind(j);

    if (r < 0) {
        log_error("Cannot look for a %s an unanswered request may have created: %s",
                  osp_kind_names[kind], error);
        return NEXT_PHASE;
    }
    if (kind == TRANSFER)
        r = osp_cinder_read_transfers_of(reply, osp_job_volume(j, j->uncertain_item)->id, &ids);
    else if (kind == PORT)
        r = asprintf(&name, "%s_port_%zu", j->p.server_name, j->uncertain_item) < 0
                ? -ENOMEM
                : osp_neutron_read_ports_named(reply, name, &ids);
    else
        r = osp_nova_read_servers_named(reply, j->p.server_name, &ids);
    if (r < 0)
        log_error("Out of memory reading what an unanswered request created");
    for (size_t i = 0; i < ids.n; i++)
        if (!osp_job_find(j, kind, ids.v[i])) {
            log_info("An unanswered request created %s %s after all", osp_kind_names[kind],
                     ids.v[i]);
            struct resource *res =
                osp_job_record(j, kind, ids.v[i], kind == TRANSFER ? OSP_SOURCE : OSP_DEST);
            if (res && kind == TRANSFER)
                res->volume_id = strdup(osp_job_volume(j, j->uncertain_item)->id);
        }
    return NEXT_PHASE;
}

static int clean_server(struct osp_job *j)
{
    struct resource *srv = nth_live(j, SERVER, 0, &j->cur);
    char *error = NULL;

    if (!srv)
        return osp_job_jump(j, CLEAN_DETACH, 0);
    osp_job_set_status(j, "cleaning up: deleting server %s", srv->id);
    return clean_started(
        j, osp_nova_delete_server(j->api, srv->id, "deleting server", osp_job_on_answer, j, &error),
        error);
}

static int server_deleted(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    struct resource *srv = &j->res[j->cur];

    if (r == -ENOENT)
        note(j, srv, NULL);
    else if (r < 0)
        note(j, srv, error);
    return NEXT_PHASE;
}

static int clean_server_gone(struct osp_job *j)
{
    struct resource *srv = nth_live(j, SERVER, 0, &j->cur);
    char *error = NULL;

    if (!srv)
        return NEXT_PHASE;
    return clean_started(
        j, osp_nova_server(j->api, srv->id, "deleting server", osp_job_on_answer, j, &error),
        error);
}

static int server_gone_checked(struct osp_job *j, int r, struct json_object *reply,
                               const char *error)
{
    _cleanup_free_ char *status = NULL, *fault = NULL, *why = NULL;
    struct resource *srv = &j->res[j->cur];

    if (r >= 0 && osp_nova_read_status(reply, &status, &fault) < 0)
        r = -ENOMEM;
    if (r == -ENOENT || (r >= 0 && strcmp(status, "DELETED") == 0)) {
        note(j, srv, NULL);
        return NEXT_PHASE;
    }
    if (!cleanup_overdue(j))
        return POLL;
    if (asprintf(&why, "still %s when the cleanup deadline (%u s) passed",
                 r >= 0 ? status : "there", osp_job_seconds(j->p.cleanup_timeout_usec)) >= 0)
        note(j, srv, r < 0 && error ? error : why);
    return NEXT_PHASE;
}

/* Volumes still attached to the conversion appliance (engine failures). */
static int clean_detach(struct osp_job *j)
{
    struct resource *v = nth_live(j, VOLUME, j->i, &j->cur);
    char *error = NULL;

    if (!v)
        return osp_job_jump(j, CLEAN_TRANSFERS, 0);
    j->i = j->cur + 1;
    if (v->scope != OSP_SOURCE || cleanup_overdue(j))
        return AGAIN_NOW;
    return clean_started(j,
                         osp_cinder_volume_status(j->api, OSP_SOURCE, v->id, "cleaning up",
                                                  osp_job_on_answer, j, &error),
                         error);
}

static int detach_checked(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_free_ char *status = NULL;

    if (r >= 0 && osp_cinder_read_status(reply, &status) >= 0 && strcmp(status, "in-use") == 0)
        return osp_job_jump(j, CLEAN_DETACH_VOLUME, j->i);
    return AGAIN_NOW;
}

static int clean_detach_volume(struct osp_job *j)
{
    const struct resource *v = &j->res[j->cur];
    char *error = NULL;

    osp_job_set_status(j, "cleaning up: detaching volume %s", v->id);
    return clean_started(j,
                         osp_nova_detach_volume(j->api, j->p.appliance_id, v->id,
                                                "detaching volume", osp_job_on_answer, j, &error),
                         error);
}

static int volume_detached(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    if (r < 0 && r != -ENOENT)
        log_error("%s", error);
    return osp_job_jump(j, CLEAN_DETACH, j->i);
}

static int clean_simple(struct osp_job *j, enum kind kind)
{
    struct resource *res = nth_live(j, kind, 0, &j->cur);
    char *error = NULL;
    int r;

    if (!res)
        return NEXT_PHASE;
    if (cleanup_overdue(j)) {
        note(j, res, "not tried: the cleanup deadline passed");
        return AGAIN_NOW;
    }
    osp_job_set_status(j, "cleaning up: deleting %s %s", osp_kind_names[kind], res->id);
    if (kind == TRANSFER)
        r = osp_cinder_delete_transfer(j->api, res->id, "deleting transfer", osp_job_on_answer, j,
                                       &error);
    else
        r = osp_neutron_delete_port(j->api, res->scope, res->id, "deleting port", osp_job_on_answer,
                                    j, &error);
    return clean_started(j, r, error);
}

static int simple_deleted(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    note(j, &j->res[j->cur], r >= 0 || r == -ENOENT ? NULL : error);
    return AGAIN_NOW;
}

static int clean_transfers(struct osp_job *j)
{
    return clean_simple(j, TRANSFER);
}

static int clean_ports(struct osp_job *j)
{
    return clean_simple(j, PORT);
}
static bool deletable(const char *status)
{
    static const char *const ok[] = { "available",       "error",          "error_restoring",
                                      "error_extending", "error_managing", NULL };
    for (size_t i = 0; ok[i]; i++)
        if (strcmp(status, ok[i]) == 0)
            return true;
    return false;
}

static int clean_volumes(struct osp_job *j)
{
    struct resource *v = nth_live(j, VOLUME, 0, &j->cur);
    char *error = NULL;

    if (!v)
        return osp_job_jump(j, CLEAN_END, 0);
    osp_job_set_status(j, "cleaning up: deleting volume %s", v->id);
    return clean_started(j,
                         osp_cinder_volume_status(j->api, v->scope, v->id, "deleting volume",
                                                  osp_job_on_answer, j, &error),
                         error);
}

static int volume_to_delete_checked(struct osp_job *j, int r, struct json_object *reply,
                                    const char *error)
{
    _cleanup_free_ char *status = NULL, *why = NULL;
    struct resource *v = &j->res[j->cur];

    if (r >= 0 && osp_cinder_read_status(reply, &status) < 0)
        r = -ENOMEM;
    if (r == -ENOENT) {
        note(j, v, NULL);
        return AGAIN_NOW;
    }
    if (r < 0) {
        note(j, v, error ? error : strerror(-r));
        return AGAIN_NOW;
    }
    if (deletable(status))
        return osp_job_jump(j, CLEAN_VOLUME_DELETE, 0);
    if (!cleanup_overdue(j))
        return POLL;
    if (asprintf(&why, "still %s when the cleanup deadline (%u s) passed", status,
                 osp_job_seconds(j->p.cleanup_timeout_usec)) >= 0)
        note(j, v, why);
    return AGAIN_NOW;
}

static int clean_volume_delete(struct osp_job *j)
{
    const struct resource *v = &j->res[j->cur];
    char *error = NULL;

    return clean_started(j,
                         osp_cinder_delete_volume(j->api, v->scope, v->id, "deleting volume",
                                                  osp_job_on_answer, j, &error),
                         error);
}

static int volume_deleted(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    note(j, &j->res[j->cur], r >= 0 || r == -ENOENT ? NULL : error);
    return osp_job_jump(j, CLEAN_VOLUMES, 0);
}

static int clean_end(struct osp_job *j)
{
    log_info("OpenStack cleanup done: %zu removed, %zu left (%u REST calls)", j->n_removed,
             j->n_left, osp_api_calls(j->api));
    osp_job_set_status(j, j->n_left ? "cleanup incomplete" : "cleaned up");
    struct osp_job_result res = {
        .failed = true, .error = j->error, .removed = j->n_removed, .left = j->n_left
    };
    j->hooks.done(j->hooks.userdata, &res);
    return POLL;
}

const struct phase_ops osp_cleanup_phases[N_PHASES] = {
    [CLEAN_BEGIN] = { clean_begin, clean_begun },
    [CLEAN_UNCERTAIN] = { clean_uncertain, uncertain_found },
    [CLEAN_SERVER] = { clean_server, server_deleted },
    [CLEAN_SERVER_GONE] = { clean_server_gone, server_gone_checked },
    [CLEAN_DETACH] = { clean_detach, detach_checked },
    [CLEAN_DETACH_VOLUME] = { clean_detach_volume, volume_detached },
    [CLEAN_TRANSFERS] = { clean_transfers, simple_deleted },
    [CLEAN_PORTS] = { clean_ports, simple_deleted },
    [CLEAN_VOLUMES] = { clean_volumes, volume_to_delete_checked },
    [CLEAN_VOLUME_DELETE] = { clean_volume_delete, volume_deleted },
    [CLEAN_END] = { clean_end, NULL },
};
