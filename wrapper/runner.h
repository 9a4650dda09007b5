/* Engine runners: how the engine process is started and followed.
 *
 *   direct  fork, enter the conversion cgroup, drop privileges, exec;
 *           followed through a pidfd in the event loop.
 *   systemd a transient service unit started over sd-bus; followed through
 *           the unit's bus signals.
 *
 * Both report the engine's end exactly once through `on_exit`, from the
 * event loop. */
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

struct engine_runner {
    const char *name;             /* "direct" or "systemd" */
    pid_t pid;                    /* the engine's PID once started */

    /* Start the engine. The direct runner moves the child into `throttle`'s
     * cgroup (if not NULL) before exec; the systemd runner creates the
     * throttle itself for the unit's cgroup and hands it back in *throttle
     * (it may leave it NULL if throttling is unavailable). */
    int (*start)(struct engine_runner *r, sd_event *event, const struct engine_command *cmd,
                 struct throttle **throttle, engine_exit_fn on_exit, void *userdata,
                 char **error);
    /* Ask the engine to stop (SIGTERM / StopUnit); then `kill` after a grace period. */
    int (*stop)(struct engine_runner *r);
    int (*kill)(struct engine_runner *r);
    /* CPU limit through the runner (systemd CPUQuota); NULL = use the throttle's cgroup. */
    int (*set_cpu)(struct engine_runner *r, const struct throttle_request *req, char **error);
    void (*free)(struct engine_runner *r);
};

int runner_direct_new(struct engine_runner **out);
/* The direct runner makes the wrapper a child subreaper: what the engine
 * started and left (even in a session of its own) becomes our child. Kill
 * every child we still have; call when the engine and the agent are gone. */
void runner_direct_kill_adopted(void);
/* Returns -ENOENT/-ENOTCONN etc. with *why_not set when systemd is not usable. */
int runner_systemd_new(struct engine_runner **out, char **why_not);
/* --check-systemd: say whether the systemd runner will be used and, if not,
 * why. 0 if usable, else the negative errno runner_systemd_new would give. */
int runner_systemd_check(FILE *out);

#endif
