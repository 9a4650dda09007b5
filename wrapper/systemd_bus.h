/* SPDX-License-Identifier: Apache-2.0 */
/* The connection to the systemd manager, for the systemd runner and
 * --check-systemd: the system bus when there is one, else systemd's private
 * socket /run/systemd/private (a documented systemd endpoint, root only),
 * which also serves minimal hosts without dbus-daemon. */
#ifndef V2VW_SYSTEMD_BUS_H
#define V2VW_SYSTEMD_BUS_H

#include <stdbool.h>
#include <systemd/sd-bus.h>

#define SYSTEMD_DEST "org.freedesktop.systemd1"
#define SYSTEMD_PATH "/org/freedesktop/systemd1"
#define SYSTEMD_MANAGER "org.freedesktop.systemd1.Manager"
#define SYSTEMD_PRIVATE_ADDRESS "unix:path=/run/systemd/private"

struct systemd_bus {
    sd_bus *bus;
    bool is_private;        /* peer-to-peer with systemd: no sender names */
    char *version;          /* the manager's Version property */
};

/* Open the connection and make sure the manager answers. Negative errno
 * with *why_not (one sentence, caller frees) when systemd is not usable:
 * not the init system, V2VW_NO_SYSTEMD=1 set, or not reachable. */
int systemd_bus_open(struct systemd_bus *sb, char **why_not);
void systemd_bus_close(struct systemd_bus *sb);
/* The sender to match signals on: NULL on the private socket. */
const char *systemd_bus_sender(const struct systemd_bus *sb);
/* One sentence for a failed call: "WHAT: MESSAGE". Returns a negative errno. */
int systemd_bus_error(const sd_bus_error *e, int r, const char *what, char **error);

#endif
