/* The systemd runner: the engine runs in a transient service unit
 * virt-v2v-wrapper-TAG.service, started and followed over sd-bus attached
 * to the caller's sd-event loop.
 *
 * start() is synchronous up to the moment the engine runs: the JobRemoved
 * and PropertiesChanged matches are added before StartTransientUnit, the
 * bus is pumped until our job is removed, then the engine's PID and the
 * unit's cgroup are read. The unit's end is taken from the values carried
 * by PropertiesChanged (ExecMainCode/ExecMainStatus of the Service
 * interface, ActiveState of the Unit interface), because with
 * CollectMode=inactive-or-failed the unit object may be gone by the time
 * we could ask. on_exit is delivered once, from a defer event source. */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "wrapper/runner.h"
#include "wrapper/systemd_bus.h"
#include "wrapper/systemd_unit.h"
#include "common/error.h"

#define JOB_TIMEOUT_USEC (60ULL * 1000 * 1000)
#define JOB_END_TIMEOUT_USEC (5ULL * 1000 * 1000)

struct systemd_runner {
    struct engine_runner base;          /* first: the ops see this */
    struct systemd_bus sb;
    sd_event *event;
    char *unit, *unit_path;
    sd_bus_slot *job_slot, *props_slot;
    sd_event_source *exit_source;
    engine_exit_fn on_exit;
    void *userdata;
    bool job_removed, job_ok, inactive, ended, reported;
    int exec_code, exec_status;         /* CLD_* and status, once the engine ended */
    char *job_result;
};

static struct systemd_runner *SR(struct engine_runner *r)
{
    return (struct systemd_runner *)r;
}

static int return_code_of(int code, int status)
{
    if (code == CLD_EXITED)
        return status;
    if (code == CLD_KILLED || code == CLD_DUMPED)
        return -status;
    return -1;
}

/* The end, delivered from the event loop, never from inside start(). */
static int deliver_exit(sd_event_source *s, void *userdata)
{
    struct systemd_runner *r = userdata;
    _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
    if (r->reported)
        return 0;
    r->reported = true;
    /* CollectMode should have removed it; make sure a failed unit does not linger. */
    int q = sd_bus_call_method(r->sb.bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER,
                               "ResetFailedUnit", &e, NULL, "s", r->unit);
    if (q < 0 && !sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
        log_debug("systemd: ResetFailedUnit %s: %s", r->unit, e.message ? e.message : strerror(-q));
    int rc = return_code_of(r->exec_code, r->exec_status);
    log_info("systemd: unit %s ended, return code %d", r->unit, rc);
    r->props_slot = sd_bus_slot_unref(r->props_slot);
    if (r->on_exit)
        r->on_exit(r->userdata, rc);
    return 0;
}

static int schedule_exit(struct systemd_runner *r)
{
    if (r->exit_source || r->reported)
        return 0;
    int q = sd_event_add_defer(r->event, &r->exit_source, deliver_exit, r);
    if (q >= 0)
        q = sd_event_source_set_enabled(r->exit_source, SD_EVENT_ONESHOT);
    if (q < 0)
        log_error("systemd: cannot schedule the end of %s: %s", r->unit, strerror(-q));
    return q;
}

static int read_variant(sd_bus_message *m, char type, void *p)
{
    char sig[2] = { type, 0 };
    int q = sd_bus_message_enter_container(m, 'v', sig);
    if (q < 0)
        return q;
    q = sd_bus_message_read_basic(m, type, p);
    if (q < 0)
        return q;
    return sd_bus_message_exit_container(m);
}

/* One changed property of the unit object. */
static int on_property(struct systemd_runner *r, sd_bus_message *m, const char *iface,
                       const char *name)
{
    const char *state;
    uint32_t pid;
    int q;
    if (strcmp(iface, "org.freedesktop.systemd1.Service") == 0) {
        if (strcmp(name, "ExecMainPID") == 0) {
            q = read_variant(m, 'u', &pid);
            if (q >= 0 && pid > 0)
                r->base.pid = (pid_t)pid;
            return q;
        }
        if (strcmp(name, "ExecMainCode") == 0)
            return read_variant(m, 'i', &r->exec_code);
        if (strcmp(name, "ExecMainStatus") == 0)
            return read_variant(m, 'i', &r->exec_status);
    } else if (strcmp(iface, "org.freedesktop.systemd1.Unit") == 0 &&
               strcmp(name, "ActiveState") == 0) {
        q = read_variant(m, 's', &state);
        if (q >= 0)
            r->inactive = strcmp(state, "inactive") == 0 || strcmp(state, "failed") == 0;
        return q;
    }
    return sd_bus_message_skip(m, "v");
}

static int on_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
    struct systemd_runner *r = userdata;
    const char *iface, *name;
    int q = sd_bus_message_read(m, "s", &iface);
    if (q >= 0)
        q = sd_bus_message_enter_container(m, 'a', "{sv}");
    while (q >= 0) {
        q = sd_bus_message_enter_container(m, 'e', "sv");
        if (q <= 0)
            break;
        q = sd_bus_message_read(m, "s", &name);
        if (q >= 0)
            q = on_property(r, m, iface, name);
        if (q >= 0)
            q = sd_bus_message_exit_container(m);
    }
    if (q < 0) {
        log_warning("systemd: cannot parse PropertiesChanged of %s: %s", r->unit, strerror(-q));
        return 0;
    }
    /* ExecMainCode is set once the main process has exited, so an inactive
     * unit that never ran is not mistaken for an end. */
    if (r->inactive && r->exec_code > 0)
        r->ended = true;
    /* During start() the end is scheduled by start() itself. */
    if (r->ended && r->job_removed && r->job_ok)
        schedule_exit(r);
    return 0;
}

static int on_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *ret_error)
{
    struct systemd_runner *r = userdata;
    const char *job, *unit, *result;
    uint32_t id;
    if (sd_bus_message_read(m, "uoss", &id, &job, &unit, &result) < 0 ||
        strcmp(unit, r->unit) != 0 || r->job_removed)
        return 0;
    r->job_removed = true;
    r->job_ok = strcmp(result, "done") == 0;
    r->job_result = strdup(result);
    r->job_slot = sd_bus_slot_unref(r->job_slot);
    return 0;
}

static int add_matches(struct systemd_runner *r, char **error)
{
    const char *sender = systemd_bus_sender(&r->sb);
    _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
    int q = sd_bus_match_signal(r->sb.bus, &r->job_slot, sender, SYSTEMD_PATH, SYSTEMD_MANAGER,
                                "JobRemoved", on_job_removed, r);
    if (q >= 0)
        q = sd_bus_match_signal(r->sb.bus, &r->props_slot, sender, r->unit_path,
                                "org.freedesktop.DBus.Properties", "PropertiesChanged",
                                on_properties_changed, r);
    if (q < 0)
        return systemd_bus_error(NULL, q, "cannot watch systemd's signals", error);
    /* systemd emits unit and job signals only while someone subscribed. */
    q = sd_bus_call_method(r->sb.bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "Subscribe",
                           &e, NULL, NULL);
    if (q < 0)
        return systemd_bus_error(&e, q, "cannot subscribe to systemd's signals", error);
    return 0;
}

static uint64_t now_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* Dispatch bus messages until *flag is set or the time is up. */
static int pump_until(struct systemd_runner *r, const bool *flag, uint64_t timeout_usec,
                      const char *what, char **error)
{
    uint64_t deadline = now_usec() + timeout_usec;
    while (!*flag) {
        int q = sd_bus_process(r->sb.bus, NULL);
        if (q < 0)
            return systemd_bus_error(NULL, q, "lost the connection to systemd", error);
        if (q > 0)
            continue;
        uint64_t now = now_usec();
        if (now >= deadline)
            return systemd_bus_error(NULL, -ETIMEDOUT, what, error);
        q = sd_bus_wait(r->sb.bus, deadline - now);
        if (q < 0)
            return systemd_bus_error(NULL, q, "lost the connection to systemd", error);
    }
    return 0;
}

/* systemd's own exit statuses for a service it could not set up or exec
 * (EXIT_CHDIR 200 ... EXIT_CREDENTIALS 243, see systemd.exec(5)). */
static bool is_setup_failure(int code, int status)
{
    return code == CLD_EXITED && status >= 200 && status <= 243;
}

/* A failed start job does not mean the engine did not run: an engine that
 * exits (or dies) at once can end before systemd saw the exec complete, and
 * the job then fails although the engine ran. The unit's end (which follows
 * JobRemoved on the bus) tells the two apart. */
static int job_failed(struct systemd_runner *r, char **error)
{
    _cleanup_free_ char *ignored = NULL;
    pump_until(r, &r->ended, JOB_END_TIMEOUT_USEC, "", &ignored);
    if (r->ended && !is_setup_failure(r->exec_code, r->exec_status)) {
        log_info("systemd: %s ended while starting (job %s)", r->unit, r->job_result);
        r->job_ok = true;
        return 0;
    }
    if (r->ended)
        return error_set(error, -EIO, "systemd could not start %s: the engine could not be "
                                      "executed (status %d, see systemd.exec(5))",
                                      r->unit, r->exec_status);
    return error_set(error, -EIO, "systemd could not start %s (job %s): the engine did not run",
                                  r->unit, r->job_result ? r->job_result : "failed");
}

static int wait_for_job(struct systemd_runner *r, char **error)
{
    int q = pump_until(r, &r->job_removed, JOB_TIMEOUT_USEC,
                       "systemd did not start the unit in time", error);
    if (q < 0)
        return q;
    return r->job_ok ? 0 : job_failed(r, error);
}

static int call_start(struct systemd_runner *r, const struct engine_command *cmd, char **error)
{
    _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
    _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
    int q = systemd_unit_start_message(r->sb.bus, r->unit, cmd, &m);
    if (q < 0)
        return systemd_bus_error(NULL, q, "cannot build the StartTransientUnit call", error);
    q = sd_bus_call(r->sb.bus, m, 0, &e, &reply);
    if (q < 0)
        return systemd_bus_error(&e, q, "systemd refused to start the conversion unit", error);
    return 0;
}

/* ExecMainPID, when PropertiesChanged did not carry it already. */
static void read_pid(struct systemd_runner *r)
{
    _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
    uint32_t pid = 0;
    if (r->base.pid > 0)
        return;
    if (sd_bus_get_property_trivial(r->sb.bus, SYSTEMD_DEST, r->unit_path,
                                    "org.freedesktop.systemd1.Service", "ExecMainPID", &e, 'u',
                                    &pid) >= 0 && pid > 0)
        r->base.pid = (pid_t)pid;
    else
        log_warning("systemd: cannot read ExecMainPID of %s: %s", r->unit,
                    e.message ? e.message : "unit already gone");
}

/* The network throttle for the unit's own cgroup (NULL when unavailable). */
static void make_throttle(struct systemd_runner *r, const struct engine_command *cmd,
                          struct throttle **throttle)
{
    _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
    _cleanup_free_ char *cgroup = NULL;
    *throttle = NULL;
    if (sd_bus_get_property_string(r->sb.bus, SYSTEMD_DEST, r->unit_path,
                                   "org.freedesktop.systemd1.Service", "ControlGroup", &e,
                                   &cgroup) < 0 || !cgroup || !*cgroup) {
        log_warning("systemd: no cgroup for %s (%s): network throttling unavailable", r->unit,
                    e.message ? e.message : "unit already gone");
        return;
    }
    log_debug("systemd: unit %s runs in cgroup %s", r->unit, cgroup);
    _cleanup_free_ char *err = NULL;
    if (throttle_new_for_cgroup(cmd->tag, cgroup, throttle, &err) < 0) {
        log_warning("systemd: network throttling unavailable: %s", err ? err : "unknown error");
        *throttle = NULL;
    }
}

/* A start that failed: make sure no unit runs on unwatched (a job that timed
 * out may still start it) and that none lingers; never report an end. */
static int abandon(struct systemd_runner *r, int error)
{
    _cleanup_(sd_bus_error_free) sd_bus_error e1 = SD_BUS_ERROR_NULL, e2 = SD_BUS_ERROR_NULL;
    r->props_slot = sd_bus_slot_unref(r->props_slot);
    r->job_slot = sd_bus_slot_unref(r->job_slot);
    r->reported = true;
    (void)sd_bus_call_method(r->sb.bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER, "StopUnit",
                             &e1, NULL, "ss", r->unit, "replace");
    (void)sd_bus_call_method(r->sb.bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER,
                             "ResetFailedUnit", &e2, NULL, "s", r->unit);
    return error;
}

static int sr_start(struct engine_runner *base, sd_event *event, const struct engine_command *cmd,
                    struct throttle **throttle, engine_exit_fn on_exit, void *userdata,
                    char **error)
{
    struct systemd_runner *r = SR(base);
    int q;
    *error = NULL;
    if (throttle)
        *throttle = NULL;
    if (r->unit)
        return systemd_bus_error(NULL, -EALREADY, "the systemd runner was already started", error);
    if (systemd_unit_name(cmd->tag, &r->unit) < 0)
        return systemd_bus_error(NULL, -EINVAL, "the conversion tag is not a valid unit name", error);
    q = sd_bus_path_encode(SYSTEMD_PATH "/unit", r->unit, &r->unit_path);
    if (q < 0)
        return systemd_bus_error(NULL, q, "cannot build the unit's object path", error);
    r->event = sd_event_ref(event);
    r->on_exit = on_exit;
    r->userdata = userdata;
    uint64_t t0 = now_usec();
    q = add_matches(r, error);
    if (q >= 0)
        q = call_start(r, cmd, error);
    if (q < 0) {                /* no unit of ours exists */
        r->props_slot = sd_bus_slot_unref(r->props_slot);
        r->job_slot = sd_bus_slot_unref(r->job_slot);
        r->reported = true;
        return q;
    }
    q = wait_for_job(r, error);
    if (q < 0)
        return abandon(r, q);
    read_pid(r);
    log_info("systemd: started %s, engine PID %d (%.1f ms)", r->unit, (int)r->base.pid,
             (now_usec() - t0) / 1000.0);
    if (throttle)
        make_throttle(r, cmd, throttle);
    q = sd_bus_attach_event(r->sb.bus, event, SD_EVENT_PRIORITY_NORMAL);
    if (q < 0) {
        systemd_bus_error(NULL, q, "cannot attach D-Bus to the event loop", error);
        return abandon(r, q);
    }
    if (r->ended)
        schedule_exit(r);
    return 0;
}

/* A unit call that is moot once the unit has ended. */
static int unit_call(struct systemd_runner *r, const char *method, const char *types, ...)
{
    _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
    _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
    va_list ap;
    if (!r->unit || r->reported)
        return 0;
    int q = sd_bus_message_new_method_call(r->sb.bus, &m, SYSTEMD_DEST, SYSTEMD_PATH,
                                           SYSTEMD_MANAGER, method);
    if (q >= 0) {
        va_start(ap, types);
        q = sd_bus_message_appendv(m, types, ap);
        va_end(ap);
    }
    if (q >= 0)
        q = sd_bus_call(r->sb.bus, m, 0, &e, &reply);
    if (q < 0 && sd_bus_error_has_name(&e, "org.freedesktop.systemd1.NoSuchUnit"))
        return 0;
    if (q < 0) {
        log_warning("systemd: %s %s: %s", method, r->unit, e.message ? e.message : strerror(-q));
        return q;
    }
    return 0;
}

static int sr_stop(struct engine_runner *base)
{
    return unit_call(SR(base), "StopUnit", "ss", SR(base)->unit, "replace");
}

static int sr_kill(struct engine_runner *base)
{
    return unit_call(SR(base), "KillUnit", "ssi", SR(base)->unit, "all", (int32_t)SIGKILL);
}

static int sr_set_cpu(struct engine_runner *base, const struct throttle_request *req, char **error)
{
    struct systemd_runner *r = SR(base);
    _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
    if (!req->cpu_present)
        return 0;
    if (!r->unit || r->reported)
        return systemd_bus_error(NULL, -ESRCH, "the conversion unit is not running", error);
    uint64_t quota = req->cpu_unlimited ? UINT64_MAX : (uint64_t)req->cpu_percent * 10000;
    int q = sd_bus_call_method(r->sb.bus, SYSTEMD_DEST, SYSTEMD_PATH, SYSTEMD_MANAGER,
                               "SetUnitProperties", &e, NULL, "sba(sv)", r->unit, 1, 1,
                               "CPUQuotaPerSecUSec", "t", quota);
    if (q < 0)
        return systemd_bus_error(&e, q, "systemd refused the CPU limit", error);
    return 0;
}

static void sr_free(struct engine_runner *base)
{
    struct systemd_runner *r = SR(base);
    if (!r)
        return;
    sd_bus_slot_unref(r->job_slot);
    sd_bus_slot_unref(r->props_slot);
    sd_event_source_disable_unref(r->exit_source);
    if (r->sb.bus)
        sd_bus_detach_event(r->sb.bus);
    systemd_bus_close(&r->sb);
    sd_event_unref(r->event);
    free(r->unit);
    free(r->unit_path);
    free(r->job_result);
    free(r);
}

int runner_systemd_new(struct engine_runner **out, char **why_not)
{
    struct systemd_runner *r = calloc(1, sizeof *r);
    *out = NULL;
    *why_not = NULL;
    if (!r)
        return -ENOMEM;
    int q = systemd_bus_open(&r->sb, why_not);
    if (q < 0) {
        free(r);
        return q;
    }
    r->base = (struct engine_runner){
        .name = "systemd",
        .start = sr_start,
        .stop = sr_stop,
        .kill = sr_kill,
        .set_cpu = sr_set_cpu,
        .free = sr_free,
    };
    log_info("systemd: using systemd %s over %s", r->sb.version,
              r->sb.is_private ? SYSTEMD_PRIVATE_ADDRESS : "the system bus");
    *out = &r->base;
    return 0;
}

int runner_systemd_check(FILE *out)
{
    struct systemd_bus sb;
    _cleanup_free_ char *why_not = NULL;
    int q = systemd_bus_open(&sb, &why_not);
    if (q < 0) {
        fprintf(out, "systemd: not used, engines run directly: %s\n",
                why_not ? why_not : strerror(-q));
        return q;
    }
    fprintf(out, "systemd: usable: systemd %s over %s; engines run in transient units "
            SYSTEMD_UNIT_PREFIX "TAG.service\n", sb.version,
            sb.is_private ? SYSTEMD_PRIVATE_ADDRESS : "the system bus");
    systemd_bus_close(&sb);
    return 0;
}
