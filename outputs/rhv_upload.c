/* oVirt/RHV upload (`rhv_url`): virt-v2v -o rhv-upload, run as vdsm:kvm.
 * prepare: allocation from the storage domain's type, drivers ISO.
 * finish: after a failure, remove the disks the engine created. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outputs/output.h"
#include "outputs/ovirt_api.h"
#include "outputs/rhv_upload.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/log.h"
#include "common/secret.h"

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

static long env_ms(const char *name, long def)
{
    const char *v = getenv(name);
    char *end;
    if (!v || !*v)
        return def;
    double s = strtod(v, &end);
    if (*end || s < 0 || s > 86400)
        return def;
    return (long)(s * 1000);
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
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

int rhv_cleanup_disks(struct ovirt_api *api, char *const *disk_ids, size_t n, long timeout_ms,
                      long poll_ms)
{
    _cleanup_free_ bool *done = calloc(n ? n : 1, sizeof(bool));
    long deadline = now_ms() + timeout_ms;
    size_t left = n;

    if (!done)
        return -ENOMEM;
    cancel_transfers(api, disk_ids, n);
    log_info("Removing %zu disk(s)", n);
    for (;;) {
        for (size_t i = 0; i < n; i++)
            if (!done[i] && try_remove_disk(api, disk_ids[i])) {
                done[i] = true;
                left--;
            }
        if (left == 0)
            return 0;
        if (now_ms() >= deadline)
            break;
        long wait = deadline - now_ms();
        sleep_ms(wait < poll_ms ? (wait > 0 ? wait : 0) : poll_ms);
    }
    for (size_t i = 0; i < n; i++)
        if (!done[i])
            log_error("Timed out waiting for disk %s: it was not removed", disk_ids[i]);
    return -ETIMEDOUT;
}

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

static int rhv_upload_finish(const struct output_input *in, const struct output_plan *plan,
                             const struct output_engine_report *report, bool failed)
{
    if (!failed) {
        log_info("oVirt upload succeeded%s%s: nothing to clean up", report->vm_id ? ", VM id " : "",
                 report->vm_id ? report->vm_id : "");
        return 0;
    }
    if (report->n_disk_ids == 0) {
        log_info("The failed oVirt upload created no disks: nothing to clean up");
        return 0;
    }

    _cleanup_erase_ char *password = read_password(in);
    _cleanup_ovirt_api_ struct ovirt_api *api = NULL;
    _cleanup_free_ char *error = NULL;
    log_info("Cleaning up %zu disk(s) of the failed oVirt upload", report->n_disk_ids);
    int r = ovirt_api_open(in->rhv_url, NULL, password, cafile(in), in->insecure_connection,
                           &api, &error);
    if (r < 0) {
        log_error("Cannot clean up the disks: %s", error ? error : strerror(-r));
        return r;
    }
    r = rhv_cleanup_disks(api, report->disk_ids, report->n_disk_ids,
                          env_ms("V2VW_OVIRT_CLEANUP_TIMEOUT", RHV_CLEANUP_TIMEOUT_MS),
                          env_ms("V2VW_OVIRT_POLL_INTERVAL", RHV_CLEANUP_POLL_MS));
    if (r == 0)
        log_info("Cleanup of the failed oVirt upload done");
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
    .finish = rhv_upload_finish,
};
