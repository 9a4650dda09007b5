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
    output_plan_free(&plan);
    return r < 0;
}

static int do_finish(const char *url, bool failed, const char *vm_id, char **ids, size_t n)
{
    struct output_input in;
    struct output_plan plan = { 0 };
    struct output_engine_report report = { .vm_id = vm_id, .disk_ids = ids, .n_disk_ids = n };

    setup(&in, url);
    int r = output_rhv_upload.finish(&in, &plan, &report, failed);
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
