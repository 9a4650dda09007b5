/* Test driver for the throttle room: throttle a command the way the wrapper
 * does, before the wrapper integrates it.
 *
 *   throttle-driver --tag TAG [--cpu X] [--net X] [--watch FILE] -- CMD ARGS...
 *
 * Collects leftovers, creates the throttle, forks CMD into it, applies
 * --cpu/--net, then applies every throttling file that appears at FILE
 * until CMD exits; cleans up and exits with CMD's status. Prints one line
 * per event on stdout: "ready ...", "applied ...", "error ...", "exit N". */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "throttle/throttle.h"
#include "throttle/throttle_int.h"
#include "throttle/throttle_watch.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "wrapper/privileges.h"

struct driver {
    struct throttle *t;
    pid_t child;
    int status;
};

static void apply(struct driver *d, const struct throttle_request *req)
{
    _cleanup_free_ char *error = NULL;
    int r = throttle_set_cpu(d->t, req, &error);
    if (r == 0)
        r = throttle_set_network(d->t, req, &error);
    if (r < 0) {
        printf("error %s\n", error ? error : strerror(-r));
    } else {
        printf("applied cpu=%s%u network=%s%" PRIu64 " method=%s\n",
               !req->cpu_present ? "keep:" : req->cpu_unlimited ? "unlimited:" : "", req->cpu_percent,
               !req->network_present ? "keep:" : req->network_unlimited ? "unlimited:" : "",
               req->network_bps, throttle_method_name(d->t->method));
    }
    fflush(stdout);
}

static void on_file(void *userdata, const struct throttle_request *req, const char *error)
{
    if (!req) {
        printf("error %s\n", error);
        fflush(stdout);
        return;
    }
    apply(userdata, req);
}

static int on_child(sd_event_source *s, const siginfo_t *si, void *userdata)
{
    struct driver *d = userdata;
    d->status = si->si_code == CLD_EXITED ? si->si_status : 128 + si->si_status;
    return sd_event_exit(sd_event_source_get_event(s), 0);
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
    struct driver *d = userdata;
    kill(d->child, SIGKILL);
    return 0;
}

static pid_t spawn(const struct throttle *t, char **argv)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    child_reset_signals();
    if (throttle_enter(t) < 0)
        _exit(126);
    execvp(argv[0], argv);
    _exit(127);
}

int main(int argc, char **argv)
{
    const char *tag = NULL, *cpu = NULL, *net = NULL, *watch = NULL;
    static const struct option opts[] = {
        { "tag", 1, NULL, 't' }, { "cpu", 1, NULL, 'c' }, { "net", 1, NULL, 'n' },
        { "watch", 1, NULL, 'w' }, { NULL, 0, NULL, 0 },
    };
    for (int c; (c = getopt_long(argc, argv, "+", opts, NULL)) != -1;) {
        switch (c) {
        case 't': tag = optarg; break;
        case 'c': cpu = optarg; break;
        case 'n': net = optarg; break;
        case 'w': watch = optarg; break;
        default: return 2;
        }
    }
    if (!tag || optind >= argc) {
        fprintf(stderr, "usage: throttle-driver --tag TAG [--cpu X] [--net X] [--watch FILE] -- CMD...\n");
        return 2;
    }
    struct driver d = { 0 };
    _cleanup_free_ char *error = NULL;
    throttle_collect_leftovers();
    int r = throttle_new(tag, &d.t, &error);
    if (r < 0) {
        printf("error %s\n", error ? error : strerror(-r));
        return 1;
    }
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGCHLD);
    sigaddset(&mask, SIGTERM);
    sigaddset(&mask, SIGINT);
    sigprocmask(SIG_BLOCK, &mask, NULL);

    sd_event *e = NULL;
    struct throttle_watch *w = NULL;
    if (sd_event_default(&e) < 0)
        return 1;
    d.child = spawn(d.t, argv + optind);
    if (d.child < 0)
        return 1;
    printf("ready pid=%d v2=%s cpu=%s minor=%x\n", (int)d.child, d.t->v2_dir ? d.t->v2_dir : "-",
           d.t->cpu_dir ? d.t->cpu_dir : "-", d.t->minor);
    fflush(stdout);
    if (cpu || net) {
        char json[256];
        struct throttle_request req;
        _cleanup_free_ char *perr = NULL;
        snprintf(json, sizeof json, "{%s%s%s%s%s%s%s}", cpu ? "\"cpu\":\"" : "", cpu ? cpu : "",
                 cpu ? "\"" : "", cpu && net ? "," : "", net ? "\"network\":\"" : "", net ? net : "",
                 net ? "\"" : "");
        if (throttle_request_parse(json, strlen(json), &req, &perr) < 0)
            printf("error %s\n", perr);
        else
            apply(&d, &req);
    }
    if (watch && (r = throttle_watch_new(e, watch, on_file, &d, &w)) < 0)
        printf("error watch: %s\n", strerror(-r));
    sd_event_add_child(e, NULL, d.child, WEXITED, on_child, &d);
    sd_event_add_signal(e, NULL, SIGTERM, on_signal, &d);
    sd_event_add_signal(e, NULL, SIGINT, on_signal, &d);
    sd_event_loop(e);
    throttle_watch_free(w);
    throttle_free(d.t);
    sd_event_unref(e);
    printf("exit %d\n", d.status);
    return d.status;
}
