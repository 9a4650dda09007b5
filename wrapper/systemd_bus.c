#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "wrapper/systemd_bus.h"
#include "common/error.h"

#define METHOD_CALL_TIMEOUT_USEC (10ULL * 1000 * 1000)

int systemd_bus_error(const sd_bus_error *e, int r, const char *what, char **error)
{
    if (e && sd_bus_error_is_set(e)) {
        r = sd_bus_error_get_errno(e) > 0 ? -sd_bus_error_get_errno(e) : r;
        error_set(error, 0, "%s: %s", what, e->message ? e->message : e->name);
    } else {
        error_set(error, 0, "%s: %s", what, strerror(-r));
    }
    return r < 0 ? r : -EIO;
}

static int open_private(sd_bus **out)
{
    _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
    int r = sd_bus_new(&bus);
    if (r < 0)
        return r;
    r = sd_bus_set_address(bus, SYSTEMD_PRIVATE_ADDRESS);
    if (r < 0)
        return r;
    r = sd_bus_start(bus);
    if (r < 0)
        return r;
    *out = TAKE_PTR(bus);
    return 0;
}

static int ask_version(struct systemd_bus *sb, char **why_not)
{
    _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
    int r = sd_bus_set_method_call_timeout(sb->bus, METHOD_CALL_TIMEOUT_USEC);
    if (r < 0)
        return systemd_bus_error(NULL, r, "cannot set the D-Bus call timeout", why_not);
    r = sd_bus_get_property_string(sb->bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER,
                                   "Version", &e, &sb->version);
    if (r < 0)
        return systemd_bus_error(&e, r, "the systemd manager does not answer on D-Bus", why_not);
    return 0;
}

static int connect_manager(struct systemd_bus *sb, char **why_not)
{
    int r = sd_bus_open_system(&sb->bus);
    if (r >= 0) {
        r = ask_version(sb, NULL);
        if (r >= 0)
            return 0;
        log_debug("systemd: not reachable over the system bus (%s), trying %s",
                  strerror(-r), SYSTEMD_PRIVATE_ADDRESS);
        sb->bus = sd_bus_flush_close_unref(sb->bus);
    }
    r = open_private(&sb->bus);
    if (r < 0) {
        return error_set(why_not, r, "neither the D-Bus system bus nor %s is reachable: %s",
                                     SYSTEMD_PRIVATE_ADDRESS, strerror(-r));
    }
    sb->is_private = true;
    return ask_version(sb, why_not);
}

int systemd_bus_open(struct systemd_bus *sb, char **why_not)
{
    const char *no = getenv("V2VW_NO_SYSTEMD");
    *sb = (struct systemd_bus){ 0 };
    *why_not = NULL;
    if (no && strcmp(no, "1") == 0) {
        *why_not = strdup("V2VW_NO_SYSTEMD=1 is set");
        return -ENOTSUP;
    }
    if (access("/run/systemd/system", F_OK) < 0) {
        int r = -errno;
        *why_not = strdup("systemd is not the init system (no /run/systemd/system)");
        return r;
    }
    int r = connect_manager(sb, why_not);
    if (r < 0)
        systemd_bus_close(sb);
    return r;
}

void systemd_bus_close(struct systemd_bus *sb)
{
    sb->bus = sd_bus_flush_close_unref(sb->bus);
    free(sb->version);
    sb->version = NULL;
}

const char *systemd_bus_sender(const struct systemd_bus *sb)
{
    return sb->is_private ? NULL : SYSTEMD_DEST;
}
