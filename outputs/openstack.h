/* The OpenStack output's helpers that tests use too. */
#ifndef V2VW_OPENSTACK_H
#define V2VW_OPENSTACK_H

#include "wrapper/config.h"

/* The server's name: vm_name, or for ssh the VMX file's name without .vmx. */
char *osp_server_name(const struct conversion_config *cfg);

#endif
