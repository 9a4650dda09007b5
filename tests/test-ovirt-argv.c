/* The oVirt outputs' identity and engine arguments (CONTRACT §4): upload
 * secure and insecure, with and without allocation, export domain. */
#include <stdio.h>
#include <string.h>

#include "outputs/output.h"
#include "wrapper/cleanup.h"

static int failures;

static void expect_args(const struct output_ops *ops, const struct conversion *c, const char *want)
{
    struct strv argv = { 0 };
    _cleanup_free_ char *error = NULL;
    char got[2048] = "";

    int r = ops->append_args(c, &argv, &error);
    for (size_t i = 0; i < argv.n; i++) {
        strcat(got, i ? " " : "");
        strcat(got, argv.v[i]);
    }
    if (r < 0 || strcmp(got, want) != 0) {
        printf("FAIL %s: r=%d error=%s\n  got:  %s\n  want: %s\n", ops->name, r, error, got, want);
        failures++;
    }
    strv_free(&argv);
}

int main(void)
{
    struct conversion c = { 0 };

    const struct output_ops *u = &output_rhv_upload, *e = &output_export_domain;
    if (u->id != OUTPUT_RHV_UPLOAD || u->identity != IDENTITY_VDSM || !u->backend_direct ||
        !u->default_bridge || strcmp(u->log_dir, "/var/log/vdsm/import") || !u->prepare || !u->finish ||
        e->id != OUTPUT_EXPORT_DOMAIN || e->identity != IDENTITY_ROOT || !e->backend_direct ||
        !e->default_bridge || strcmp(e->log_dir, "/var/log/vdsm/import")) {
        printf("FAIL: output_ops fields\n");
        failures++;
    }

    c.cfg.output_format = "raw";
    c.cfg.rhv_url = "https://admin@internal@engine.example.com/ovirt-engine/api";
    c.cfg.rhv_storage = "data";
    c.cfg.rhv_cluster = "Default";
    c.secrets.rhv_password = "/run/v2v/secrets/rhv-password";
    c.allocation = "preallocated";
    expect_args(u, &c, "-of raw -oa preallocated -o rhv-upload"
                " -oc https://admin@internal@engine.example.com/ovirt-engine/api -os data"
                " -op /run/v2v/secrets/rhv-password -oo rhv-cafile=/etc/pki/vdsm/certs/cacert.pem"
                " -oo rhv-cluster=Default -oo rhv-direct -oo rhv-verifypeer=true");
    c.cfg.insecure_connection = true;
    c.cfg.output_format = "qcow2";
    c.cfg.rhv_cafile = "/etc/ca.pem";
    c.allocation = NULL;
    expect_args(u, &c, "-of qcow2 -o rhv-upload"
                " -oc https://admin@internal@engine.example.com/ovirt-engine/api -os data"
                " -op /run/v2v/secrets/rhv-password -oo rhv-cafile=/etc/ca.pem"
                " -oo rhv-cluster=Default -oo rhv-direct -oo rhv-verifypeer=false");

    struct conversion x = { 0 };
    x.cfg.output_format = "raw";
    x.cfg.export_domain = "nfs.example.com:/export";
    x.allocation = "sparse";
    expect_args(e, &x, "-of raw -oa sparse -o rhv -os nfs.example.com:/export");
    x.allocation = NULL;
    expect_args(e, &x, "-of raw -o rhv -os nfs.example.com:/export");

    struct strv argv = { 0 };
    _cleanup_free_ char *error = NULL;
    c.secrets.rhv_password = NULL;
    if (u->append_args(&c, &argv, &error) >= 0 || !error) {
        printf("FAIL: no password file accepted\n");
        failures++;
    }
    strv_free(&argv);

    printf("%s\n", failures ? "FAILED" : "all passed");
    return failures ? 1 : 0;
}
