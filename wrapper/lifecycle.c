/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-event.h>

#include "outputs/output.h"
#include "state/engine_parser.h"
#include "state/error_class.h"
#include "state/state_metrics.h"
#include "throttle/throttle.h"
#include "throttle/throttle_watch.h"
#include "common/cleanup.h"
#include "wrapper/engine_argv.h"
#include "wrapper/files.h"
#include "wrapper/lifecycle.h"
#include "common/log.h"
#include "common/settings.h"
#include "common/systemd_lib.h"
#include "wrapper/log_follower.h"
#include "wrapper/runner.h"
#include "wrapper/ssh_agent.h"

#define STATE_WRITE_INTERVAL_USEC (20 * 1000)     /* at most one state file per 20 ms */
#define PROM_WRITE_INTERVAL_USEC (1000 * 1000)

struct run {
    struct conversion *c;
    sd_event *event;
    struct engine_runner *runner;
    struct throttle_watch *throttle_watch;
    struct output_host host;          /* what the output may use while it runs */
    struct ssh_agent *agent;
    struct engine_parser *parser;
    struct log_follower *v2v_log, *mr_log;
    sd_event_source *write_timer, *kill_timer, *sig_term, *sig_int, *sig_hup, *stall_timer;
    unsigned stall_seconds;
    bool logged_stall;
    uint64_t prom_usec;               /* last textfile write */
    uint64_t written_generation;
    uint64_t last_write_usec;
    int write_errno;                  /* last failure, logged once */
    int cancel_signal;
    bool engine_ended;                /* the output's finish/cleanup may be running */
    bool output_said;                 /* the output set last_message itself (set_error) */
    bool failed;
    int exit_status;
};

int conversion_write_state(struct conversion *c)
{
    return state_write_atomic_at(&c->state, c->plan.paths.state_fd, c->plan.paths.state_name);
}

/* The output hears of progress as often as the state file is written. */
static void tell_output(struct run *run)
{
    const struct conversion_plan *plan = &run->c->plan;
    const struct conversion_state *s = &run->c->state;

    if (!plan->output->progress)
        return;
    const struct output_progress p = {
        .percent = state_overall_progress(s), .status = s->status,
        .finished = s->finished, .failed = s->failed,
    };
    plan->output->progress(&run->c->plan.out, &p);
}

/* V2VW_PROMETHEUS_DIR: keep DIR/virt-v2v-wrapper-TAG.prom (node_exporter's
 * textfile collector) in step with the state, at most once a second. */
void conversion_write_prom(struct conversion *c)
{
    const char *dir = settings()->prometheus_dir;
    _cleanup_free_ char *path = NULL, *text = NULL;
    _cleanup_json_ struct json_object *o = NULL;
    size_t len = 0;

    if (!dir || !*dir || asprintf(&path, "%s/virt-v2v-wrapper-%s.prom", dir, c->plan.paths.tag) < 0)
        return;
    if (!(o = state_to_json(&c->state)))
        return;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return;
    struct metrics_conversion m = { .tag = c->plan.paths.tag, .state = o };
    state_metrics_write(f, &m, 1);
    if (fclose(f) != 0)
        return;
    int r = state_file_replace(path, text, len > 0 ? len - 1 : 0);
    if (r < 0)
        log_warning("Cannot write the metrics file %s: %s", path, strerror(-r));
}

static void log_stall_change(struct run *run)
{
    const struct conversion_state *s = &run->c->state;
    if (s->stalled && !run->logged_stall)
        log_warning("Stalled: no progress and no stage change for %u seconds (the conversion goes on)",
                    run->stall_seconds);
    else if (!s->stalled && run->logged_stall)
        log_info("Progress again: no longer stalled");
    run->logged_stall = s->stalled;
}

static void write_state_now(struct run *run)
{
    uint64_t gen = run->c->state.generation;
    log_stall_change(run);
    tell_output(run);
    int r = conversion_write_state(run->c);
    sd_event_now(run->event, CLOCK_MONOTONIC, &run->last_write_usec);
    if (run->last_write_usec >= run->prom_usec + PROM_WRITE_INTERVAL_USEC || run->c->state.finished_at) {
        conversion_write_prom(run->c);
        run->prom_usec = run->last_write_usec;
    }
    if (r < 0) {
        if (r != run->write_errno)
            log_error("Cannot write the state file %s: %s (the previous one stays)",
                      run->c->plan.paths.state_file, strerror(-r));
        run->write_errno = r;
        return;
    }
    if (run->write_errno)
        log_info("The state file is written again");
    run->write_errno = 0;
    run->written_generation = gen;
}

static int on_write_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
    struct run *run = userdata;
    if (run->c->state.generation != run->written_generation)
        write_state_now(run);
    return 0;
}

/* Something in the state may have changed: write now, or as soon as the
 * rate limit allows. */
static void state_changed(struct run *run)
{
    uint64_t now;

    if (run->c->state.generation == run->written_generation)
        return;
    sd_event_now(run->event, CLOCK_MONOTONIC, &now);
    if (now >= run->last_write_usec + STATE_WRITE_INTERVAL_USEC) {
        write_state_now(run);
        return;
    }
    int enabled = SD_EVENT_OFF;
    sd_event_source_get_enabled(run->write_timer, &enabled);
    if (enabled != SD_EVENT_OFF)
        return;
    sd_event_source_set_time(run->write_timer, run->last_write_usec + STATE_WRITE_INTERVAL_USEC);
    sd_event_source_set_enabled(run->write_timer, SD_EVENT_ONESHOT);
}

static void feed_v2v_log(void *userdata, const char *buf, size_t len)
{
    struct run *run = userdata;
    if (run->c->plan.output->engine_log_to_stdout)
        log_stdout_copy(buf, len);
    engine_parser_feed_v2v_log(run->parser, buf, len);
    state_changed(run);
}

static void feed_mr_log(void *userdata, const char *buf, size_t len)
{
    struct run *run = userdata;
    engine_parser_feed_mr_log(run->parser, buf, len);
    state_changed(run);
}

static void apply_throttling(struct run *run, const struct throttle_request *req)
{
    struct conversion_state *s = &run->c->state;
    _cleanup_(limits_outcome_free) struct limits_outcome out = { 0 };
    char cpu[32], net[32];

    throttle_cpu_text(req, cpu, sizeof cpu);
    throttle_network_text(req, net, sizeof net);
    run->runner->set_limits(run->runner, req, &out);
    if (req->cpu_present && out.cpu < 0) {
        const char *msg = out.cpu_error ? out.cpu_error : "CPU throttling is not available on this host";
        log_error("Cannot limit CPU to %s: %s", cpu, out.cpu_error ? out.cpu_error : strerror(-out.cpu));
        state_set_last_message(s, msg, strlen(msg));
    } else if (req->cpu_present) {
        log_info("CPU limit is now %s", cpu);
    }
    if (req->network_present && out.network < 0) {
        const char *msg = out.network_error ? out.network_error
                                            : "network throttling is not available on this host";
        log_error("Cannot limit the network to %s: %s", net, msg);
        state_set_last_message(s, msg, strlen(msg));
    } else if (req->network_present) {
        log_info("Network limit is now %s bytes/s", net);
    }
    state_set_throttling(s, req->cpu_present && out.cpu >= 0 ? cpu : s->throttle_cpu,
                         req->network_present && out.network >= 0 ? net : s->throttle_network);
    state_changed(run);
}

/* A throttling file appeared (CONTRACT §8): apply it, or report it once. */
static void on_throttling_file(void *userdata, const struct throttle_request *req, const char *error)
{
    struct run *run = userdata;
    if (req) {
        apply_throttling(run, req);
        return;
    }
    state_set_last_message(&run->c->state, error, strlen(error));
    state_changed(run);
}

static void watch_throttling_file(struct run *run)
{
    int r = throttle_watch_new(run->event, run->c->plan.paths.throttle_file, on_throttling_file, run,
                               &run->throttle_watch);
    if (r < 0)
        log_warning("Cannot watch the throttling file %s: %s", run->c->plan.paths.throttle_file, strerror(-r));
}

static void finish_message(struct run *run, int rc, bool engine_said)
{
    struct conversion_state *s = &run->c->state;
    char msg[256];

    const char *cls;

    if (run->cancel_signal) {
        snprintf(msg, sizeof msg, "Conversion cancelled: virt-v2v-wrapper received SIG%s",
                 sigabbrev_np(run->cancel_signal) ? sigabbrev_np(run->cancel_signal) : "?");
        cls = ERROR_CLASS_CANCELLED;
    } else if (rc < 0) {
        snprintf(msg, sizeof msg, "virt-v2v was killed by signal %d (SIG%s)", -rc,
                 sigabbrev_np(-rc) ? sigabbrev_np(-rc) : "?");
        cls = ERROR_CLASS_KILLED;
    } else if (!engine_said) {
        snprintf(msg, sizeof msg, "virt-v2v failed with exit status %d; see %s", rc,
                 run->c->plan.paths.v2v_log);
        cls = ERROR_CLASS_UNKNOWN;
    } else {
        return;
    }
    state_set_error(s, msg, strlen(msg), cls);
}

/* The end: the loop stops with the conversion's exit status. */
static void conversion_done(struct run *run)
{
    run->kill_timer = sd_event_source_disable_unref(run->kill_timer);
    run->exit_status = run->failed ? 2 : 0;
    sd_event_exit(run->event, run->exit_status);
}

static void on_output_done(void *userdata, int r)
{
    struct run *run = userdata;
    const struct output_ops *output = run->c->plan.output;

    if (r >= 0) {
        log_info("The %s output finished its work", output->name);
    } else if (run->failed) {
        log_error("The %s output could not clean up: %s", output->name, strerror(-r));
    } else {
        char msg[256];
        snprintf(msg, sizeof msg, "The %s output could not finish the conversion: %s",
                 output->name, strerror(-r));
        log_error("%s", msg);
        if (!run->output_said)
            state_set_last_message(&run->c->state, msg, strlen(msg));
        state_set_failed(&run->c->state);
        run->failed = true;
    }
    conversion_done(run);
}

/* After the engine: the output's asynchronous finish (success) or cleanup
 * (failure); the loop keeps serving signals and the throttling file. */
static void start_output_step(struct run *run)
{
    const struct output_ops *output = run->c->plan.output;
    struct conversion_plan *plan = &run->c->plan;
    int (*step)(const struct output_input *, struct output_plan *, const struct output_host *,
                output_done_fn, void *) = run->failed ? output->cleanup : output->finish;

    if (!step) {
        conversion_done(run);
        return;
    }
    log_info("Finishing the %s output%s", output->name, run->failed ? " (cleanup after failure)" : "");
    int r = step(&plan->output_in, &plan->out, &run->host, on_output_done, run);
    if (r < 0)
        on_output_done(run, r);
}

static void on_engine_exit(void *userdata, int rc)
{
    struct run *run = userdata;
    struct conversion *c = run->c;

    log_follower_drain(run->v2v_log);
    log_follower_drain(run->mr_log);
    engine_parser_flush(run->parser);
    log_info("virt-v2v ended with %s %d", rc < 0 ? "signal" : "exit status", rc < 0 ? -rc : rc);

    run->engine_ended = true;
    run->failed = rc != 0 || run->cancel_signal;
    state_set_return_code(&c->state, rc);
    if (run->failed) {
        finish_message(run, rc, engine_parser_apply_cause(run->parser));
        state_set_failed(&c->state);
    } else if (c->state.last_message) {
        log_error("virt-v2v exited 0 but reported an error: %s", c->state.last_message);
    }
    write_state_now(run);
    run->stall_timer = sd_event_source_disable_unref(run->stall_timer);
    /* The engine is gone: so is what only it needed, and what it left. */
    ssh_agent_stop(TAKE_PTR(run->agent));
    if (run->runner->kill_leftovers)
        run->runner->kill_leftovers(run->runner);
    start_output_step(run);
}

/* Stall detection: due stall_seconds after the last progress or stage
 * change; warns (never kills), progress clears it (state.c). */
static int on_stall_timer(sd_event_source *src, uint64_t usec, void *userdata)
{
    struct run *run = userdata;
    struct conversion_state *s = &run->c->state;
    uint64_t now, period = (uint64_t)run->stall_seconds * 1000000;

    sd_event_now(run->event, CLOCK_MONOTONIC, &now);
    if (s->activity_usec + period <= now) {
        state_set_stalled(s, run->stall_seconds);
        state_changed(run);
        sd_event_source_set_time(src, now + period);
    } else {
        sd_event_source_set_time(src, s->activity_usec + period);
    }
    sd_event_source_set_enabled(src, SD_EVENT_ONESHOT);
    return 0;
}

static unsigned stall_seconds(const struct conversion *c)
{
    return c->cfg.stall_seconds ? c->cfg.stall_seconds : settings()->stall_sec;
}

static void watch_stalls(struct run *run)
{
    uint64_t now;
    run->stall_seconds = stall_seconds(run->c);
    sd_event_now(run->event, CLOCK_MONOTONIC, &now);
    run->c->state.activity_usec = now;
    if (sd_event_add_time(run->event, &run->stall_timer, CLOCK_MONOTONIC,
                          now + (uint64_t)run->stall_seconds * 1000000, 0, on_stall_timer, run) < 0)
        log_warning("Cannot watch for stalls");
}

static int on_kill_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
    struct run *run = userdata;
    log_warning("virt-v2v did not stop in time: killing it");
    run->runner->kill(run->runner);
    return 0;
}

static unsigned kill_grace_seconds(void)
{
    return settings()->kill_grace_sec;
}

/* The first signal after the engine: an output that can stops finishing
 * and cleans up; the others go on. A second signal abandons either. */
static void cancel_output_step(struct run *run, int sig)
{
    const struct output_ops *output = run->c->plan.output;
    char why[64];

    if (run->failed || !output->cancel) {
        log_warning("Received SIG%s while the %s output finishes its work: it goes on "
                    "(a second signal abandons it)", sigabbrev_np(sig), output->name);
        return;
    }
    log_warning("Received SIG%s while the %s output finishes its work: it stops and cleans up "
                "(a second signal abandons it)", sigabbrev_np(sig), output->name);
    snprintf(why, sizeof why, "Cancelled by SIG%s", sigabbrev_np(sig));
    output->cancel(&run->c->plan.out, why);
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
    struct run *run = userdata;
    int sig = (int)si->ssi_signo;

    if (sig == SIGHUP)
        return 0;
    if (run->engine_ended) {
        const char *name = run->c->plan.output->name;
        if (run->cancel_signal) {
            log_warning("Received SIG%s again: abandoning the %s output's work", sigabbrev_np(sig), name);
            conversion_done(run);
        } else {
            run->cancel_signal = sig;
            cancel_output_step(run, sig);
        }
        return 0;
    }
    if (run->cancel_signal) {
        log_warning("Received SIG%s again: killing virt-v2v now", sigabbrev_np(sig));
        run->runner->kill(run->runner);
        return 0;
    }
    run->cancel_signal = sig;
    log_info("Received SIG%s: stopping virt-v2v (SIGKILL after %u s)", sigabbrev_np(sig), kill_grace_seconds());
    run->runner->stop(run->runner);
    sd_event_add_time_relative(run->event, &run->kill_timer, CLOCK_MONOTONIC,
                               (uint64_t)kill_grace_seconds() * 1000000, 0, on_kill_timer, run);
    if (settings_fault("event-loop-after-signal"))
        sd_event_exit(run->event, -EIO);      /* the loop fails as sd-event's own errors make it */
    return 0;
}

/* The engine parser's events go to the output (rhv-upload: its disks). */
static void on_engine_event(void *userdata, enum engine_event ev, const char *value)
{
    struct run *run = userdata;
    const struct output_ops *output = run->c->plan.output;

    if (output->engine_event)
        output->engine_event(&run->c->plan.out,
                             ev == ENGINE_EVENT_DISK_ID ? OUTPUT_EVENT_DISK_ID
                             : ev == ENGINE_EVENT_OSP_VOLUME ? OUTPUT_EVENT_VOLUME_ID : OUTPUT_EVENT_VM_ID,
                             value);
}

static void host_set_status(void *userdata, const char *phrase)
{
    struct run *run = userdata;
    state_set_status(&run->c->state, phrase, strlen(phrase));
    state_changed(run);
}

static void host_add_resource(void *userdata, const char *kind, const char *id)
{
    struct run *run = userdata;
    log_info("The %s output created %s %s", run->c->plan.output->name, kind, id);
    state_add_resource(&run->c->state, kind, id);
    state_changed(run);
}

static void host_set_vm_id(void *userdata, const char *id)
{
    struct run *run = userdata;
    state_set_vm_id(&run->c->state, id, strlen(id));
    state_changed(run);
}

static void host_set_error(void *userdata, const char *sentence)
{
    struct run *run = userdata;
    log_error("%s", sentence);
    state_set_last_message(&run->c->state, sentence, strlen(sentence));
    run->output_said = true;
    state_changed(run);
}

static void host_cleanup_result(void *userdata, const char *kind, const char *id, const char *reason)
{
    struct run *run = userdata;
    if (reason)
        log_warning("The %s output could not remove %s %s: %s", run->c->plan.output->name, kind, id, reason);
    else
        log_info("The %s output removed %s %s", run->c->plan.output->name, kind, id);
    state_add_cleanup(&run->c->state, kind, id, reason);
    state_changed(run);
}

static const char *host_last_message(void *userdata)
{
    struct run *run = userdata;
    return run->c->state.last_message;
}

static int setup_loop(struct run *run)
{
    _cleanup_free_ char *error = NULL;
    int r = systemd_lib_load(&error);
    if (r < 0) {
        log_error("%s", error ? error : "out of memory");
        return r;
    }
    if ((r = sd_event_new(&run->event)) < 0)
        return r;
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGHUP);
    sigaddset(&mask, SIGCHLD);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    if ((r = sd_event_add_signal(run->event, &run->sig_term, SIGTERM, on_signal, run)) < 0
        || (r = sd_event_add_signal(run->event, &run->sig_int, SIGINT, on_signal, run)) < 0
        || (r = sd_event_add_signal(run->event, &run->sig_hup, SIGHUP, on_signal, run)) < 0
        || (r = sd_event_add_time(run->event, &run->write_timer, CLOCK_MONOTONIC, 0,
                                  1000, on_write_timer, run)) < 0)
        return r;
    sd_event_source_set_enabled(run->write_timer, SD_EVENT_OFF);
    run->parser = engine_parser_new(&run->c->state);
    if (!run->parser)
        return -ENOMEM;
    engine_parser_on_event(run->parser, on_engine_event, run);
    run->host = (struct output_host){ .event = run->event, .set_status = host_set_status,
                                      .add_resource = host_add_resource, .set_vm_id = host_set_vm_id,
                                      .set_error = host_set_error, .cleanup_result = host_cleanup_result,
                                      .last_message = host_last_message, .userdata = run };
    if ((r = log_follower_new(run->event, run->c->plan.paths.v2v_log, feed_v2v_log, run, &run->v2v_log)) < 0
        || (r = log_follower_new(run->event, run->c->plan.paths.mr_log, feed_mr_log, run, &run->mr_log)) < 0)
        return r;
    return 0;
}

static int pick_runner(struct run *run)
{
    _cleanup_free_ char *why_not = NULL;
    if (run->c->cfg.daemonize && !settings()->no_systemd
        && runner_systemd_new(&run->runner, &why_not) >= 0) {
        log_info("Running virt-v2v in a transient systemd unit");
        return 0;
    }
    if (why_not)
        log_info("Not using systemd: %s", why_not);
    return runner_direct_new(run->c->plan.paths.tag, &run->runner);
}

/* What the argv needs to know of the engine, asked once, before it is built. */
static void read_capabilities(struct conversion_plan *plan)
{
    int r = engine_capabilities_read(&plan->capabilities);
    if (r < 0)
        log_warning("Cannot read the engine's capabilities: %s", strerror(-r));
}

static void read_version(struct conversion_plan *plan)
{
    plan->engine_version = engine_version_read(&plan->capabilities);
    if (plan->engine_version)
        log_info("Engine version %u.%u", plan->engine_version / 1000, plan->engine_version % 1000);
    else
        log_warning("Cannot tell the engine's version (%s --version): assuming 1.x", engine_path());
}

static int start_engine(struct run *run)
{
    struct conversion *c = run->c;
    _cleanup_(strv_free) struct strv argv = { 0 }, env = { 0 };
    _cleanup_free_ char *error = NULL, *line = NULL, *desc = NULL;
    int r;

    if (c->plan.output->preflight
        && (r = c->plan.output->preflight(&c->plan.output_in, &c->plan.out, &run->host, &error)) < 0)
        goto fail;
    if (engine_argv_needs_capabilities(&c->cfg) || engine_argv_needs_version(&c->cfg))
        read_capabilities(&c->plan);
    if (engine_argv_needs_version(&c->cfg))
        read_version(&c->plan);
    if ((r = engine_argv_build(&c->cfg, &c->plan, &argv, &error)) < 0
        || (r = engine_env_build(&c->plan, environ, &env)) < 0)
        goto fail;
    if (c->plan.secrets.ssh_key || c->cfg.transport == TRANSPORT_SSH) {
        if ((r = ssh_agent_start(c, &run->agent, &error)) < 0)
            goto fail;
        if ((r = strv_setenv(&env, "SSH_AUTH_SOCK", ssh_agent_socket(run->agent))) < 0)
            goto fail;
    }
    line = engine_command_for_log(argv.v);
    log_info("Running: %s", line ? line : "(out of memory)");
    free(TAKE_PTR(line));
    line = engine_env_for_log(env.v);
    log_debug("Environment: %s", line ? line : "(out of memory)");
    if (asprintf(&desc, "virt-v2v conversion of %s", c->cfg.vm_name) < 0)
        return -ENOMEM;
    struct engine_command cmd = {
        .argv = argv.v, .envp = env.v, .uid = c->plan.uid, .gid = c->plan.gid,
        .v2v_log_path = c->plan.paths.v2v_log, .description = desc, .tag = c->plan.paths.tag,
    };
    if ((r = run->runner->start(run->runner, run->event, &cmd, on_engine_exit, run, &error)) < 0)
        goto fail;
    log_info("virt-v2v started with PID %ld (%s runner, uid %u gid %u)", (long)run->runner->pid,
             run->runner->name, (unsigned)c->plan.uid, (unsigned)c->plan.gid);
    state_set_started(&c->state, run->runner->pid);
    watch_stalls(run);
    return 0;
fail:
    {
        const char *msg = error ? error : strerror(-r);
        log_error("Cannot start virt-v2v: %s", msg);
        state_set_error(&c->state, msg, strlen(msg), ERROR_CLASS_INTERNAL);
    }
    return r;
}

static void run_free(struct run *run)
{
    struct conversion *c = run->c;

    log_follower_free(run->v2v_log);
    log_follower_free(run->mr_log);
    throttle_watch_free(run->throttle_watch);
    engine_parser_free(run->parser);
    sd_event_source_disable_unref(run->write_timer);
    sd_event_source_disable_unref(run->kill_timer);
    sd_event_source_disable_unref(run->stall_timer);
    sd_event_source_disable_unref(run->sig_term);
    sd_event_source_disable_unref(run->sig_int);
    sd_event_source_disable_unref(run->sig_hup);
    if (run->runner)
        run->runner->free(run->runner);
    ssh_agent_stop(run->agent);
    conversion_secrets_remove(c);
    sd_event_unref(run->event);
}

/* Clients poll until `finished`: keep trying while the state directory is
 * full (every second, up to V2VW_FINAL_WRITE_SECONDS, default 300). Other
 * errors (the directory is gone) will not heal by waiting. */
static void write_final_state(struct conversion *c)
{
    long limit = settings()->final_write_sec;
    int r = conversion_write_state(c);

    if (r == -ENOSPC || r == -EDQUOT)
        log_error("Cannot write the final state file: %s; retrying every second for %ld s",
                  strerror(-r), limit);
    for (long i = 0; (r == -ENOSPC || r == -EDQUOT) && i < limit; i++) {
        sleep(1);
        r = conversion_write_state(c);
    }
    if (r < 0)
        log_error("Giving up on the final state file: %s", strerror(-r));
    else
        log_debug("Final state written");
}

int conversion_run(struct conversion *c)
{
    struct run run = { .c = c, .exit_status = 2 };
    state_set_identity(&c->state, c->cfg.vm_name, c->plan.output->name, getpid());
    int r = setup_loop(&run);

    if (r < 0) {
        log_error("Cannot set up the event loop: %s", strerror(-r));
        state_set_error(&c->state, "virt-v2v-wrapper could not set up its event loop", 48,
                        ERROR_CLASS_INTERNAL);
    } else if ((r = pick_runner(&run)) >= 0) {
        bool early = run.runner->limits_before_start;
        if (c->cfg.have_throttling && early)
            apply_throttling(&run, &c->cfg.throttling);
        r = start_engine(&run);
        if (r >= 0 && c->cfg.have_throttling && !early)
            apply_throttling(&run, &c->cfg.throttling);
        if (r >= 0)
            watch_throttling_file(&run);
    }
    if (r >= 0) {
        write_state_now(&run);
        r = sd_event_loop(run.event);
        if (r < 0)
            log_error("The event loop failed: %s", strerror(-r));
    } else if (run.runner && !run.runner->pid) {
        /* The engine never ran: the output still cleans up (and tells). */
        state_set_failed(&c->state);
        write_state_now(&run);
        run.engine_ended = run.failed = true;
        start_output_step(&run);
        if (sd_event_loop(run.event) < 0)
            log_error("The event loop failed after the engine could not start");
    } else {
        state_set_failed(&c->state);
    }
    run_free(&run);
    if (r < 0) {
        state_set_failed(&c->state);
        if (!c->state.last_message) {
            char msg[160];
            snprintf(msg, sizeof msg, "virt-v2v-wrapper could not run the conversion: %s", strerror(-r));
            state_set_error(&c->state, msg, strlen(msg), ERROR_CLASS_INTERNAL);
        }
    }
    state_clear_stalled(&c->state);
    state_set_finished_at(&c->state, (int64_t)time(NULL));
    state_set_finished(&c->state);
    write_final_state(c);
    conversion_write_prom(c);
    log_info("Conversion %s", c->state.failed ? "failed" : "succeeded");
    return c->state.failed ? 2 : 0;
}
