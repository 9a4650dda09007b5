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
#include "wrapper/cleanup.h"
#include "wrapper/log.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void setup(struct conversion *c, const char *url)
{
    memset(c, 0, sizeof *c);
    c->cfg.rhv_url = (char *)url;
    c->cfg.rhv_password = getenv("OVIRT_PASSWORD");
    c->cfg.rhv_cafile = getenv("OVIRT_CAFILE");
    c->cfg.insecure_connection = getenv("OVIRT_INSECURE") && !strcmp(getenv("OVIRT_INSECURE"), "1");
    c->cfg.rhv_cluster = "Default";
    c->output = &output_rhv_upload;
}

static int do_prepare(const char *url, const char *storage)
{
    struct conversion c;
    _cleanup_free_ char *error = NULL;

    setup(&c, url);
    c.cfg.rhv_storage = (char *)storage;
    int r = c.output->prepare(&c, &error);
    if (r < 0)
        printf("error=%s\n", error ? error : strerror(-r));
    else
        printf("allocation=%s\n", c.allocation ? c.allocation : "(none)");
    free(c.allocation);
    free(c.virtio_win);
    return r < 0;
}

static int do_finish(const char *url, bool failed, const char *vm_id, char **ids, size_t n)
{
    struct conversion c;

    setup(&c, url);
    c.state.disk_ids = ids;
    c.state.n_disk_ids = n;
    c.state.vm_id = (char *)vm_id;
    int r = c.output->finish(&c, failed);
    printf("finish=%d\n", r);
    return r < 0;
}

static int do_get(const char *url, const char *path)
{
    _cleanup_ovirt_api_ struct ovirt_api *api = NULL;
    _cleanup_json_ struct json_object *reply = NULL;
    _cleanup_free_ char *error = NULL;
    struct conversion c;

    setup(&c, url);
    int r = ovirt_api_open(url, NULL, c.cfg.rhv_password, c.cfg.rhv_cafile, c.cfg.insecure_connection,
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
