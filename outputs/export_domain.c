/* oVirt export domain (`export_domain` = host:/path): virt-v2v -o rhv, run
 * as root because the engine mounts the NFS export itself. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "outputs/output.h"
#include "outputs/virtio_win.h"

static int export_domain_prepare(struct conversion *c, char **error)
{
    free(c->allocation);
    c->allocation = NULL;
    if (c->cfg.allocation && !(c->allocation = strdup(c->cfg.allocation)))
        return -ENOMEM;
    return virtio_win_resolve(c, error);
}

static int export_domain_append_args(const struct conversion *c, struct strv *argv, char **error)
{
    int r = output_append_format(c, argv);
    return r < 0 ? r : strv_push_all(argv, "-o", "rhv", "-os", c->cfg.export_domain, NULL);
}

const struct output_ops output_export_domain = {
    .id = OUTPUT_EXPORT_DOMAIN,
    .name = "export-domain",
    .log_dir = "/var/log/vdsm/import",
    .identity = IDENTITY_ROOT,
    .backend_direct = true,
    .default_bridge = true,
    .prepare = export_domain_prepare,
    .append_args = export_domain_append_args,
    .finish = NULL,
};
