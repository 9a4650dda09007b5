/* SPDX-License-Identifier: Apache-2.0 */
/* What every output shares: the lookup, the plan, -of/-oa. */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "outputs/output.h"
#include "outputs/virtio_win.h"

const struct output_ops *output_lookup(enum output_kind_id id)
{
    static const struct output_ops *const all[] = {
        &output_rhv_upload, &output_export_domain, &output_local, &output_libvirt,
        &output_openstack,
        &output_kubevirt,
    };
    for (size_t i = 0; i < ELEMENTSOF(all); i++)
        if (all[i]->id == id)
            return all[i];
    return NULL;
}

const char *output_kind_name(enum output_kind_id o)
{
    static const char *const names[] = {
        [OUTPUT_RHV_UPLOAD] = "rhv-upload", [OUTPUT_EXPORT_DOMAIN] = "export-domain",
        [OUTPUT_OPENSTACK] = "openstack", [OUTPUT_KUBEVIRT] = "kubevirt",
        [OUTPUT_LOCAL] = "local", [OUTPUT_LIBVIRT] = "libvirt",
    };
    return (size_t)o < ELEMENTSOF(names) ? names[o] : "?";
}

int output_plan_make(const struct output_ops *ops, const struct output_input *in,
                     struct output_plan *plan, char **error)
{
    int r;

    if (in->allocation && !(plan->allocation = strdup(in->allocation)))
        return -ENOMEM;
    if (ops->prepare && (r = ops->prepare(in, plan, error)) < 0)
        return r;
    return virtio_win_resolve(in, ops, plan, error);
}

void output_plan_free(const struct output_ops *ops, struct output_plan *plan)
{
    free(plan->allocation);
    free(plan->virtio_win);
    for (size_t i = 0; i < plan->env.n; i++)      /* OS_PASSWORD=... */
        explicit_bzero(plan->env.v[i], strlen(plan->env.v[i]));
    free(plan->output_name);
    strv_free(&plan->env);
    if (plan->priv) {
        assert(ops && ops->priv_free);
        ops->priv_free(plan->priv);
    }
    *plan = (struct output_plan){ 0 };
}

int output_append_format(const struct output_input *in, const struct output_plan *plan,
                         struct strv *argv)
{
    int r = strv_push_all(argv, "-of", in->output_format, NULL);
    if (r >= 0 && plan->allocation)
        r = strv_push_all(argv, "-oa", plan->allocation, NULL);
    return r;
}
