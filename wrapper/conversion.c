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
        .osp_environment = cfg->osp_environment,
        .n_osp_environment = cfg->n_osp_environment,
        .osp_destination_project_id = cfg->osp_destination_project_id,
        .osp_flavor_id = cfg->osp_flavor_id,
        .osp_server_id = cfg->osp_server_id,
        .osp_guest_id = cfg->osp_guest_id,
        .osp_volume_type_id = cfg->osp_volume_type_id,
        .osp_security_groups_ids = cfg->osp_security_groups_ids,
        .n_osp_security_groups_ids = cfg->n_osp_security_groups_ids,
        .network_mappings = cfg->network_mappings,
        .n_network_mappings = cfg->n_network_mappings,
        .ssh_transport = cfg->transport == TRANSPORT_SSH,
        .capabilities = c->plan.capabilities.n ? c->plan.capabilities.v : NULL,
    };
}
