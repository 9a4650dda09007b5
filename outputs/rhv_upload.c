/* oVirt/RHV upload (`rhv_url`): virt-v2v -o rhv-upload, run as vdsm:kvm.
 * prepare: allocation from the storage domain's type (drivers ISO: the plan).
 * engine_event: the disks the engine created (kept here, not in the state).
 * cleanup: after a failure, remove those disks, polling from the event loop. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-event.h>

#include "outputs/output.h"
#include "outputs/ovirt_api.h"
#include "outputs/rhv_upload.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/log.h"
#include "common/secret.h"
#include "common/settings.h"

const char *rhv_allocation_for_storage_type(const char *type)
{
    static const char *const preallocated[] = { "cinder", "fcp", "glusterfs", "iscsi", "posixfs" };
    for (size_t i = 0; i < ELEMENTSOF(preallocated); i++)
        if (type && strcmp(type, preallocated[i]) == 0)
            return "preallocated";
    return "sparse";
}

static const char *cafile(const struct output_input *in)
{
    return in->rhv_cafile ? in->rhv_cafile : OVIRT_DEFAULT_CAFILE;
}

static const char *domain_type(struct json_object *domain)
{
    struct json_object *storage, *type;
    if (json_object_object_get_ex(domain, "storage", &storage) &&
        json_object_object_get_ex(storage, "type", &type) && json_object_is_type(type, json_type_string))
        return json_object_get_string(type);
    return NULL;
}

static int lookup_allocation(const struct output_input *in, struct output_plan *plan, char **error)
{
    _cleanup_ovirt_api_ struct ovirt_api *api = NULL;
    _cleanup_json_ struct json_object *domains = NULL;
    const char *name = in->rhv_storage;

    int r = ovirt_api_open(in->rhv_url, NULL, in->rhv_password, cafile(in),
                           in->insecure_connection, &api, error);
    if (r < 0)
        return r;
    r = ovirt_api_find_storage_domains(api, name, &domains, error);
    if (r < 0)
        return r;
    size_t n = json_object_array_length(domains);
    if (n != 1) {
        return error_set(error, -ENOENT, "Found %zu domains matching \"%s\"", n, name);
    }
    const char *type = domain_type(json_object_array_get_idx(domains, 0));
    const char *allocation = rhv_allocation_for_storage_type(type);
    log_info("Storage domain \"%s\" has type %s: allocation %s", name, type ? type : "(unknown)",
             allocation);
    plan->allocation = strdup(allocation);
    return plan->allocation ? 0 : -ENOMEM;
}

/* The allocation, when the input gave none, from the storage domain. */
static int rhv_upload_prepare(const struct output_input *in, struct output_plan *plan, char **error)
{
    return plan->allocation ? 0 : lookup_allocation(in, plan, error);
}

static int rhv_upload_append_args(const struct output_input *in, const struct output_plan *plan,
                                  struct strv *argv, char **error)
{
    _cleanup_free_ char *ca = NULL, *cluster = NULL;

    if (!in->password_file)
        return error_set(error, -EINVAL, "The oVirt password file was not created");
    if (asprintf(&ca, "rhv-cafile=%s", cafile(in)) < 0
        || asprintf(&cluster, "rhv-cluster=%s", in->rhv_cluster) < 0)
        return -ENOMEM;
    int r = output_append_format(in, plan, argv);
    if (r >= 0)
        r = strv_push_all(argv, "-o", "rhv-upload", "-oc", in->rhv_url,
                          "-os", in->rhv_storage, "-op", in->password_file,
                          "-oo", ca, "-oo", cluster, "-oo", "rhv-direct",
                          "-oo", in->insecure_connection ? "rhv-verifypeer=false" : "rhv-verifypeer=true",
                          NULL);
    return r;
}

static const char *transfer_disk_id(struct json_object *t)
{
    struct json_object *ref, *id;
    /* `disk` in API 4.x; `image` is its older name. */
    if ((json_object_object_get_ex(t, "disk", &ref) || json_object_object_get_ex(t, "image", &ref)) &&
        json_object_object_get_ex(ref, "id", &id) && json_object_is_type(id, json_type_string))
        return json_object_get_string(id);
    return NULL;
}

static bool transfer_active(struct json_object *t)
{
    struct json_object *phase;
    if (!json_object_object_get_ex(t, "phase", &phase))
        return true;
    const char *p = json_object_get_string(phase);
    return !(p && (strncmp(p, "finished", 8) == 0 || strncmp(p, "cancelled", 9) == 0));
}

static bool contains(char *const *ids, size_t n, const char *id)
{
    for (size_t i = 0; id && i < n; i++)
        if (strcmp(ids[i], id) == 0)
            return true;
    return false;
}

static void cancel_transfers(struct ovirt_api *api, char *const *disk_ids, size_t n)
{
    _cleanup_json_ struct json_object *transfers = NULL;
    _cleanup_free_ char *error = NULL;
    size_t cancelled = 0;

    if (ovirt_api_list_image_transfers(api, &transfers, &error) < 0) {
        log_error("Could not list the image transfers: %s", error);
        return;
    }
    for (size_t i = 0; i < json_object_array_length(transfers); i++) {
        struct json_object *t = json_object_array_get_idx(transfers, i), *id;
        const char *disk = transfer_disk_id(t);
        if (!contains(disk_ids, n, disk) || !transfer_active(t) ||
            !json_object_object_get_ex(t, "id", &id))
            continue;
        _cleanup_free_ char *err = NULL;
        log_info("Cancelling image transfer %s of disk %s", json_object_get_string(id), disk);
        int r = ovirt_api_cancel_image_transfer(api, json_object_get_string(id), &err);
        if (r == -ENOENT)
            log_info("Image transfer %s is already gone", json_object_get_string(id));
        else if (r < 0)
            log_error("Could not cancel image transfer %s: %s", json_object_get_string(id), err);
        else
            cancelled++;
    }
    if (cancelled == 0)
        log_info("No active image transfers to cancel");
}

/* One pass over a pending disk: true when it is gone now. */
static bool try_remove_disk(struct ovirt_api *api, const char *id)
{
    _cleanup_free_ char *status = NULL;
    _cleanup_free_ char *error = NULL;

    int r = ovirt_api_disk_status(api, id, &status, &error);
    if (r == -ENOENT) {
        log_info("Disk %s does not exist (already removed?), skipping it", id);
        return true;
    }
    if (r < 0) {
        log_warning("Could not get the status of disk %s: %s", id, error);
        return false;
    }
    if (strcmp(status, "ok") != 0) {
        log_info("Disk %s is %s, waiting for it to be ok", id, status);
        return false;
    }
    log_info("Removing disk %s", id);
    r = ovirt_api_delete_disk(api, id, &error);
    if (r == -ENOENT) {
        log_info("Disk %s is already gone", id);
        return true;
    }
    if (r < 0) {
        log_warning("Could not remove disk %s: %s", id, error);
        return false;
    }
    log_info("Removed disk %s", id);
    return true;
}

/* ---- what the engine reported: the disks it created, the VM's id ---- */

struct rhv_priv {
    struct strv disk_ids;        /* once each, at most RHV_MAX_DISK_IDS */
    char *vm_id;
};

static void rhv_priv_free(void *p)
{
    struct rhv_priv *priv = p;
    strv_free(&priv->disk_ids);
    free(priv->vm_id);
    free(priv);
}

static struct rhv_priv *rhv_priv(struct output_plan *plan)
{
    if (!plan->priv)
        plan->priv = calloc(1, sizeof(struct rhv_priv));
    return plan->priv;
}

static void rhv_upload_engine_event(struct output_plan *plan, enum output_event ev, const char *value)
{
    struct rhv_priv *priv = rhv_priv(plan);
    if (!priv)
        return;
    if (ev == OUTPUT_EVENT_VM_ID) {
        free(priv->vm_id);
        priv->vm_id = strdup(value);
        return;
    }
    if (priv->disk_ids.n >= RHV_MAX_DISK_IDS)
        return;
    for (size_t i = 0; i < priv->disk_ids.n; i++)
        if (strcmp(priv->disk_ids.v[i], value) == 0)
            return;
    strv_push(&priv->disk_ids, value);
}

/* ---- the cleanup after a failure, driven by the event loop ---- */

struct rhv_cleanup {
    struct ovirt_api *api;
    char *const *ids;            /* the plan's, which outlives the cleanup */
    size_t n, left;
    bool *removed;
    uint64_t deadline, poll;     /* CLOCK_MONOTONIC µs */
    sd_event_source *timer;
    output_done_fn done;
    void *userdata;
};

static void rhv_cleanup_free(struct rhv_cleanup *k)
{
    sd_event_source_disable_unref(k->timer);
    ovirt_api_close(k->api);
    free(k->removed);
    free(k);
}

static void rhv_cleanup_end(struct rhv_cleanup *k, int r)
{
    output_done_fn done = k->done;
    void *userdata = k->userdata;

    if (r == 0)
        log_info("Cleanup of the failed oVirt upload done");
    for (size_t i = 0; r < 0 && i < k->n; i++)
        if (!k->removed[i])
            log_error("Timed out waiting for disk %s: it was not removed", k->ids[i]);
    rhv_cleanup_free(k);
    done(userdata, r);
}

/* One pass over the disks still there; then done, or the next pass. */
static int rhv_cleanup_pass(sd_event_source *s, uint64_t now, void *userdata)
{
    struct rhv_cleanup *k = userdata;

    for (size_t i = 0; i < k->n; i++)
        if (!k->removed[i] && try_remove_disk(k->api, k->ids[i])) {
            k->removed[i] = true;
            k->left--;
        }
    sd_event_now(sd_event_source_get_event(s), CLOCK_MONOTONIC, &now);
    if (k->left == 0 || now >= k->deadline) {
        rhv_cleanup_end(k, k->left == 0 ? 0 : -ETIMEDOUT);
        return 0;
    }
    uint64_t next = now + k->poll < k->deadline ? now + k->poll : k->deadline;
    sd_event_source_set_time(s, next);
    return sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
}

int rhv_cleanup_disks(struct sd_event *event, struct ovirt_api *api, char *const *disk_ids,
                      size_t n, long timeout_ms, long poll_ms, output_done_fn done, void *userdata)
{
    struct rhv_cleanup *k = calloc(1, sizeof *k);
    uint64_t now;

    if (!k || !(k->removed = calloc(n ? n : 1, sizeof(bool)))) {
        free(k);
        return -ENOMEM;
    }
    *k = (struct rhv_cleanup){ .api = api, .ids = disk_ids, .n = n, .left = n,
                               .removed = k->removed, .poll = (uint64_t)poll_ms * 1000,
                               .done = done, .userdata = userdata };
    sd_event_now(event, CLOCK_MONOTONIC, &now);
    k->deadline = now + (uint64_t)timeout_ms * 1000;
    cancel_transfers(api, disk_ids, n);
    log_info("Removing %zu disk(s)", n);
    int r = sd_event_add_time(event, &k->timer, CLOCK_MONOTONIC, now, 0, rhv_cleanup_pass, k);
    if (r < 0) {
        k->api = NULL;              /* the caller keeps it on failure */
        rhv_cleanup_free(k);
    }
    return r;
}

/* ---- finish and cleanup hooks ---- */

/* The password: from the configuration, else from its secret file. */
static char *read_password(const struct output_input *in)
{
    if (in->rhv_password)
        return strdup(in->rhv_password);
    if (!in->password_file)
        return NULL;
    _cleanup_fclose_ FILE *f = fopen(in->password_file, "re");
    struct secret_buf b = { 0 };
    if (!f || getdelim(&b.p, &b.size, '\0', f) < 0) {
        secret_buf_free(&b);
        return NULL;
    }
    return b.p;
}

/* Nothing to wait for: `done` still comes from the event loop. */
struct rhv_now {
    output_done_fn done;
    void *userdata;
};

static int rhv_now_fire(sd_event_source *s, void *userdata)
{
    struct rhv_now now = *(struct rhv_now *)userdata;
    free(userdata);
    sd_event_source_disable_unref(s);
    now.done(now.userdata, 0);
    return 0;
}

static int done_soon(const struct output_host *host, output_done_fn done, void *userdata)
{
    struct rhv_now *now = malloc(sizeof *now);
    if (!now)
        return -ENOMEM;
    *now = (struct rhv_now){ done, userdata };
    sd_event_source *source;       /* unref'd by rhv_now_fire */
    int r = sd_event_add_defer(host->event, &source, rhv_now_fire, now);
    if (r < 0)
        free(now);
    return r;
}

static int rhv_upload_finish(const struct output_input *in, struct output_plan *plan,
                             const struct output_host *host, output_done_fn done, void *userdata)
{
    const struct rhv_priv *priv = plan->priv;
    const char *vm_id = priv ? priv->vm_id : NULL;

    log_info("oVirt upload succeeded%s%s: nothing to clean up", vm_id ? ", VM id " : "",
             vm_id ? vm_id : "");
    return done_soon(host, done, userdata);
}

static int rhv_upload_cleanup(const struct output_input *in, struct output_plan *plan,
                              const struct output_host *host, output_done_fn done, void *userdata)
{
    const struct rhv_priv *priv = plan->priv;
    const struct settings *set = settings();

    if (!priv || priv->disk_ids.n == 0) {
        log_info("The failed oVirt upload created no disks: nothing to clean up");
        return done_soon(host, done, userdata);
    }
    _cleanup_erase_ char *password = read_password(in);
    _cleanup_ovirt_api_ struct ovirt_api *api = NULL;
    _cleanup_free_ char *error = NULL;
    log_info("Cleaning up %zu disk(s) of the failed oVirt upload", priv->disk_ids.n);
    int r = ovirt_api_open(in->rhv_url, NULL, password, cafile(in), in->insecure_connection,
                           &api, &error);
    if (r < 0) {
        log_error("Cannot clean up the disks: %s", error ? error : strerror(-r));
        return r;
    }
    r = rhv_cleanup_disks(host->event, api, priv->disk_ids.v, priv->disk_ids.n,
                          set->ovirt_cleanup_timeout_ms >= 0 ? set->ovirt_cleanup_timeout_ms
                                                             : RHV_CLEANUP_TIMEOUT_MS,
                          set->ovirt_poll_ms >= 0 ? set->ovirt_poll_ms : RHV_CLEANUP_POLL_MS,
                          done, userdata);
    if (r >= 0)
        TAKE_PTR(api);              /* the cleanup owns it now */
    return r;
}

const struct output_ops output_rhv_upload = {
    .id = OUTPUT_RHV_UPLOAD,
    .name = "rhv-upload",
    .log_dir = "/var/log/vdsm/import",
    .identity = IDENTITY_VDSM,
    .backend_direct = true,
    .default_bridge = true,
    .iso_domain = true,
    .prepare = rhv_upload_prepare,
    .append_args = rhv_upload_append_args,
    .engine_event = rhv_upload_engine_event,
    .finish = rhv_upload_finish,
    .cleanup = rhv_upload_cleanup,
    .priv_free = rhv_priv_free,
};
