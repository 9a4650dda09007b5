/* SPDX-License-Identifier: Apache-2.0 */
/* OpenStack (`osp_environment`): virt-v2v -o openstack, run as root. The
 * credentials reach the engine as OS_* environment variables, never argv.
 * prepare: the settings and the engine's OS_*; preflight: authenticate and
 * make sure no server of that name exists in the destination project
 * (before anything is created); finish and cleanup: the post-conversion
 * job (openstack_job.c), driven by the event loop. */
#include <assert.h>
#include <errno.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outputs/openstack.h"
#include "outputs/openstack_job.h"
#include "outputs/output.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/log.h"

char *osp_server_name(const struct output_input *in)
{
    if (!in->ssh_transport)
        return strdup(in->vm_name);
    /* ssh://root@esx/vmfs/volumes/ds/guest/guest.vmx -> guest */
    const char *base = strrchr(in->vm_name, '/');
    base = base && base[1] ? base + 1 : in->vm_name;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".vmx") == 0)
        len -= 4;
    return strndup(base, len);
}

static int open_api(const struct output_input *in, sd_event *event, struct osp_api **api, char **error)
{
    struct osp_settings s;
    int r = osp_settings_from_input(in, &s, error);
    if (r < 0)
        return r;
    r = osp_api_new(event, &s, api, error);
    osp_settings_free(&s);
    return r;
}

/* os-auth-url -> OS_AUTH_URL */
static char *env_name(const char *key)
{
    char *name = strdup(key);
    for (char *p = name; p && *p; p++)
        *p = *p == '-' ? '_' : (char)toupper((unsigned char)*p);
    return name;
}

int osp_plan_env(const struct output_input *in, struct output_plan *plan)
{
    for (char **e = environ; e && *e; e++)
        if (strncmp(*e, "OS_", 3) == 0 && strv_pushf(&plan->env, "%.*s", (int)strcspn(*e, "="), *e) < 0)
            return -ENOMEM;
    for (size_t i = 0; i < in->n_osp_environment; i++) {
        _cleanup_free_ char *name = env_name(in->osp_environment[i].key);
        if (!name || strv_pushf(&plan->env, "%s=%s", name, in->osp_environment[i].value) < 0)
            return -ENOMEM;
    }
    return 0;
}

/* Before anything is created: the settings make sense; the engine's OS_*. */
static int openstack_prepare(const struct output_input *in, struct output_plan *plan, char **error)
{
    struct osp_settings s;
    int r = osp_settings_from_input(in, &s, error);
    if (r < 0)
        return r;
    osp_settings_free(&s);
    return osp_plan_env(in, plan);
}

/* The preflight's calls, one after the other, each answered here. */
struct preflight {
    bool answered;
    int r;
    char *error;
    struct strv servers;
    const char *name;
};

static void on_preflight_answer(void *userdata, int r, struct json_object *reply, const char *error)
{
    struct preflight *p = userdata;
    p->answered = true;
    p->r = r;
    if (r < 0)
        p->error = strdup(error);
    else if (reply && osp_nova_read_servers_named(reply, p->name, &p->servers) < 0)
        p->r = -ENOMEM;
}

/* Run `event` until the call started (r >= 0) is answered. */
static int preflight_wait(sd_event *event, struct preflight *p, int r, char **error)
{
    while (r >= 0 && !p->answered)
        r = sd_event_run(event, UINT64_MAX);
    if (r >= 0)
        r = p->r;
    if (r < 0 && p->error && !*error)
        *error = TAKE_PTR(p->error);
    free(TAKE_PTR(p->error));
    p->answered = false;
    return r;
}

/* In the daemon, before the engine and before the conversion's event loop
 * runs (on a loop of its own): authentication works in both projects and
 * no server of that name exists in the destination. */
static int openstack_preflight(const struct output_input *in, struct output_plan *plan,
                               const struct output_host *host, char **error)
{
    _cleanup_(sd_event_unrefp) sd_event *event = NULL;
    _cleanup_osp_api_ struct osp_api *api = NULL;
    _cleanup_free_ char *name = osp_server_name(in);
    struct preflight p = { 0 };
    const char *step = "checking the destination project";
    int r;

    if (!name)
        return -ENOMEM;
    p.name = name;
    if ((r = sd_event_new(&event)) < 0 || (r = open_api(in, event, &api, error)) < 0)
        return r;
    r = preflight_wait(event, &p, osp_api_authenticate(api, OSP_SOURCE, on_preflight_answer, &p, error), error);
    if (r >= 0)
        r = preflight_wait(event, &p, osp_api_authenticate(api, OSP_DEST, on_preflight_answer, &p, error), error);
    if (r >= 0)
        r = preflight_wait(event, &p, osp_nova_servers_named(api, name, step, on_preflight_answer, &p, error),
                           error);
    if (r >= 0 && p.servers.n > 0)
        r = error_set(error, -EEXIST, "A server named \"%s\" already exists in the destination project %s",
                      name, in->osp_destination_project_id);
    strv_free(&p.servers);
    if (r >= 0)
        log_info("OpenStack preflight passed: authenticated, no server named \"%s\" in project %s", name,
                 in->osp_destination_project_id);
    return r;
}

static int openstack_append_args(const struct output_input *in, const struct output_plan *plan,
                                 struct strv *argv, char **error)
{
    int r = strv_push_all(argv, "-o", "openstack", "-oo", NULL);
    if (r >= 0)
        r = strv_pushf(argv, "server-id=%s", in->osp_server_id);
    if (r >= 0)
        r = strv_push(argv, "-oo");
    if (r >= 0)
        r = strv_pushf(argv, "guest-id=%s", in->osp_guest_id);
    if (r >= 0 && in->osp_volume_type_id)
        r = strv_push_all(argv, "-os", in->osp_volume_type_id, NULL);
    if (r >= 0 && in->insecure_connection)
        r = strv_push_all(argv, "-oo", "verify-server-certificate=false", NULL);
    return r;
}

/* ---- the post-conversion job, reported through the host ---- */

struct openstack_run {
    struct strv engine_volumes;           /* what the engine's log named */
    struct osp_job *job;
    struct output_host host;
    struct output_plan *plan;
    output_done_fn done;
    void *userdata;
    char *server_name;
};

static void run_free(void *priv)
{
    struct openstack_run *f = priv;
    if (!f)
        return;
    osp_job_free(f->job);
    strv_free(&f->engine_volumes);
    free(f->server_name);
    free(f);
}

/* The output's own data, made when first needed. */
static struct openstack_run *run_of(struct output_plan *plan)
{
    if (!plan->priv)
        plan->priv = calloc(1, sizeof(struct openstack_run));
    return plan->priv;
}

static void openstack_engine_event(struct output_plan *plan, enum output_event ev, const char *value)
{
    struct openstack_run *f = run_of(plan);
    if (ev != OUTPUT_EVENT_VOLUME_ID || !f)
        return;
    for (size_t i = 0; i < f->engine_volumes.n; i++)
        if (strcmp(f->engine_volumes.v[i], value) == 0)
            return;
    if (strv_push(&f->engine_volumes, value) < 0)
        log_error("Out of memory recording the engine's volume %s", value);
    else
        log_info("The engine created volume %s", value);
}

static void on_status(void *userdata, const char *status)
{
    struct openstack_run *f = userdata;
    f->host.set_status(f->host.userdata, status);
}

static void on_created(void *userdata, const char *kind, const char *id)
{
    struct openstack_run *f = userdata;
    f->host.add_resource(f->host.userdata, kind, id);
}

static void on_cleaned(void *userdata, const char *kind, const char *id, const char *reason)
{
    struct openstack_run *f = userdata;
    f->host.cleanup_result(f->host.userdata, kind, id, reason);
}

static void on_done(void *userdata, const struct osp_job_result *res)
{
    struct openstack_run *f = userdata;
    output_done_fn done = f->done;
    void *ud = f->userdata;
    int r = 0;

    if (res->vm_id)
        f->host.set_vm_id(f->host.userdata, res->vm_id);
    if (res->error)
        f->host.set_error(f->host.userdata, res->error);
    if (res->failed)
        r = res->left ? -EBUSY : -EIO;
    f->plan->priv = NULL;
    run_free(f);                          /* res points into the job */
    done(ud, r);
}

static int start_job(const struct output_input *in, struct output_plan *plan, const struct output_host *host,
                     bool engine_failed, output_done_fn done, void *userdata)
{
    _cleanup_free_ char *error = NULL;
    struct osp_api *api = NULL;
    struct openstack_run *f = run_of(plan);
    int r = -ENOMEM;

    if (!f)
        return -ENOMEM;
    assert(!f->job);
    f->host = *host;
    f->plan = plan;
    f->done = done;
    f->userdata = userdata;
    if (!(f->server_name = osp_server_name(in)) || (r = open_api(in, host->event, &api, &error)) < 0) {
        log_error("Cannot finish the OpenStack output: %s", error ? error : strerror(-r));
        return r;
    }
    struct osp_job_params p = {
        .server_name = f->server_name, .guest_id = in->osp_guest_id, .flavor_id = in->osp_flavor_id,
        .appliance_id = in->osp_server_id, .security_groups = in->osp_security_groups_ids,
        .n_security_groups = in->n_osp_security_groups_ids, .mappings = in->network_mappings,
        .n_mappings = in->n_network_mappings, .engine_failed = engine_failed,
        .engine_volumes = f->engine_volumes.v, .n_engine_volumes = f->engine_volumes.n,
    };
    osp_job_params_timeouts(&p);
    const struct osp_job_hooks jh = { .status = on_status, .created = on_created, .cleaned = on_cleaned,
                                      .done = on_done, .userdata = f };
    return osp_job_start(host->event, api, &p, &jh, &f->job);
}

static void openstack_cancel(struct output_plan *plan, const char *why)
{
    struct openstack_run *f = plan->priv;
    if (f && f->job)
        osp_job_cancel(f->job, why);
}

static int openstack_finish(const struct output_input *in, struct output_plan *plan,
                            const struct output_host *host, output_done_fn done, void *userdata)
{
    return start_job(in, plan, host, false, done, userdata);
}

static int openstack_cleanup(const struct output_input *in, struct output_plan *plan,
                             const struct output_host *host, output_done_fn done, void *userdata)
{
    return start_job(in, plan, host, true, done, userdata);
}

const struct output_ops output_openstack = {
    .id = OUTPUT_OPENSTACK,
    .name = "openstack",
    .log_dir = "/var/log/virt-v2v",
    .identity = IDENTITY_ROOT,
    .backend_direct = true,
    .default_bridge = false,
    .prepare = openstack_prepare,
    .preflight = openstack_preflight,
    .append_args = openstack_append_args,
    .engine_event = openstack_engine_event,
    .finish = openstack_finish,
    .cleanup = openstack_cleanup,
    .cancel = openstack_cancel,
    .priv_free = run_free,
};
