/* SPDX-License-Identifier: Apache-2.0 */
/* Measure one program the way bench/lean-core.sh compares the wrapper with
 * its minimal baseline: run it RUNS times with INPUT on stdin and report
 *   cpu      CPU time of the process itself (its schedstat once it exited,
 *            read before it is reaped, so children such as the engine do
 *            not count), ns precision;
 *   first    start (fork) -> its first stdout line;
 *   rss      peak resident set (VmHWM, sampled every 2 ms while it runs).
 * A run that has not exited after RUNSTAT_TIMEOUT seconds (default 120) is
 * killed with all it started, and the measurement fails.
 * Usage: lean-core-runstat RUNS INPUT|- CMD [ARGS...] */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double timeout_ms = 120e3;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long hwm_kb(pid_t pid)
{
    char path[64], line[256];
    long kb = -1;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    FILE *f = fopen(path, "re");
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %ld", &kb) == 1)
            break;
    if (f)
        fclose(f);
    return kb;
}

static double cpu_ms(pid_t pid)
{
    char path[64];
    unsigned long long ns = 0;
    snprintf(path, sizeof path, "/proc/%d/schedstat", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f || fscanf(f, "%llu", &ns) != 1)
        ns = 0;
    if (f)
        fclose(f);
    return ns / 1e6;
}

struct one {
    double cpu, first;
    long rss;
};

static int open_pidfd(pid_t pid)
{
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Until the process exits, or the deadline: whatever it left running
 * (a daemon, the engine) may hold stdout open long after, so stdout's end
 * is not waited for. 0, or -1 when the deadline killed it. */
static int follow(pid_t pid, int out, double t0, struct one *o)
{
    char buf[4096];
    int pidfd = open_pidfd(pid);
    struct pollfd p[2] = { { out, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
    for (;;) {
        long kb = hwm_kb(pid);
        if (kb > o->rss)
            o->rss = kb;
        if (now_ms() - t0 > timeout_ms) {
            kill(-pid, SIGKILL);
            close(pidfd);
            return -1;
        }
        if (poll(p, 2, 2) < 0 && errno != EINTR)
            break;
        if (p[0].revents) {
            ssize_t n = read(out, buf, sizeof buf);
            if (n <= 0)
                p[0].fd = -1;                   /* closed: keep watching the process */
            else if (o->first < 0 && memchr(buf, '\n', (size_t)n))
                o->first = now_ms() - t0;
        }
        if (p[1].revents & POLLIN || pidfd < 0)
            break;
    }
    close(pidfd);
    /* A line written just before exiting may still wait in the pipe. */
    fcntl(out, F_SETFL, O_NONBLOCK);
    ssize_t n;
    while (o->first < 0 && (n = read(out, buf, sizeof buf)) > 0)
        if (memchr(buf, '\n', (size_t)n))
            o->first = now_ms() - t0;
    return 0;
}

static int run_once(const char *input, char **argv, struct one *o)
{
    int out[2];
    if (pipe2(out, O_CLOEXEC) < 0)
        return -1;
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        setpgid(0, 0);                          /* the deadline kills all it started */
        int in = open(strcmp(input, "-") ? input : "/dev/null", O_RDONLY);
        dup2(in, STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(out[1]);
    o->first = -1;
    o->rss = 0;
    int timed_out = follow(pid, out[0], t0, o) < 0;
    close(out[0]);
    siginfo_t si;
    while (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT) < 0 && errno == EINTR)
        ;
    o->cpu = cpu_ms(pid);            /* a zombie still has its schedstat */
    int status;
    waitpid(pid, &status, 0);
    if (timed_out) {
        fprintf(stderr, "%s: no exit within %.0f s, killed\n", argv[0], timeout_ms / 1e3);
        return 124;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s RUNS INPUT|- CMD [ARGS...]\n", argv[0]);
        return 2;
    }
    int runs = atoi(argv[1]);
    if (getenv("RUNSTAT_TIMEOUT"))
        timeout_ms = atof(getenv("RUNSTAT_TIMEOUT")) * 1e3;
    double *cpu = calloc((size_t)runs, sizeof *cpu), *first = calloc((size_t)runs, sizeof *first);
    long rss = 0;
    for (int i = 0; i < runs; i++) {
        struct one o;
        int rc = run_once(argv[2], argv + 3, &o);
        if (rc != 0) {
            fprintf(stderr, "%s exited %d\n", argv[3], rc);
            return 1;
        }
        if (o.first < 0) {
            fprintf(stderr, "%s printed no line on stdout\n", argv[3]);
            return 1;
        }
        cpu[i] = o.cpu;
        first[i] = o.first;
        rss = o.rss > rss ? o.rss : rss;
    }
    qsort(cpu, (size_t)runs, sizeof *cpu, cmp);
    qsort(first, (size_t)runs, sizeof *first, cmp);
    /* Medians: the machine is shared, the median resists a busy moment. */
    printf("cpu_ms=%.2f first_ms=%.2f rss_kb=%ld\n", cpu[runs / 2], first[runs / 2], rss);
    return 0;
}
