/* SPDX-License-Identifier: Apache-2.0 */
#include <stdlib.h>
#include <string.h>

#include "common/settings.h"

static struct settings current;
static bool loaded;

static const char *text(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}

/* Whole seconds in [min, max], else def. */
static long whole_seconds(const char *name, long min, long max, long def)
{
    const char *v = getenv(name);
    char *end;
    if (!v || !*v)
        return def;
    long n = strtol(v, &end, 10);
    return n >= min && n <= max ? n : def;
}

/* Seconds (fractions allowed) in [min, max] as milliseconds, else def. */
static long seconds_ms(const char *name, double min, double max, bool min_open, long def)
{
    const char *v = getenv(name);
    char *end;
    if (!v || !*v)
        return def;
    double s = strtod(v, &end);
    if (*end || s < min || (min_open && s == min) || s > max)
        return def;
    long ms = (long)(s * 1000);
    return ms < 1 && min_open ? 1 : ms;
}

void settings_reload(void)
{
    const char *no_systemd = getenv("V2VW_NO_SYSTEMD");
    const char *journal = getenv("V2VW_JOURNAL");

    current = (struct settings){
        .engine = text("V2VW_ENGINE", "/usr/bin/virt-v2v"),
        .state_dir = text("V2VW_STATE_DIR", NULL),
        .run_root = text("V2VW_RUN_DIR", NULL),
        .log_dir = text("V2VW_LOG_DIR", NULL),
        .no_systemd = no_systemd != NULL && strcmp(no_systemd, "1") == 0,
        .kill_grace_sec = (unsigned)whole_seconds("V2VW_KILL_GRACE_SECONDS", 0, 3599, 30),
        .final_write_sec = whole_seconds("V2VW_FINAL_WRITE_SECONDS", 0, 86400, 300),
        .throttle_ifaces = text("V2VW_THROTTLE_IFACES", NULL),
        .throttle_rundir = text("V2VW_THROTTLE_RUNDIR", "/run/virt-v2v-wrapper"),
        .rhev_mnt = text("V2VW_RHEV_MNT", "/rhev/data-center/mnt"),
        .ovirt_timeout_ms = seconds_ms("V2VW_OVIRT_TIMEOUT", 0, 86399.999, true, 0),
        .ovirt_cleanup_timeout_ms = seconds_ms("V2VW_OVIRT_CLEANUP_TIMEOUT", 0, 86400, false, -1),
        .ovirt_poll_ms = seconds_ms("V2VW_OVIRT_POLL_INTERVAL", 0, 86400, false, -1),
        .osp_timeout_ms = seconds_ms("V2VW_OSP_TIMEOUT", 0, 86399.999, true, -1),
        .osp_volume_timeout_ms = seconds_ms("V2VW_OSP_VOLUME_TIMEOUT", 0, 86400, false, -1),
        .osp_server_timeout_ms = seconds_ms("V2VW_OSP_SERVER_TIMEOUT", 0, 86400, false, -1),
        .osp_cleanup_timeout_ms = seconds_ms("V2VW_OSP_CLEANUP_TIMEOUT", 0, 86400, false, -1),
        .osp_poll_ms = seconds_ms("V2VW_OSP_POLL_INTERVAL", 0, 86400, true, -1),
        .osp_retry_ms = seconds_ms("V2VW_OSP_RETRY_DELAY", 0, 3600, false, -1),
        .rpm = text("V2VW_RPM", "rpm"),
        .dpkg_query = text("V2VW_DPKG_QUERY", "dpkg-query"),
        .index_dir = text("V2VW_INDEX_DIR", NULL),
        .stall_sec = (unsigned)whole_seconds("V2VW_STALL_SECONDS", 1, 7 * 86400, 600),
        .prometheus_dir = text("V2VW_PROMETHEUS_DIR", NULL),
        .journal = journal ? (strcmp(journal, "1") == 0 ? 1 : strcmp(journal, "0") == 0 ? 0 : -1) : -1,
        .admin_timeout_sec = (unsigned)whole_seconds("V2VW_ADMIN_TIMEOUT", 1, 86400, 120),
        .kube_data_dir = text("V2VW_KUBE_DATA_DIR", "/data"),
        .kube_sa_dir = text("V2VW_KUBE_SERVICEACCOUNT_DIR", "/var/run/secrets/kubernetes.io/serviceaccount"),
        .kube_termination_log = text("V2VW_KUBE_TERMINATION_LOG", "/dev/termination-log"),
        .kube_timeout_ms = seconds_ms("V2VW_KUBE_TIMEOUT", 0, 3600, true, 15000),
        .kube_final_sec = whole_seconds("V2VW_KUBE_FINAL_SECONDS", 0, 86400, 120),
        .test_fault = text("V2VW_TEST_FAULT", NULL),
    };
    loaded = true;
}

const struct settings *settings(void)
{
    if (!loaded)
        settings_reload();
    return &current;
}

bool settings_fault(const char *name)
{
    const char *f = settings()->test_fault;
    return f && strcmp(f, name) == 0;
}
