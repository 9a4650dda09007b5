#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "wrapper/privileges.h"
#include "wrapper/ssh_agent.h"
#include "common/error.h"

#define SSH_AGENT "/usr/bin/ssh-agent"
#define SSH_ADD "/usr/bin/ssh-add"

struct ssh_agent {
    pid_t pid;
    char *socket;
};

/* fork + drop to the conversion user + exec; stdio on /dev/null. */
static pid_t spawn_as(const struct conversion *c, char *const argv[], char *const envp[])
{
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    child_reset_signals();
    int null = open("/dev/null", O_RDWR);
    if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
        _exit(126);
    setsid();
    if (privileges_drop(c->uid, c->gid) < 0)
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

static bool wait_for_socket(const char *path, pid_t pid)
{
    struct timespec step = { 0, 10 * 1000 * 1000 };
    struct stat st;
    for (int i = 0; i < 500; i++) {
        if (stat(path, &st) == 0 && S_ISSOCK(st.st_mode))
            return true;
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return false;
        nanosleep(&step, NULL);
    }
    return false;
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
    char *key_argv[] = { SSH_ADD, c->secrets.ssh_key, NULL };
    char *default_argv[] = { SSH_ADD, NULL };
    char *add_env[] = { sock_env, NULL };
    pid_t pid = spawn_as(c, c->secrets.ssh_key ? key_argv : default_argv, add_env);
    int st = pid < 0 ? -errno : wait_status(pid);

    if (c->secrets.ssh_key) {
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
                    "the ssh transport may fail to authenticate", (unsigned)c->uid,
                    c->user_home ? c->user_home : "~", st);
    else
        log_info("The default ssh keys of uid %u (%s/.ssh) are loaded into the agent",
                 (unsigned)c->uid, c->user_home ? c->user_home : "~");
    return 0;
}

int ssh_agent_start(struct conversion *c, struct ssh_agent **out, char **error)
{
    struct ssh_agent *a = calloc(1, sizeof *a);
    *error = NULL;
    if (!a || asprintf(&a->socket, "%s/ssh-agent.sock", c->paths.secrets_dir) < 0) {
        free(a);
        return -ENOMEM;
    }
    char *agent_argv[] = { SSH_AGENT, "-D", "-a", a->socket, NULL };
    char *no_env[] = { NULL };
    a->pid = spawn_as(c, agent_argv, no_env);
    if (a->pid < 0 || !wait_for_socket(a->socket, a->pid)) {
        error_set(error, 0, "cannot start %s as uid %u", SSH_AGENT, (unsigned)c->uid);
        ssh_agent_stop(a);
        return -ECHILD;
    }
    log_info("ssh-agent started (PID %ld)", (long)a->pid);
    int r = load_identities(c, a, error);
    if (r < 0) {
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
    if (a->pid > 0) {
        kill(a->pid, SIGTERM);
        wait_status(a->pid);
    }
    if (a->socket)
        unlink(a->socket);
    free(a->socket);
    free(a);
}
