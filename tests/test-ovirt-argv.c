/* The oVirt outputs' identity and engine arguments (CONTRACT §4): upload
 * secure and insecure, with and without allocation, export domain. */
#include <stdio.h>
#include <string.h>

#include "outputs/output.h"
#include "common/cleanup.h"

static int failures;

static void expect_args(const struct output_ops *ops, const struct output_input *in,
                        const struct output_plan *plan, const char *want)
{
    struct strv argv = { 0 };
    _cleanup_free_ char *error = NULL;
    char got[2048] = "";

    int r = ops->append_args(in, plan, &argv, &error);
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
    struct output_input c = { 0 };
    struct output_plan p = { 0 };

    const struct output_ops *u = &output_rhv_upload, *e = &output_export_domain;
    if (u->id != OUTPUT_RHV_UPLOAD || u->identity != IDENTITY_VDSM || !u->backend_direct ||
        !u->default_bridge || !u->iso_domain || strcmp(u->log_dir, "/var/log/vdsm/import") || !u->prepare || !u->finish ||
        e->id != OUTPUT_EXPORT_DOMAIN || e->identity != IDENTITY_ROOT || !e->backend_direct ||
        !e->default_bridge || !e->iso_domain || strcmp(e->log_dir, "/var/log/vdsm/import")) {
        printf("FAIL: output_ops fields\n");
        failures++;
    }

    c.output_format = "raw";
    c.rhv_url = "https://admin@internal@engine.example.com/ovirt-engine/api";
    c.rhv_storage = "data";
    c.rhv_cluster = "Default";
    c.password_file = "/run/v2v/secrets/rhv-password";
    p.allocation = "preallocated";
    expect_args(u, &c, &p, "-of raw -oa preallocated -o rhv-upload"
                " -oc https://admin@internal@engine.example.com/ovirt-engine/api -os data"
                " -op /run/v2v/secrets/rhv-password -oo rhv-cafile=/etc/pki/vdsm/certs/cacert.pem"
                " -oo rhv-cluster=Default -oo rhv-direct -oo rhv-verifypeer=true");
    c.insecure_connection = true;
    c.output_format = "qcow2";
    c.rhv_cafile = "/etc/ca.pem";
    p.allocation = NULL;
    expect_args(u, &c, &p, "-of qcow2 -o rhv-upload"
                " -oc https://admin@internal@engine.example.com/ovirt-engine/api -os data"
                " -op /run/v2v/secrets/rhv-password -oo rhv-cafile=/etc/ca.pem"
                " -oo rhv-cluster=Default -oo rhv-direct -oo rhv-verifypeer=false");

    struct output_input x = { 0 };
    struct output_plan xp = { 0 };
    x.output_format = "raw";
    x.export_domain = "nfs.example.com:/export";
    xp.allocation = "sparse";
    expect_args(e, &x, &xp, "-of raw -oa sparse -o rhv -os nfs.example.com:/export");
    xp.allocation = NULL;
    expect_args(e, &x, &xp, "-of raw -o rhv -os nfs.example.com:/export");

    struct strv argv = { 0 };
    _cleanup_free_ char *error = NULL;
    c.password_file = NULL;
    if (u->append_args(&c, &p, &argv, &error) >= 0 || !error) {
        printf("FAIL: no password file accepted\n");
        failures++;
    }
    strv_free(&argv);

    printf("%s\n", failures ? "FAILED" : "all passed");
    return failures ? 1 : 0;
}
