/* SPDX-License-Identifier: Apache-2.0 */
/* Engine runners: how the engine process is started and followed.
 *
 *   direct  fork, enter the conversion cgroup, drop privileges, exec;
 *           followed through a pidfd in the event loop.
 *   systemd a transient service unit started over sd-bus; followed through
 *           the unit's bus signals.
 *
 * Both report the engine's end exactly once through `on_exit`, from the
 * event loop. Each owns the conversion's throttling (set_limits): the
 * direct runner through the cgroup the engine enters, the systemd runner
 * through the unit's properties and the unit's cgroup. */
#ifndef V2VW_RUNNER_H
#define V2VW_RUNNER_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>
#include <systemd/sd-event.h>
#include "throttle/throttle.h"

struct engine_command {
    char **argv;                  /* argv[0] is the engine's path; no secrets */
    char **envp;                  /* the engine's whole environment */
    uid_t uid;                    /* the conversion user */
    gid_t gid;
    const char *v2v_log_path;     /* stdout and stderr are appended here */
    const char *description;      /* e.g. "virt-v2v conversion of VM" */
    const char *tag;              /* the conversion TAG (unit names etc.) */
};

/* return_code: the exit status, or -SIGNUM when the engine died of a signal
 * (what Python's Popen.returncode says, which clients already know). */
typedef void (*engine_exit_fn)(void *userdata, int return_code);

/* What set_limits did with each kind of limit the request named: 0 or
 * negative errno, and a sentence when it failed (caller frees both). */
struct limits_outcome {
    int cpu, network;
    char *cpu_error, *network_error;
};

struct engine_runner {
    const char *name;             /* "direct" or "systemd", for the log */
    pid_t pid;                    /* the engine's PID once started */
    bool limits_before_start;     /* set_limits works before start (the engine starts limited) */
    struct throttle *throttle;    /* the cgroup/tc throttle; NULL = not available (yet) */

    /* Start the engine. */
    int (*start)(struct engine_runner *r, sd_event *event, const struct engine_command *cmd,
                 engine_exit_fn on_exit, void *userdata, char **error);
    /* Ask the engine to stop (SIGTERM / StopUnit); then `kill` after a grace period. */
    int (*stop)(struct engine_runner *r);
    int (*kill)(struct engine_runner *r);
    /* Apply the CPU and/or network limits `req` names. */
    void (*set_limits)(struct engine_runner *r, const struct throttle_request *req,
                       struct limits_outcome *out);
    /* After the engine ended: kill what it started and left behind, where
     * nothing else does (the systemd unit's cgroup does). NULL = nothing. */
    void (*kill_leftovers)(struct engine_runner *r);
    void (*free)(struct engine_runner *r);
};

/* The network part of set_limits, the same for every runner: r->throttle's tc. */
void runner_set_network(struct engine_runner *r, const struct throttle_request *req,
                        struct limits_outcome *out);
void limits_outcome_free(struct limits_outcome *out);

/* The direct runner with a throttle for the conversion `tag` (none, with
 * a warning, when cgroups are not available). */
int runner_direct_new(const char *tag, struct engine_runner **out);
/* The direct runner makes the wrapper a child subreaper: what the engine
 * started and left (even in a session of its own) becomes our child. Kill
 * every child we still have but the engine (a zombie that sd-event reaps
 * after its exit callback); call when the engine and the agent are gone. */
void runner_direct_kill_adopted(pid_t engine);
/* Returns -ENOENT/-ENOTCONN etc. with *why_not set when systemd is not usable. */
int runner_systemd_new(struct engine_runner **out, char **why_not);
/* --check-systemd: say whether the systemd runner will be used and, if not,
 * why. 0 if usable, else the negative errno runner_systemd_new would give. */
int runner_systemd_check(FILE *out);

#endif
