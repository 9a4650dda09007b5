/* oVirt export domain (`export_domain` = host:/path): virt-v2v -o rhv, run
 * as root because the engine mounts the NFS export itself. */
#include "outputs/output.h"

static int export_domain_append_args(const struct output_input *in, const struct output_plan *plan,
                                     struct strv *argv, char **error)
{
    int r = output_append_format(in, plan, argv);
    return r < 0 ? r : strv_push_all(argv, "-o", "rhv", "-os", in->export_domain, NULL);
}

const struct output_ops output_export_domain = {
    .id = OUTPUT_EXPORT_DOMAIN,
    .name = "export-domain",
    .log_dir = "/var/log/vdsm/import",
    .identity = IDENTITY_ROOT,
    .backend_direct = true,
    .default_bridge = true,
    .iso_domain = true,
    .append_args = export_domain_append_args,
};
