/* config_parse: typed values from valid documents, and every example in
 * examples/ is accepted. (Rejections are covered end to end by
 * tests/wrapper-bad-input.sh.) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "wrapper/config.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static void test_vddk(void)
{
    const char *doc =
        "{\"vm_name\": \"My VM\", \"transport_method\": \"vddk\","
        " \"vmware_uri\": \"esx://root@h?no_verify=1\", \"vmware_password\": \"pw\","
        " \"vmware_fingerprint\": \"01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67\","
        " \"rhv_url\": \"https://admin@internal@engine/ovirt-engine/api\", \"rhv_password\": \"p2\","
        " \"rhv_cluster\": \"Default\", \"rhv_storage\": \"data\", \"export_domain\": \"nfs:/x\","
        " \"source_disks\": [\"[ds] a.vmdk\", \"[ds] b.vmdk\"],"
        " \"network_mappings\": [{\"source\": \"VM Network\", \"destination\": \"ovirtmgmt\","
        "   \"mac_address\": \"52:54:00:01:02:03\"}],"
        " \"throttling\": {\"cpu\": \"50%\", \"network\": \"1048576\"},"
        " \"install_drivers\": true, \"future_key\": 1}";
    struct conversion_config cfg;
    _cleanup_free_ char *error = NULL;

    CHECK(config_parse(doc, strlen(doc), &cfg, &error) == 0);
    if (error)
        fprintf(stderr, "error: %s\n", error);
    CHECK(cfg.transport == TRANSPORT_VDDK);
    CHECK(cfg.output == OUTPUT_RHV_UPLOAD);          /* rhv_url wins over export_domain */
    CHECK(strcmp(cfg.rhv_cafile, "/etc/pki/vdsm/certs/cacert.pem") == 0);
    CHECK(cfg.daemonize);
    CHECK(strcmp(cfg.output_format, "raw") == 0);
    CHECK(cfg.allocation == NULL);
    CHECK(cfg.n_source_disks == 2 && strcmp(cfg.source_disks[1], "[ds] b.vmdk") == 0);
    CHECK(cfg.n_network_mappings == 1 && strcmp(cfg.network_mappings[0].mac_address, "52:54:00:01:02:03") == 0);
    CHECK(cfg.have_throttling && cfg.throttling.cpu_present && cfg.throttling.cpu_percent == 50);
    CHECK(cfg.throttling.network_present && cfg.throttling.network_bps == 1048576);
    CHECK(cfg.install_drivers);
    CHECK(cfg.unknown_keys.n == 1 && strcmp(cfg.unknown_keys.v[0], "future_key") == 0);
    config_free(&cfg);
}

static void test_throttle_values(void)
{
    struct throttle_request req;
    char *error = NULL;
    char buf[32];

    CHECK(throttle_request_parse("{\"cpu\": \"unlimited\", \"network\": null}", 37, &req, &error) == 0);
    CHECK(req.cpu_present && req.cpu_unlimited && req.network_present && req.network_unlimited);
    CHECK(throttle_request_parse("{\"cpu\": \"150\"}", 14, &req, &error) == 0);
    CHECK(req.cpu_percent == 150 && !req.network_present);
    throttle_cpu_text(&req, buf, sizeof buf);
    CHECK(strcmp(buf, "150%") == 0);
    CHECK(throttle_request_parse("{\"cpu\": \"0%\"}", 13, &req, &error) < 0 && error);
    free(error);
    error = NULL;
    CHECK(throttle_request_parse("{\"cpu\": \"50%\"", 13, &req, &error) < 0 && error);
    free(error);
    error = NULL;
    CHECK(throttle_request_parse("{} x", 4, &req, &error) < 0 && error);
    free(error);
}

static void test_examples(void)
{
    const char *srcdir = getenv("SRCDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/examples", srcdir ? srcdir : ".");
    _cleanup_closedir_ DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    CHECK(d != NULL);
    while (d && (de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0 || strncmp(de->d_name, "input-", 6) != 0)
            continue;
        char path[8192], text[65536];
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        _cleanup_fclose_ FILE *f = fopen(path, "r");
        size_t got = f ? fread(text, 1, sizeof text, f) : 0;
        struct conversion_config cfg;
        _cleanup_free_ char *error = NULL;
        int r = config_parse(text, got, &cfg, &error);
        if (r < 0)
            fprintf(stderr, "FAIL %s: %s\n", de->d_name, error ? error : "?");
        CHECK(r == 0);
        if (r == 0)
            config_free(&cfg);
        n++;
    }
    CHECK(n >= 5);
}

int main(void)
{
    test_vddk();
    test_throttle_values();
    test_examples();
    printf("%s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
