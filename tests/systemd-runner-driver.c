/* Drives the systemd runner for tests/systemd.sh: starts ENGINE ARGS... in a
 * transient unit from an sd-event loop and prints JSON lines on stdout:
 *   {"event": "started", "pid": N, "unit": "virt-v2v-wrapper-TAG.service", "throttle": BOOL}
 *   {"event": "cpu", "result": 0 | -errno, "error": ...}      (--cpu)
 *   {"event": "stop", "result": ...}                          (--stop-after)
 *   {"event": "exit", "pid": N, "return_code": N}
 * Exit status 0 once the engine's end was reported, 1 on errors.
 *
 * usage: systemd-runner-driver --tag TAG --log PATH [--uid N] [--gid N]
 *        [--env NAME=VALUE]... [--cpu PCT|unlimited] [--cpu-after SEC]
 *        [--stop-after SEC] [--kill-after SEC] -- ENGINE [ARGS...] */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>

#include "common/cleanup.h"
#include "wrapper/runner.h"
#include "common/strv.h"

struct driver {
    struct engine_runner *runner;
    sd_event *event;
    struct throttle_request cpu;
    int return_code;
    bool exited;
};

static void emit(struct json_object *o)
{
    printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
    fflush(stdout);
    json_object_put(o);
}

static struct json_object *event_obj(const char *name)
{
    struct json_object *o = json_object_new_object();
    json_object_object_add(o, "event", json_object_new_string(name));
    return o;
}

static void on_exit_cb(void *userdata, int return_code)
{
    struct driver *d = userdata;
    struct json_object *o = event_obj("exit");
    if (d->exited)
        fprintf(stderr, "driver: on_exit called twice\n"), exit(1);
    d->exited = true;
    d->return_code = return_code;
    json_object_object_add(o, "pid", json_object_new_int(d->runner->pid));
    json_object_object_add(o, "return_code", json_object_new_int(return_code));
    emit(o);
    sd_event_exit(d->event, 0);
}

static int on_cpu_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
    struct driver *d = userdata;
    _cleanup_free_ char *error = NULL;
    int r = d->runner->set_cpu(d->runner, &d->cpu, &error);
    struct json_object *o = event_obj("cpu");
    json_object_object_add(o, "result", json_object_new_int(r));
    if (error)
        json_object_object_add(o, "error", json_object_new_string(error));
    emit(o);
    return 0;
}

static int on_stop_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
    struct driver *d = userdata;
    struct json_object *o = event_obj("stop");
    json_object_object_add(o, "result", json_object_new_int(d->runner->stop(d->runner)));
    emit(o);
    return 0;
}

static int on_kill_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
    struct driver *d = userdata;
    struct json_object *o = event_obj("kill");
    json_object_object_add(o, "result", json_object_new_int(d->runner->kill(d->runner)));
    emit(o);
    return 0;
}

static int add_timer(struct driver *d, double seconds, sd_event_time_handler_t cb)
{
    uint64_t now;
    if (seconds < 0)
        return 0;
    sd_event_now(d->event, CLOCK_MONOTONIC, &now);
    return sd_event_add_time(d->event, NULL, CLOCK_MONOTONIC, now + (uint64_t)(seconds * 1e6), 0,
                             cb, d);
}

static int parse_cpu(const char *s, struct throttle_request *req)
{
    req->cpu_present = true;
    if (strcmp(s, "unlimited") == 0) {
        req->cpu_unlimited = true;
        return 0;
    }
    req->cpu_percent = (unsigned)strtoul(s, NULL, 10);
    return req->cpu_percent > 0 ? 0 : -EINVAL;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "tag", required_argument, NULL, 't' },   { "log", required_argument, NULL, 'l' },
        { "uid", required_argument, NULL, 'u' },   { "gid", required_argument, NULL, 'g' },
        { "env", required_argument, NULL, 'e' },   { "cpu", required_argument, NULL, 'c' },
        { "cpu-after", required_argument, NULL, 'C' },
        { "stop-after", required_argument, NULL, 's' },
        { "kill-after", required_argument, NULL, 'k' }, { NULL, 0, NULL, 0 }
    };
    struct driver d = { 0 };
    struct strv env = { 0 };
    struct engine_command cmd = { .description = "virt-v2v conversion of driver-vm" };
    double cpu_after = 0.5, stop_after = -1, kill_after = -1;
    _cleanup_free_ char *why_not = NULL, *error = NULL;
    struct throttle *throttle = NULL;
    int c, r;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 't': cmd.tag = optarg; break;
        case 'l': cmd.v2v_log_path = optarg; break;
        case 'u': cmd.uid = (uid_t)strtoul(optarg, NULL, 10); break;
        case 'g': cmd.gid = (gid_t)strtoul(optarg, NULL, 10); break;
        case 'e': if (strv_push(&env, optarg) < 0) return 1; break;
        case 'c': if (parse_cpu(optarg, &d.cpu) < 0) return 1; break;
        case 'C': cpu_after = strtod(optarg, NULL); break;
        case 's': stop_after = strtod(optarg, NULL); break;
        case 'k': kill_after = strtod(optarg, NULL); break;
        default: return 1;
        }
    }
    if (optind >= argc || !cmd.tag || !cmd.v2v_log_path) {
        fprintf(stderr, "usage: %s --tag TAG --log PATH [...] -- ENGINE [ARGS...]\n", argv[0]);
        return 1;
    }
    cmd.argv = argv + optind;
    if (strv_push(&env, "LANG=C") < 0)
        return 1;
    cmd.envp = env.v;

    r = runner_systemd_new(&d.runner, &why_not);
    if (r < 0) {
        fprintf(stderr, "driver: systemd runner unusable: %s\n", why_not);
        strv_free(&env);
        return 1;
    }
    sd_event_default(&d.event);
    r = d.runner->start(d.runner, d.event, &cmd, &throttle, on_exit_cb, &d, &error);
    if (r < 0) {
        fprintf(stderr, "driver: start failed: %s\n", error);
        d.runner->free(d.runner);
        sd_event_unref(d.event);
        strv_free(&env);
        return 1;
    }
    struct json_object *o = event_obj("started");
    json_object_object_add(o, "pid", json_object_new_int(d.runner->pid));
    json_object_object_add(o, "throttle", json_object_new_boolean(throttle != NULL));
    emit(o);
    if (d.cpu.cpu_present)
        add_timer(&d, cpu_after, on_cpu_timer);
    add_timer(&d, stop_after, on_stop_timer);
    add_timer(&d, kill_after, on_kill_timer);
    r = sd_event_loop(d.event);

    if (throttle)
        throttle_free(throttle);
    d.runner->free(d.runner);
    sd_event_unref(d.event);
    strv_free(&env);
    return r < 0 || !d.exited ? 1 : 0;
}
