/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenStack job's machine: one timer runs the current phase, whose
 * call's answer moves it on (openstack_finish.c, openstack_cleanup.c hold
 * the phases); and the helpers every phase uses: the resources and their
 * report, failure, the jump to another phase. */
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

const char *const osp_kind_names[] = { "volume", "transfer", "port", "server" };

uint64_t osp_job_now_usec(struct osp_job *j)
{
    uint64_t t = 0;
    sd_event_now(j->event, CLOCK_MONOTONIC, &t);
    return t;
}

unsigned osp_job_seconds(uint64_t usec)
{
    return (unsigned)((usec + 999999) / 1000000);
}

static uint64_t knob_usec(long ms, long def_ms)
{
    return (uint64_t)(ms >= 0 ? ms : def_ms) * 1000;
}

void osp_job_params_timeouts(struct osp_job_params *p)
{
    const struct settings *s = settings();
    p->volume_timeout_usec = knob_usec(s->osp_volume_timeout_ms, OSP_VOLUME_TIMEOUT_SEC * 1000L);
    p->server_timeout_usec = knob_usec(s->osp_server_timeout_ms, OSP_SERVER_TIMEOUT_SEC * 1000L);
    p->cleanup_timeout_usec = knob_usec(s->osp_cleanup_timeout_ms, OSP_CLEANUP_TIMEOUT_SEC * 1000L);
    p->poll_usec = knob_usec(s->osp_poll_ms, OSP_POLL_MSEC);
}

int osp_job_disk_index(struct json_object *volume)
{
    struct json_object *md;
    const char *v = json_object_object_get_ex(volume, "metadata", &md)
                        ? http_json_str(md, "virt_v2v_disk_index")
                        : NULL;
    char *end;
    long n = v ? strtol(v, &end, 10) : -1;
    if (!v || end == v || (*end && *end != '/') || n < 0 || n > 100000)
        return -1;
    return (int)n;
}

/* ---- resources and their report ---- */

/* The volume of disk order i (0-based). */
struct resource *osp_job_volume(struct osp_job *j, size_t i)
{
    return &j->res[j->volumes[i]];
}

void osp_job_set_status(struct osp_job *j, const char *fmt, ...)
{
    _cleanup_free_ char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(&text, fmt, ap);
    va_end(ap);
    if (r < 0)
        return;
    log_info("OpenStack: %s", text);
    if (j->hooks.status)
        j->hooks.status(j->hooks.userdata, text);
}

/* Record a resource the moment it exists: the state shows it at once. */
struct resource *osp_job_record(struct osp_job *j, enum kind kind, const char *id,
                                enum osp_scope scope)
{
    struct resource *res = realloc(j->res, (j->n_res + 1) * sizeof *res);
    if (!res)
        return NULL;
    j->res = res;
    struct resource *r = &res[j->n_res];
    *r = (struct resource){ .kind = kind, .id = strdup(id), .scope = scope, .live = true };
    if (!r->id)
        return NULL;
    j->n_res++;
    if (j->hooks.created)
        j->hooks.created(j->hooks.userdata, osp_kind_names[kind], id);
    return r;
}

struct resource *osp_job_find(struct osp_job *j, enum kind kind, const char *id)
{
    for (size_t i = 0; i < j->n_res; i++)
        if (j->res[i].kind == kind && strcmp(j->res[i].id, id) == 0)
            return &j->res[i];
    return NULL;
}

/* ---- failure ---- */

static bool creating(enum phase p)
{
    return p == TRANSFER_CREATE || p == PORT_CREATE || p == PORT_CREATE_AS_SOURCE ||
           p == CREATE_SERVER;
}

int osp_job_fail(struct osp_job *j, int r, char *error)
{
    bool unanswered =
        r == -ETIMEDOUT || r == -EIO || r == -ECONNRESET || (r == -ECANCELED && j->in_flight);
    if (creating(j->phase) && unanswered) {
        j->uncertain = j->phase;
        j->uncertain_item = j->i;
        j->uncertain_after = osp_job_now_usec(j) + (uint64_t)osp_api_timeout_ms(j->api) * 1000;
    }
    free(j->error);
    j->error = error ? error : strdup(strerror(r < 0 ? -r : EIO));
    return r < 0 ? r : -EIO;
}

/* A call's answer was an error: its sentence (borrowed) fails the step. */
int osp_job_fail_with(struct osp_job *j, int r, const char *error)
{
    return osp_job_fail(j, r, error ? strdup(error) : NULL);
}

int osp_job_failf(struct osp_job *j, int r, const char *fmt, ...)
{
    char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&text, fmt, ap) < 0)
        text = NULL;
    va_end(ap);
    return osp_job_fail(j, r, text);
}

int osp_job_jump(struct osp_job *j, enum phase p, size_t i)
{
    j->phase = p;
    j->i = i;
    return JUMPED;
}

/* After starting a call: wait for its answer, or fail now. */
int osp_job_started(struct osp_job *j, int r, char *error)
{
    if (r < 0)
        return osp_job_fail(j, r, error);
    j->in_flight = true;
    return WAIT;
}

/* ---- the machine ---- */

static const struct phase_ops *ops(enum phase p)
{
    assert(p < N_PHASES);
    return p < CLEAN_BEGIN ? &osp_finish_phases[p] : &osp_cleanup_phases[p];
}

static void schedule(struct osp_job *j, uint64_t usec)
{
    sd_event_source_set_time_relative(j->timer, usec);
    sd_event_source_set_enabled(j->timer, SD_EVENT_ONESHOT);
}

static void enter_cleanup(struct osp_job *j)
{
    j->failed = true;
    j->phase = CLEAN_BEGIN;
    j->i = 0;
    j->deadline = 0;
}

/* What phase `was` said: the next step now, later, or on an answer. */
static void advance(struct osp_job *j, enum phase was, int r)
{
    if (r == WAIT)
        return;
    if (r < 0) {
        assert(was < SUCCEEDED);
        log_error("%s", j->error ? j->error : strerror(-r));
        enter_cleanup(j);
        r = AGAIN_NOW;
    } else if (r == NEXT_PHASE) {
        j->phase = was + 1;
        j->i = 0;
        if (was != CREATE_SERVER)
            j->deadline = 0;
    }
    assert(r == NEXT_PHASE || r == AGAIN_NOW || r == POLL || r == JUMPED);
    schedule(j, r == POLL ? j->p.poll_usec : 0);
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
    struct osp_job *j = userdata;
    enum phase was = j->phase;
    int r = ops(was)->start(j);

    if (was == SUCCEEDED || was == CLEAN_END)
        return 0; /* done was called: j may be gone */
    advance(j, was, r);
    return 0;
}

int osp_job_answer_now(struct osp_job *j, int r, const char *error)
{
    assert(ops(j->phase)->reply);
    return ops(j->phase)->reply(j, r, NULL, error);
}

/* The answer to the call of the phase in flight. */
void osp_job_on_answer(void *userdata, int r, struct json_object *reply, const char *error)
{
    struct osp_job *j = userdata;
    enum phase was = j->phase;

    assert(j->in_flight && ops(was)->reply);
    j->in_flight = false;
    advance(j, was, ops(was)->reply(j, r, reply, error));
}

int osp_job_start(sd_event *event, struct osp_api *api, const struct osp_job_params *p,
                  const struct osp_job_hooks *hooks, struct osp_job **out)
{
    struct osp_job *j = calloc(1, sizeof *j);
    if (!j) {
        osp_api_free(api);
        return -ENOMEM;
    }
    j->event = sd_event_ref(event);
    j->api = api;
    j->p = *p;
    j->hooks = *hooks;
    j->phase = p->engine_failed ? CLEAN_BEGIN : AUTHENTICATE;
    j->failed = p->engine_failed;
    /* Accuracy 1 ms: each step starts from this timer (sd-event's default
     * 250 ms would add up over the job's steps). */
    int r = sd_event_add_time_relative(event, &j->timer, CLOCK_MONOTONIC, 0, 1000, on_tick, j);
    if (r < 0) {
        osp_job_free(j);
        return r;
    }
    sd_event_source_set_enabled(j->timer, SD_EVENT_ONESHOT);
    *out = j;
    return 0;
}

/* At once, even while a call is in flight: that one is abandoned (a create
 * it may have done is looked for by the cleanup). */
void osp_job_cancel(struct osp_job *j, const char *why)
{
    if (!j || j->phase >= SUCCEEDED)
        return;
    log_info("OpenStack: %s: cleaning up", why);
    osp_job_fail(j, -ECANCELED, strdup(why));
    if (j->in_flight)
        osp_api_cancel(j->api);
    j->in_flight = false;
    enter_cleanup(j);
    schedule(j, 0);
}

void osp_job_free(struct osp_job *j)
{
    if (!j)
        return;
    sd_event_source_disable_unref(j->timer);
    sd_event_unref(j->event);
    for (size_t i = 0; i < j->n_res; i++) {
        free(j->res[i].id);
        free(j->res[i].volume_id);
        secret_free(TAKE_PTR(j->res[i].auth_key));
    }
    free(j->res);
    free(j->volumes);
    free(j->error);
    free(j->network);
    free(j->subnet);
    json_object_put(j->port);
    osp_api_free(j->api); /* abandons a call in flight: no answer after this */
    free(j);
}
