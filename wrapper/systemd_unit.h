/* SPDX-License-Identifier: Apache-2.0 */
/* The transient service unit a conversion runs in: its name and the
 * StartTransientUnit call that creates it. */
#ifndef V2VW_SYSTEMD_UNIT_H
#define V2VW_SYSTEMD_UNIT_H

#include <stdbool.h>
#include <systemd/sd-bus.h>
#include "wrapper/runner.h"

#define SYSTEMD_UNIT_PREFIX "virt-v2v-wrapper-"
#define SYSTEMD_UNIT_STOP_TIMEOUT_USEC (30ULL * 1000 * 1000)

/* "virt-v2v-wrapper-TAG.service"; -EINVAL when TAG has characters a unit
 * name cannot hold. */
int systemd_unit_name(const char *tag, char **name);
/* Whether systemd accepts NAME=VALUE in Environment= (others are left out
 * with a warning naming only NAME). */
bool systemd_env_valid(const char *assignment);
/* StartTransientUnit(name, "fail", properties, []) for `cmd`. */
int systemd_unit_start_message(sd_bus *bus, const char *name, const struct engine_command *cmd,
                               sd_bus_message **out);

#endif
