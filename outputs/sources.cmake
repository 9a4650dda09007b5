# SPDX-License-Identifier: Apache-2.0
# Sources of outputs/: one file per output kind, and their clients.
list(APPEND V2VW_OUTPUTS_SOURCES
  outputs/output.c
  outputs/local.c
  outputs/libvirt.c
  outputs/http.c
  outputs/http_loop.c
  outputs/ovirt_api.c
  outputs/openstack.c
  outputs/openstack_client.c
  outputs/openstack_keystone.c
  outputs/openstack_cinder.c
  outputs/openstack_neutron.c
  outputs/openstack_nova.c
  outputs/openstack_job.c
  outputs/openstack_finish.c
  outputs/openstack_cleanup.c
  outputs/kube_name.c
  outputs/kube_config.c
  outputs/kube_client.c
  outputs/kube_annotations.c
  outputs/kubevirt.c
  outputs/rhv_upload.c
  outputs/export_domain.c
  outputs/virtio_win.c
  outputs/rhv_checks.c
  outputs/rpmvercmp.c
)
