/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenStack output's functions that tests use too. */
#ifndef V2VW_OPENSTACK_H
#define V2VW_OPENSTACK_H

#include "outputs/output.h"

/* The server's name: vm_name, or for ssh the VMX file's name without .vmx. */
char *osp_server_name(const struct output_input *in);

/* The engine's OS_* variables into plan->env: the input's settings (names
 * uppercased, - as _), and every OS_* of the wrapper's own environment
 * removed. */
int osp_plan_env(const struct output_input *in, struct output_plan *plan);

#endif
