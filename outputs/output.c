#include <stddef.h>
#include "outputs/output.h"

const struct output_ops *output_lookup(enum output_kind_id id)
{
    static const struct output_ops *const all[] = {
        &output_rhv_upload, &output_export_domain, &output_local, &output_libvirt,
        &output_kubevirt,
    };
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        if (all[i]->id == id)
            return all[i];
    return NULL;
}

int output_append_format(const struct conversion *c, struct strv *argv)
{
    int r = strv_push(argv, "-of");
    if (r >= 0)
        r = strv_push(argv, c->cfg.output_format);
    if (r >= 0 && c->allocation) {
        r = strv_push(argv, "-oa");
        if (r >= 0)
            r = strv_push(argv, c->allocation);
    }
    return r;
}
