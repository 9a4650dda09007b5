/* Drives the oVirt client and the rhv-upload output against the oVirt API
 * test server (tests/ovirt-api-server.py); tests/ovirt-api.sh checks what it
 * prints and what the server recorded.
 *
 *   ovirt-driver prepare URL STORAGE      allocation lookup (prepare)
 *   ovirt-driver cleanup URL ID...        finish(failed) with these disk ids
 *   ovirt-driver success URL VMID ID...   finish(succeeded)
 *   ovirt-driver get URL PATH             one GET
 *
 * Environment: OVIRT_PASSWORD, OVIRT_CAFILE, OVIRT_INSECURE=1, DRIVER_LOG. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outputs/output.h"
#include "outputs/ovirt_api.h"
#include <systemd/sd-event.h>
#include "common/cleanup.h"
#include "common/log.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void setup(struct output_input *in, const char *url)
{
    memset(in, 0, sizeof *in);
    in->kind = OUTPUT_RHV_UPLOAD;
    in->rhv_url = url;
    in->rhv_password = getenv("OVIRT_PASSWORD");
    in->rhv_cafile = getenv("OVIRT_CAFILE");
    in->insecure_connection = getenv("OVIRT_INSECURE") && !strcmp(getenv("OVIRT_INSECURE"), "1");
    in->rhv_cluster = "Default";
}

static int do_prepare(const char *url, const char *storage)
{
    struct output_input in;
    struct output_plan plan = { 0 };
    _cleanup_free_ char *error = NULL;

    setup(&in, url);
    in.rhv_storage = storage;
    int r = output_plan_make(&output_rhv_upload, &in, &plan, &error);
    if (r < 0)
        printf("error=%s\n", error ? error : strerror(-r));
    else
        printf("allocation=%s\n", plan.allocation ? plan.allocation : "(none)");
    output_plan_free(&output_rhv_upload, &plan);
    return r < 0;
}

/* The step's end: its result is the loop's exit code. */
static void on_done(void *userdata, int r)
{
    sd_event_exit(userdata, r);
}

static int do_finish(const char *url, bool failed, const char *vm_id, char **ids, size_t n)
{
    const struct output_ops *ops = &output_rhv_upload;
    struct output_input in;
    struct output_plan plan = { 0 };
    struct output_host host = { 0 };

    setup(&in, url);
    /* What the engine parser would hand over while the engine ran. */
    if (vm_id)
        ops->engine_event(&plan, OUTPUT_EVENT_VM_ID, vm_id);
    for (size_t i = 0; i < n; i++)
        ops->engine_event(&plan, OUTPUT_EVENT_DISK_ID, ids[i]);
    sd_event_new(&host.event);
    int r = (failed ? ops->cleanup : ops->finish)(&in, &plan, &host, on_done, host.event);
    if (r >= 0)
        r = sd_event_loop(host.event);
    sd_event_unref(host.event);
    output_plan_free(ops, &plan);
    printf("finish=%d\n", r);
    return r < 0;
}

static int do_get(const char *url, const char *path)
{
    _cleanup_ovirt_api_ struct ovirt_api *api = NULL;
    _cleanup_json_ struct json_object *reply = NULL;
    _cleanup_free_ char *error = NULL;
    struct output_input in;

    setup(&in, url);
    int r = ovirt_api_open(url, NULL, in.rhv_password, in.rhv_cafile, in.insecure_connection,
                           &api, &error);
    if (r >= 0) {
        printf("user=%s\n", ovirt_api_username(api));
        r = ovirt_api_get(api, path, &reply, &error);
    }
    if (r < 0)
        printf("error=%s\nerrno=%s\n", error ? error : "(none)", strerrorname_np(-r));
    else
        printf("reply=%s\n", json_object_to_json_string_ext(reply, JSON_C_TO_STRING_PLAIN));
    return r < 0;
}

int main(int argc, char **argv)
{
    const char *log = getenv("DRIVER_LOG");
    if (log && log_open(log) < 0) {
        perror(log);
        return 2;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: ovirt-driver prepare|cleanup|success|get URL ARGS...\n");
        return 2;
    }
    const char *cmd = argv[1], *url = argv[2];
    double start = now();
    int rc = 2;
    if (!strcmp(cmd, "prepare") && argc == 4)
        rc = do_prepare(url, argv[3]);
    else if (!strcmp(cmd, "cleanup"))
        rc = do_finish(url, true, NULL, argv + 3, (size_t)(argc - 3));
    else if (!strcmp(cmd, "success") && argc >= 4)
        rc = do_finish(url, false, argv[3], argv + 4, (size_t)(argc - 4));
    else if (!strcmp(cmd, "get") && argc == 4)
        rc = do_get(url, argv[3]);
    else
        fprintf(stderr, "ovirt-driver: bad arguments\n");
    fprintf(stderr, "ovirt-driver %s: %.3f s\n", cmd, now() - start);
    log_close();
    return rc;
}
