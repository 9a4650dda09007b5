/* The baseline of bench/lean-core.sh: a minimal C program doing the
 * wrapper's core job and nothing else, with libc only. It reads the input,
 * prints the JSON line with the paths, runs the engine ($V2VW_ENGINE) with
 * its output in the v2v log, follows that log with inotify, and rewrites
 * the state file atomically (temporary, fsync, rename) whenever the log
 * grew, until the engine exits. No validation, no parsing beyond counting
 * lines: whatever the wrapper costs above this is the price of its work. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}

static int write_state(const char *path, long lines, int finished, int rc)
{
    char tmp[4200], text[256];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int n = snprintf(text, sizeof text,
                     "{\"disks\":[],\"failed\":%s,\"started\":true,\"lines\":%ld%s}\n",
                     finished && rc ? "true" : "false", lines, finished ? ",\"finished\":true" : "");
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, text, (size_t)n) != n || fsync(fd) < 0 || close(fd) < 0)
        return -1;
    return rename(tmp, path);
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--version") == 0) {
        printf("lean-core-minimal 1\n");
        return 0;
    }
    char buf[65536], tag[64], v2v_log[4096], mr_log[4096], state[4096], mr_arg[4200];
    while (read(STDIN_FILENO, buf, sizeof buf) > 0)
        ;
    const char *logs = env_or("V2VW_LOG_DIR", "/tmp"), *states = env_or("V2VW_STATE_DIR", "/tmp");
    snprintf(tag, sizeof tag, "%ld-%d", (long)time(NULL), (int)getpid());
    snprintf(v2v_log, sizeof v2v_log, "%s/minimal-%s.log", logs, tag);
    snprintf(mr_log, sizeof mr_log, "%s/minimal-%s-mr.log", logs, tag);
    snprintf(state, sizeof state, "%s/minimal-%s.state", states, tag);
    snprintf(mr_arg, sizeof mr_arg, "--machine-readable=file:%s", mr_log);

    int logfd = open(v2v_log, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (logfd < 0 || write_state(state, 0, 0, 0) < 0)
        return 1;
    printf("{\"v2v_log\":\"%s\",\"state_file\":\"%s\"}\n", v2v_log, state);
    fflush(stdout);

    int in = inotify_init1(IN_CLOEXEC);
    inotify_add_watch(in, v2v_log, IN_MODIFY);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(logfd, STDOUT_FILENO);
        dup2(logfd, STDERR_FILENO);
        const char *engine = env_or("V2VW_ENGINE", "/usr/bin/virt-v2v");
        execl(engine, engine, "-v", "-x", "minimal-vm", mr_arg, "-o", "null", (char *)NULL);
        _exit(127);
    }
    close(logfd);
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    int rd = open(v2v_log, O_RDONLY | O_CLOEXEC);
    long lines = 0;
    struct pollfd fds[2] = { { in, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
    for (;;) {
        if (poll(fds, 2, -1) < 0 && errno != EINTR)
            return 1;
        if (fds[0].revents & POLLIN) {
            char ev[4096];
            if (read(in, ev, sizeof ev) < 0)
                return 1;
        }
        ssize_t n;
        while ((n = read(rd, buf, sizeof buf)) > 0)
            for (ssize_t i = 0; i < n; i++)
                lines += buf[i] == '\n';
        if (fds[1].revents & POLLIN)
            break;
        write_state(state, lines, 0, 0);
    }
    int status;
    waitpid(pid, &status, 0);
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    write_state(state, lines, 1, rc);
    return rc ? 2 : 0;
}
