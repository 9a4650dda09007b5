/* SPDX-License-Identifier: Apache-2.0 */
/* The ssh-agent runs as the conversion user under a small guardian (our
 * own code, root): the guardian holds the read end of a pipe whose write
 * end only the wrapper has, and kills the agent when it reads EOF, so the
 * agent dies with the wrapper whatever kills it (ssh-agent is set-group-ID
 * on Debian, which clears a parent-death signal at exec). The agent's pid
 * and start time are kept in the run directory, where a later wrapper
 * finds them should the guardian die too. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "throttle/throttle.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/log.h"
#include "wrapper/files.h"
#include "wrapper/privileges.h"
#include "wrapper/ssh_agent.h"

#define SSH_AGENT "/usr/bin/ssh-agent"
#define SSH_ADD "/usr/bin/ssh-add"
#define SOCKET_NAME "sock"
#define PID_NAME "agent.pid"

struct ssh_agent {
    pid_t guardian, pid;
    int lifeline;                     /* write end: closed = the agent dies */
    int run_fd;
    char *socket;
};

static void null_stdio(void)
{
    int null = open("/dev/null", O_RDWR);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
        _exit(126);
}

/* fork + drop to the conversion user + exec; stdio on /dev/null. */
static pid_t spawn_as(const struct conversion *c, char *const argv[], char *const envp[])
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    child_reset_signals();
    null_stdio();
    setsid();
    if (privileges_drop(c->plan.uid, c->plan.gid) < 0)
        _exit(126);
    execve(argv[0], argv, envp);
    _exit(127);
}

static int wait_status(pid_t pid)
{
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The guardian: start the agent, tell its pid, kill it when the lifeline
 * breaks; exit when the agent exits. Never returns. */
static void guardian(const struct conversion *c, char *const argv[], int lifeline, int report)
{
    child_reset_signals();
    null_stdio();
    setsid();
    if (dup2(lifeline, 3) < 0 || dup2(report, 4) < 0)
        _exit(126);
    close_range(5, ~0U, 0);           /* no lock, no other descriptor of the wrapper */
    pid_t agent = fork();
    if (agent == 0) {
        close(3);
        close(4);
        if (privileges_drop(c->plan.uid, c->plan.gid) < 0)
            _exit(126);
        char *no_env[] = { NULL };
        execve(argv[0], argv, no_env);
        _exit(127);
    }
    ssize_t n = write(4, &agent, sizeof agent);
    close(4);
    if (agent < 0 || n != sizeof agent)
        _exit(1);
    for (;;) {
        struct pollfd p = { .fd = 3, .events = POLLIN };
        int k = poll(&p, 1, 200);
        if (waitpid(agent, NULL, WNOHANG) == agent)
            _exit(0);
        if (k > 0) {
            kill(agent, SIGTERM);
            for (int i = 0; i < 50 && waitpid(agent, NULL, WNOHANG) != agent; i++)
                usleep(20000);
            kill(agent, SIGKILL);
            waitpid(agent, NULL, 0);
            _exit(0);
        }
    }
}

static bool wait_for_socket(int dir, pid_t guardian_pid)
{
    struct timespec step = { 0, 10 * 1000 * 1000 };
    struct stat st;
    for (int i = 0; i < 500; i++) {
        if (fstatat(dir, SOCKET_NAME, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISSOCK(st.st_mode))
            return true;
        if (waitpid(guardian_pid, NULL, WNOHANG) == guardian_pid)
            return false;
        nanosleep(&step, NULL);
    }
    return false;
}

/* RUN_DIR/agent, the conversion user's (the agent makes its socket there). */
static int make_agent_dir(const struct conversion *c, int *out, char **error)
{
    if (mkdirat(c->plan.paths.run_fd, AGENT_DIR_NAME, 0700) < 0)
        return error_set(error, -errno, "cannot create the ssh-agent directory in %s: %s",
                         c->plan.paths.run_dir, strerror(errno));
    _cleanup_close_ int fd = openat(c->plan.paths.run_fd, AGENT_DIR_NAME, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || (geteuid() == 0 && fchown(fd, c->plan.uid, c->plan.gid) < 0))
        return error_set(error, -errno, "cannot prepare the ssh-agent directory in %s: %s",
                         c->plan.paths.run_dir, strerror(errno));
    *out = TAKE_FD(fd);
    return 0;
}

static void record_pid(const struct ssh_agent *a)
{
    unsigned long long t = 0;
    bool zombie;
    if (proc_start_time(a->pid, &t, &zombie) < 0)
        return;
    _cleanup_close_ int fd = openat(a->run_fd, PID_NAME, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0)
        dprintf(fd, "%d %llu\n", (int)a->pid, t);
}

static int start_guardian(const struct conversion *c, struct ssh_agent *a, char **error)
{
    char *agent_argv[] = { SSH_AGENT, "-D", "-a", a->socket, NULL };
    int life[2], report[2];
    if (pipe2(life, O_CLOEXEC) < 0)
        return -errno;
    if (pipe2(report, O_CLOEXEC) < 0) {
        close(life[0]);
        close(life[1]);
        return -errno;
    }
    a->guardian = fork();
    if (a->guardian == 0)
        guardian(c, agent_argv, life[0], report[1]);
    close(life[0]);
    close(report[1]);
    a->lifeline = life[1];
    ssize_t n = a->guardian > 0 ? read(report[0], &a->pid, sizeof a->pid) : -1;
    close(report[0]);
    if (n != sizeof a->pid || a->pid <= 0)
        return error_set(error, -ECHILD, "cannot start %s as uid %u", SSH_AGENT, (unsigned)c->plan.uid);
    record_pid(a);
    return 0;
}

/* The agent holds "ssh_key" when the input has one; else the conversion
 * user's default keys (~/.ssh/id_rsa, id_ecdsa, id_ed25519, ...): ssh-add
 * with no argument, as that user, finds them through its password entry,
 * exactly as the Python wrapper did (ManageIQ never sends "ssh_key"). */
static int load_identities(const struct conversion *c, const struct ssh_agent *a, char **error)
{
    _cleanup_free_ char *sock_env = NULL;
    if (asprintf(&sock_env, "SSH_AUTH_SOCK=%s", a->socket) < 0)
        return -ENOMEM;
    char *key_argv[] = { SSH_ADD, c->plan.secrets.ssh_key, NULL };
    char *default_argv[] = { SSH_ADD, NULL };
    char *add_env[] = { sock_env, NULL };
    pid_t pid = spawn_as(c, c->plan.secrets.ssh_key ? key_argv : default_argv, add_env);
    int st = pid < 0 ? -errno : wait_status(pid);

    if (c->plan.secrets.ssh_key) {
        if (st != 0)
            return error_set(error, -EINVAL, "ssh-add could not load \"ssh_key\" into the agent (status %d): "
                                             "is it a private key without a passphrase?", st);
        log_info("The ssh key is loaded into the agent");
        return 0;
    }
    /* No default key (or only ones with a passphrase) is not fatal here:
     * the engine's ssh may still get in; if not, its error says so. */
    if (st != 0)
        log_warning("ssh-add (uid %u) loaded no default key from %s/.ssh (status %d): "
                    "the ssh transport may fail to authenticate", (unsigned)c->plan.uid,
                    c->plan.user_home ? c->plan.user_home : "~", st);
    else
        log_info("The default ssh keys of uid %u (%s/.ssh) are loaded into the agent",
                 (unsigned)c->plan.uid, c->plan.user_home ? c->plan.user_home : "~");
    return 0;
}

int ssh_agent_start(struct conversion *c, struct ssh_agent **out, char **error)
{
    struct ssh_agent *a = calloc(1, sizeof *a);
    *error = NULL;
    if (!a || asprintf(&a->socket, "%s/" AGENT_DIR_NAME "/" SOCKET_NAME, c->plan.paths.run_dir) < 0) {
        free(a);
        return -ENOMEM;
    }
    a->lifeline = -1;
    a->run_fd = c->plan.paths.run_fd;
    if (strlen(a->socket) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
        error_set(error, -ENAMETOOLONG, "the ssh-agent socket %s would be %zu bytes long, more than the "
                  "%zu a socket path may have: choose a shorter run directory (V2VW_RUN_DIR)",
                  a->socket, strlen(a->socket), sizeof(((struct sockaddr_un *)0)->sun_path) - 1);
        ssh_agent_stop(a);
        return -ENAMETOOLONG;
    }
    _cleanup_close_ int dir = -1;
    int r = make_agent_dir(c, &dir, error);
    if (r >= 0)
        r = start_guardian(c, a, error);
    if (r >= 0 && !wait_for_socket(dir, a->guardian))
        r = error_set(error, -ECHILD, "cannot start %s as uid %u", SSH_AGENT, (unsigned)c->plan.uid);
    if (r < 0) {
        ssh_agent_stop(a);
        return r;
    }
    log_info("ssh-agent started (PID %ld)", (long)a->pid);
    if ((r = load_identities(c, a, error)) < 0) {
        ssh_agent_stop(a);
        return r;
    }
    *out = a;
    return 0;
}

const char *ssh_agent_socket(const struct ssh_agent *a)
{
    return a->socket;
}

void ssh_agent_stop(struct ssh_agent *a)
{
    if (!a)
        return;
    if (a->lifeline >= 0)
        close(a->lifeline);           /* the guardian kills the agent and exits */
    if (a->guardian > 0)
        wait_status(a->guardian);
    if (a->pid > 0 && a->run_fd >= 0)
        unlinkat(a->run_fd, PID_NAME, 0);
    free(a->socket);
    free(a);
}

void ssh_agent_collect(int run_fd)
{
    _cleanup_close_ int fd = openat(run_fd, PID_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    char buf[64] = "";
    int pid;
    unsigned long long want, t;
    bool zombie;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()
        || read(fd, buf, sizeof buf - 1) <= 0 || sscanf(buf, "%d %llu", &pid, &want) != 2 || pid <= 1)
        return;
    if (proc_start_time(pid, &t, &zombie) == 0 && t == want && !zombie) {
        log_info("Killing the ssh-agent (PID %d) a dead wrapper left", pid);
        kill(pid, SIGKILL);
    }
    unlinkat(run_fd, PID_NAME, 0);
}
