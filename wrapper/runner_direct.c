/* The direct runner: fork, enter the conversion's cgroup, drop privileges
 * (checked), exec the engine; follow it with an sd-event child source
 * (a pidfd underneath). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
                        struct throttle **throttle, engine_exit_fn on_exit, void *userdata,
                        char **error)
{
    struct runner_direct *d = (struct runner_direct *)r;
    int errpipe[2];

    /* The log exists already, owned by the conversion user: O_CREAT on it
     * is refused even to root in a sticky world-writable directory such
     * as /tmp (fs.protected_regular), so create it only if it is gone. */
    _cleanup_close_ int logfd = open(cmd->v2v_log_path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
    if (logfd < 0 && errno == ENOENT)
        logfd = open(cmd->v2v_log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (logfd < 0) {
        int e = errno;
        return error_set(error, -e, "cannot open the v2v log %s: %s",
                                    cmd->v2v_log_path, strerror(e));
    }
    if (pipe2(errpipe, O_CLOEXEC) < 0)
        return -errno;
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(errpipe[0]);
        close(errpipe[1]);
        return -e;
    }
    if (pid == 0) {
        close(errpipe[0]);
        child_exec(cmd, throttle ? *throttle : NULL, logfd, errpipe[1]);
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

static void direct_free(struct engine_runner *r)
{
    struct runner_direct *d = (struct runner_direct *)r;
    if (!d)
        return;
    sd_event_source_disable_unref(d->child);
    free(d);
}

int runner_direct_new(struct engine_runner **out)
{
    struct runner_direct *d = calloc(1, sizeof *d);
    if (!d)
        return -ENOMEM;
    d->ops = (struct engine_runner){
        .name = "direct",
        .start = direct_start,
        .stop = direct_stop,
        .kill = direct_kill,
        .free = direct_free,
    };
    *out = &d->ops;
    return 0;
}
