/* SPDX-License-Identifier: Apache-2.0 */
/* The conversion as the stages hand it on: what the output sees of it. */
#include "wrapper/conversion.h"

void conversion_output_input(const struct conversion *c, struct output_input *in)
{
    const struct conversion_config *cfg = &c->cfg;

    *in = (struct output_input){
        .kind = cfg->output,
        .vm_name = cfg->vm_name,
        .output_format = cfg->output_format,
        .allocation = cfg->allocation,
        .virtio_win = cfg->virtio_win,
        .install_drivers = cfg->install_drivers,
        .insecure_connection = cfg->insecure_connection,
        .rhv_url = cfg->rhv_url,
        .rhv_password = cfg->rhv_password,
        .rhv_cluster = cfg->rhv_cluster,
        .rhv_storage = cfg->rhv_storage,
        .rhv_cafile = cfg->rhv_cafile,
        .password_file = c->plan.secrets.rhv_password,
        .export_domain = cfg->export_domain,
        .local_storage = cfg->local_storage,
        .libvirt_pool = cfg->libvirt_pool,
        .libvirt_uri = cfg->libvirt_uri,
        .capabilities = c->plan.capabilities.n ? c->plan.capabilities.v : NULL,
    };
}
