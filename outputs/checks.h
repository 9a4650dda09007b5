/* SPDX-License-Identifier: Apache-2.0 */
/* Host checks of oVirt conversion hosts (`--check-NAME`, CONTRACT §1).
 * Each prints what it found to `out` and returns 0 (pass) or 1 (fail). */
#ifndef V2VW_OUTPUTS_CHECKS_H
#define V2VW_OUTPUTS_CHECKS_H

#include <stdio.h>

#define RHV_MIN_VDSM_VERSION "4.20.31"

/* An ISO domain with a guest tools / virtio-win ISO exists. */
int check_rhv_guest_tools(FILE *out);
/* The installed VDSM is at least RHV_MIN_VDSM_VERSION (rpm, else dpkg;
 * the tools are overridable by $V2VW_RPM / $V2VW_DPKG_QUERY for tests). */
int check_rhv_version(FILE *out);

#endif
