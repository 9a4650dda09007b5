/* SPDX-License-Identifier: Apache-2.0 */
/* The direct runner: fork, enter the conversion's cgroup, drop privileges
 * (checked), exec the engine; follow it with an sd-event child source
 * (a pidfd underneath). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "wrapper/privileges.h"
#include "wrapper/runner.h"
#include "common/error.h"

struct runner_direct {
    struct engine_runner ops;
    sd_event_source *child;
    engine_exit_fn on_exit;
    void *userdata;
};

/* In the child: only async-signal-safe calls from here to exec. */
static void child_fail(int errfd, int err)
{
    ssize_t n = write(errfd, &err, sizeof err);
    (void)n;
    _exit(127);
}

static void child_exec(const struct engine_command *cmd, const struct throttle *t, int logfd, int errfd)
{
    child_reset_signals();
    setpgid(0, 0);                        /* the engine and its helpers: one group */

    int null = open("/dev/null", O_RDONLY);
    if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(logfd, STDOUT_FILENO) < 0
        || dup2(logfd, STDERR_FILENO) < 0)
        child_fail(errfd, errno);
    if (t) {
        int r = throttle_enter(t);
        if (r < 0)
            child_fail(errfd, -r);
    }
    int r = privileges_drop(cmd->uid, cmd->gid);
    if (r < 0)
        child_fail(errfd, -r);
    execve(cmd->argv[0], cmd->argv, cmd->envp);
    child_fail(errfd, errno);
}

/* The parent pid of PID from /proc/PID/stat, or -1. */
static pid_t parent_of(const char *pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    int ppid;
    return p && sscanf(p + 1, " %*c %d", &ppid) == 1 ? ppid : -1;
}

void runner_direct_kill_adopted(pid_t engine)
{
    for (int round = 0; round < 16; round++) {
        _cleanup_closedir_ DIR *d = opendir("/proc");
        struct dirent *de;
        int killed = 0;
        while (d && (de = readdir(d))) {
            if (de->d_name[0] < '1' || de->d_name[0] > '9' || parent_of(de->d_name) != getpid())
                continue;
            pid_t pid = (pid_t)atoi(de->d_name);
            if (pid == engine)
                continue;     /* a zombie until sd-event reaps it after on_child */
            log_info("Killing PID %ld that the engine left behind", (long)pid);
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            killed++;
        }
        if (!killed)
            return;
    }
}

static int on_child(sd_event_source *s, const siginfo_t *si, void *userdata)
{
    struct runner_direct *d = userdata;
    int rc = si->si_code == CLD_EXITED ? si->si_status : -si->si_status;

    d->child = sd_event_source_disable_unref(d->child);
    /* Whatever the engine left in its process group goes with it. */
    kill(-d->ops.pid, SIGKILL);
    d->on_exit(d->userdata, rc);
    return 0;
}

static int direct_start(struct engine_runner *r, sd_event *event, const struct engine_command *cmd,
                        engine_exit_fn on_exit, void *userdata, char **error)
{
    struct runner_direct *d = (struct runner_direct *)r;
    int errpipe[2];

    _cleanup_close_ int logfd = open(cmd->v2v_log_path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    struct stat st;
    if (logfd >= 0 && (fstat(logfd, &st) < 0 || !S_ISREG(st.st_mode) || fcntl(logfd, F_SETFL, O_WRONLY | O_APPEND) < 0)) {
        close(TAKE_FD(logfd));
        errno = EBADF;
    }
    if (logfd < 0) {
        int e = errno;
        return error_set(error, -e, "cannot open the v2v log %s: %s",
                                    cmd->v2v_log_path, strerror(e));
    }
    if (pipe2(errpipe, O_CLOEXEC) < 0)
        return -errno;
    prctl(PR_SET_CHILD_SUBREAPER, 1);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(errpipe[0]);
        close(errpipe[1]);
        return -e;
    }
    if (pid == 0) {
        close(errpipe[0]);
        child_exec(cmd, r->throttle, logfd, errpipe[1]);
    }
    close(errpipe[1]);
    int child_errno = 0;
    ssize_t n;
    while ((n = read(errpipe[0], &child_errno, sizeof child_errno)) < 0 && errno == EINTR)
        ;
    close(errpipe[0]);
    if (n == sizeof child_errno) {
        /* exec failed: reap the child and say why. */
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        return error_set(error, -child_errno, "cannot run the engine %s: %s",
                                              cmd->argv[0], strerror(child_errno));
    }
    d->ops.pid = pid;
    d->on_exit = on_exit;
    d->userdata = userdata;
    int rr = sd_event_add_child(event, &d->child, pid, WEXITED, on_child, d);
    if (rr < 0) {
        kill(pid, SIGKILL);
        return rr;
    }
    return 0;
}

static int direct_stop(struct engine_runner *r)
{
    return r->pid > 0 && kill(r->pid, SIGTERM) < 0 ? -errno : 0;
}

static int direct_kill(struct engine_runner *r)
{
    if (r->pid <= 0)
        return 0;
    kill(-r->pid, SIGKILL);
    return kill(r->pid, SIGKILL) < 0 ? -errno : 0;
}

static void direct_kill_leftovers(struct engine_runner *r)
{
    runner_direct_kill_adopted(r->pid);
}

static void direct_free(struct engine_runner *r)
{
    struct runner_direct *d = (struct runner_direct *)r;
    if (!d)
        return;
    sd_event_source_disable_unref(d->child);
    throttle_free(d->ops.throttle);
    free(d);
}

/* CPU: the quota of the cgroup the engine enters (or is in). */
static void direct_set_limits(struct engine_runner *r, const struct throttle_request *req,
                              struct limits_outcome *out)
{
    if (req->cpu_present)
        out->cpu = r->throttle ? throttle_set_cpu(r->throttle, req, &out->cpu_error) : -EOPNOTSUPP;
    runner_set_network(r, req, out);
}

int runner_direct_new(const char *tag, struct engine_runner **out)
{
    _cleanup_free_ char *error = NULL;
    struct runner_direct *d = calloc(1, sizeof *d);
    if (!d)
        return -ENOMEM;
    d->ops = (struct engine_runner){
        .name = "direct",
        .limits_before_start = true,
        .start = direct_start,
        .stop = direct_stop,
        .kill = direct_kill,
        .set_limits = direct_set_limits,
        .kill_leftovers = direct_kill_leftovers,
        .free = direct_free,
    };
    throttle_collect_leftovers();
    if (throttle_new(tag, &d->ops.throttle, &error) < 0) {
        log_warning("Throttling is not available: %s", error ? error : "unknown error");
        d->ops.throttle = NULL;
    }
    *out = &d->ops;
    return 0;
}

void runner_set_network(struct engine_runner *r, const struct throttle_request *req,
                        struct limits_outcome *out)
{
    if (req->network_present)
        out->network = r->throttle ? throttle_set_network(r->throttle, req, &out->network_error)
                                   : -EOPNOTSUPP;
}

void limits_outcome_free(struct limits_outcome *out)
{
    free(out->cpu_error);
    free(out->network_error);
    *out = (struct limits_outcome){ 0 };
}
