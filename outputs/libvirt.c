/* EXT: convert into a libvirt storage pool (-o libvirt [-oc URI] -os POOL). */
#include "outputs/output.h"

static int libvirt_append_args(const struct conversion *c, struct strv *argv, char **error)
{
    int r = strv_push(argv, "-o");
    if (r >= 0) r = strv_push(argv, "libvirt");
    if (r >= 0 && c->cfg.libvirt_uri) {
        r = strv_push(argv, "-oc");
        if (r >= 0) r = strv_push(argv, c->cfg.libvirt_uri);
    }
    if (r >= 0) r = strv_push(argv, "-os");
    if (r >= 0) r = strv_push(argv, c->cfg.libvirt_pool);
    if (r >= 0) r = output_append_format(c, argv);
    return r;
}

const struct output_ops output_libvirt = {
    .id = OUTPUT_LIBVIRT,
    .name = "libvirt",
    .log_dir = "/tmp",
    .identity = IDENTITY_CALLER,
    .append_args = libvirt_append_args,
};
