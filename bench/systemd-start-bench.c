/* How long starting the engine takes: in a transient unit through the
 * systemd runner (runner_systemd_new, then start() = StartTransientUnit
 * until the job is done and ExecMainPID is known) versus fork+exec of the
 * same program (until exec succeeded, seen as EOF on a close-on-exec
 * pipe). Run it where systemd is PID 1 (bench/systemd.sh boots one).
 *
 * usage: systemd-start-bench [RUNS [ENGINE [ARGS...]]]   (default 30 /bin/true) */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <systemd/sd-event.h>

#include "common/cleanup.h"
#include "wrapper/runner.h"

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void on_exit_cb(void *userdata, int return_code)
{
    sd_event_exit(userdata, return_code);
}

/* One unit: *connect_ms for runner_systemd_new, *start_ms for start(). */
static int run_systemd(int i, char **argv, double *connect_ms, double *start_ms)
{
    struct engine_runner *r = NULL;
    sd_event *event = NULL;
    struct throttle *throttle = NULL;
    _cleanup_free_ char *why_not = NULL, *error = NULL;
    char tag[64], *envp[] = { "LANG=C", NULL };
    snprintf(tag, sizeof tag, "bench-%d-%d", (int)getpid(), i);
    struct engine_command cmd = { .argv = argv, .envp = envp, .v2v_log_path = "/dev/null",
                                  .description = "virt-v2v-wrapper benchmark", .tag = tag };
    double t0 = now_ms();
    int q = runner_systemd_new(&r, &why_not);
    if (q < 0) {
        fprintf(stderr, "systemd runner unusable: %s\n", why_not);
        return q;
    }
    double t1 = now_ms();
    sd_event_new(&event);
    q = r->start(r, event, &cmd, &throttle, on_exit_cb, event, &error);
    double t2 = now_ms();
    if (q >= 0 && r->pid <= 0)
        q = -ESRCH;
    if (q >= 0)
        q = sd_event_loop(event);
    else
        fprintf(stderr, "start failed: %s\n", error ? error : strerror(-q));
    r->free(r);
    sd_event_unref(event);
    *connect_ms = t1 - t0;
    *start_ms = t2 - t1;
    return q;
}

static int run_direct(char **argv, double *ms)
{
    int p[2];
    char c;
    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    double t0 = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0), dup2(null, 1), dup2(null, 2);
        execv(argv[0], argv);
        (void)!write(p[1], "x", 1);
        _exit(127);
    }
    close(p[1]);
    ssize_t n = read(p[0], &c, 1);   /* EOF: exec succeeded */
    *ms = now_ms() - t0;
    close(p[0]);
    int status;
    waitpid(pid, &status, 0);
    return pid < 0 || n != 0 ? -EIO : 0;
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 30;
    char *deflt[] = { "/bin/true", NULL };
    char **engine = argc > 2 ? argv + 2 : deflt;
    if (runs < 1 || runs > 10000)
        return 1;
    double *conn = calloc((size_t)runs, sizeof *conn), *start = calloc((size_t)runs, sizeof *start),
           *direct = calloc((size_t)runs, sizeof *direct);
    if (!conn || !start || !direct)
        return 1;
    for (int i = 0; i < runs; i++) {
        if (run_systemd(i, engine, &conn[i], &start[i]) < 0 || run_direct(engine, &direct[i]) < 0)
            return 1;
    }
    printf("engine %s%s, %d runs, medians:\n", engine[0], engine[1] ? " ..." : "", runs);
    printf("  systemd unit start (StartTransientUnit .. ExecMainPID known): %8.3f ms\n",
           median(start, runs));
    printf("  systemd bus connect + manager check (runner_systemd_new):     %8.3f ms\n",
           median(conn, runs));
    printf("  direct fork+exec (fork .. exec done):                         %8.3f ms\n",
           median(direct, runs));
    free(conn), free(start), free(direct);
    return 0;
}
