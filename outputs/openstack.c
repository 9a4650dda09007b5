/* OpenStack (`osp_environment`): virt-v2v -o openstack, run as root. The
 * credentials reach the engine as OS_* environment variables, never argv.
 * prepare: authenticate and make sure no server of that name exists in the
 * destination project (before anything is created).
 * finish: the post-conversion job (openstack_job.c) from the event loop. */
#include <errno.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outputs/openstack.h"
#include "outputs/openstack_job.h"
#include "outputs/output.h"
#include "wrapper/cleanup.h"
#include "wrapper/error.h"
#include "wrapper/log.h"

char *osp_server_name(const struct conversion_config *cfg)
{
    if (cfg->transport != TRANSPORT_SSH)
        return strdup(cfg->vm_name);
    /* ssh://root@esx/vmfs/volumes/ds/guest/guest.vmx -> guest */
    const char *base = strrchr(cfg->vm_name, '/');
    base = base && base[1] ? base + 1 : cfg->vm_name;
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".vmx") == 0)
        len -= 4;
    return strndup(base, len);
}

static int open_api(const struct conversion *c, struct osp_api **api, char **error)
{
    struct osp_settings s;
    int r = osp_settings_from_config(&c->cfg, &s, error);
    if (r < 0)
        return r;
    r = osp_api_new(&s, api);
    osp_settings_free(&s);
    return r;
}

static int openstack_prepare(struct conversion *c, char **error)
{
    _cleanup_osp_api_ struct osp_api *api = NULL;
    _cleanup_free_ char *name = osp_server_name(&c->cfg);
    _cleanup_(strv_free) struct strv servers = { 0 };
    int r;

    if (!name)
        return -ENOMEM;
    if ((r = open_api(c, &api, error)) < 0
        || (r = osp_api_authenticate(api, OSP_SOURCE, error)) < 0
        || (r = osp_api_authenticate(api, OSP_DEST, error)) < 0
        || (r = osp_nova_servers_named(api, name, "checking the destination project", &servers, error)) < 0)
        return r;
    if (servers.n > 0)
        return error_set(error, -EEXIST, "A server named \"%s\" already exists in the destination project %s",
                         name, c->cfg.osp_destination_project_id);
    log_info("OpenStack preflight passed: authenticated, no server named \"%s\" in project %s", name,
             c->cfg.osp_destination_project_id);
    return 0;
}

static int openstack_append_args(const struct conversion *c, struct strv *argv, char **error)
{
    const struct conversion_config *cfg = &c->cfg;
    int r = strv_push_all(argv, "-o", "openstack", "-oo", NULL);
    if (r >= 0)
        r = strv_pushf(argv, "server-id=%s", cfg->osp_server_id);
    if (r >= 0)
        r = strv_push(argv, "-oo");
    if (r >= 0)
        r = strv_pushf(argv, "guest-id=%s", cfg->osp_guest_id);
    if (r >= 0 && cfg->osp_volume_type_id)
        r = strv_push_all(argv, "-os", cfg->osp_volume_type_id, NULL);
    if (r >= 0 && cfg->insecure_connection)
        r = strv_push_all(argv, "-oo", "verify-server-certificate=false", NULL);
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

static int openstack_append_env(const struct conversion *c, struct strv *env)
{
    /* Only the input's credentials: none inherited from the wrapper. */
    for (size_t i = 0; i < env->n;) {
        if (strncmp(env->v[i], "OS_", 3) == 0) {
            _cleanup_free_ char *name = strndup(env->v[i], strcspn(env->v[i], "="));
            if (!name || strv_setenv(env, name, NULL) < 0)
                return -ENOMEM;
            continue;
        }
        i++;
    }
    for (size_t i = 0; i < c->cfg.n_osp_environment; i++) {
        _cleanup_free_ char *name = env_name(c->cfg.osp_environment[i].key);
        if (!name || strv_setenv(env, name, c->cfg.osp_environment[i].value) < 0)
            return -ENOMEM;
    }
    return 0;
}

/* ---- the post-conversion job, reported into the state ---- */

struct openstack_finish {
    struct conversion *c;
    struct osp_job *job;
    struct output_async_hooks hooks;
    char *server_name;
};

static void on_status(void *userdata, const char *status)
{
    struct openstack_finish *f = userdata;
    state_set_status(&f->c->state, status, strlen(status));
    f->hooks.changed(f->hooks.userdata);
}

static void on_resources(void *userdata, struct json_object *resources)
{
    struct openstack_finish *f = userdata;
    state_set_extra(&f->c->state, "resources", resources);
    f->hooks.changed(f->hooks.userdata);
}

static void on_done(void *userdata, const struct osp_job_result *res)
{
    struct openstack_finish *f = userdata;
    struct conversion_state *s = &f->c->state;

    if (res->vm_id)
        state_set_vm_id(s, res->vm_id, strlen(res->vm_id));
    if (res->error)
        state_set_last_message(s, res->error, strlen(res->error));
    if (res->cleanup)
        state_set_extra(s, "cleanup", res->cleanup);
    if (res->failed)
        state_set_failed(s);
    f->c->output_private = NULL;
    osp_job_free(f->job);
    free(f->server_name);
    struct output_async_hooks hooks = f->hooks;
    free(f);
    hooks.done(hooks.userdata);
}

static int openstack_finish_async(struct conversion *c, sd_event *event, bool failed,
                                  const struct output_async_hooks *hooks)
{
    _cleanup_free_ char *error = NULL;
    struct osp_api *api = NULL;
    struct openstack_finish *f = calloc(1, sizeof *f);
    int r;

    if (!f)
        return -ENOMEM;
    *f = (struct openstack_finish){ .c = c, .hooks = *hooks, .server_name = osp_server_name(&c->cfg) };
    if (!f->server_name || (r = open_api(c, &api, &error)) < 0) {
        log_error("Cannot finish the OpenStack output: %s", error ? error : "out of memory");
        free(f->server_name);
        free(f);
        return -ENOMEM;
    }
    struct osp_job_params p = {
        .server_name = f->server_name, .guest_id = c->cfg.osp_guest_id, .flavor_id = c->cfg.osp_flavor_id,
        .appliance_id = c->cfg.osp_server_id, .security_groups = c->cfg.osp_security_groups_ids,
        .n_security_groups = c->cfg.n_osp_security_groups_ids, .mappings = c->cfg.network_mappings,
        .n_mappings = c->cfg.n_network_mappings, .engine_failed = failed,
    };
    osp_job_params_timeouts(&p);
    const struct osp_job_hooks jh = { on_status, on_resources, on_done, f };
    if ((r = osp_job_start(event, api, &p, &jh, &f->job)) < 0) {
        free(f->server_name);
        free(f);
        return r;
    }
    c->output_private = f;
    return 0;
}

static void openstack_cancel(struct conversion *c)
{
    struct openstack_finish *f = c->output_private;
    if (f)
        osp_job_cancel(f->job, "Conversion cancelled: virt-v2v-wrapper received a signal while finishing");
}

const struct output_ops output_openstack = {
    .id = OUTPUT_OPENSTACK,
    .name = "openstack",
    .log_dir = "/var/log/virt-v2v",
    .identity = IDENTITY_ROOT,
    .backend_direct = true,
    .default_bridge = false,
    .prepare = openstack_prepare,
    .append_args = openstack_append_args,
    .append_env = openstack_append_env,
    .finish_async = openstack_finish_async,
    .cancel = openstack_cancel,
};
