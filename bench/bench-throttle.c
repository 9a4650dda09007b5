/* How long from a throttling file being renamed into place to the new limit
 * being in effect (the cgroup quota file and the tc class rate read back
 * through libnl say so), over 100 changes. Goal: <= 50 ms.
 *
 * Runs in a network namespace of its own (unshare), on a veth pair it
 * creates there, so the host's interfaces are never touched. Root only. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>

#include <netlink/route/link/veth.h>

#include "throttle/nl_cleanup.h"
#include "throttle/throttle_int.h"
#include "throttle/throttle_watch.h"
#include "common/log.h"

#define CHANGES 100

struct bench {
    struct throttle *t;
    bool applied;
    const char *error;
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void on_file(void *userdata, const struct throttle_request *req, const char *error)
{
    struct bench *b = userdata;
    char *err = NULL;
    if (!req || throttle_set_cpu(b->t, req, &err) < 0 || throttle_set_network(b->t, req, &err) < 0)
        fprintf(stderr, "apply failed: %s\n", error ? error : err ? err : "?");
    free(err);
    b->applied = true;
}

static bool in_effect(struct throttle *t, struct nl_sock *sk, int ifindex, unsigned pct, uint64_t rate)
{
    char buf[64], want[32];
    uint64_t got = 0;
    snprintf(want, sizeof want, "%llu", (unsigned long long)pct * THROTTLE_CPU_PERIOD_US / 100);
    if (cg_read(t->cpu_dir, t->cpu_is_v2 ? "cpu.max" : "cpu.cfs_quota_us", buf, sizeof buf) < 0 ||
        strncmp(buf, want, strlen(want)) != 0)
        return false;
    return tc_get_rate(sk, ifindex, t->minor, &got) == 0 && got == rate;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(void)
{
    if (geteuid() != 0) {
        printf("bench-throttle: skipped (needs root)\n");
        return 0;
    }
    if (unshare(CLONE_NEWNET) < 0) {
        perror("unshare");
        return 1;
    }
    struct nl_sock *sk = NULL;
    if (tc_socket(&sk) < 0 || rtnl_link_veth_add(sk, "bench0", "bench1", getpid()) < 0) {
        fprintf(stderr, "cannot create a veth pair\n");
        return 1;
    }
    int ifindex = (int)if_nametoindex("bench0");
    setenv("V2VW_THROTTLE_IFACES", "bench0", 1);
    char dir[] = "/tmp/bench-throttle.XXXXXX", path[64], tmp[64], tag[32];
    if (!mkdtemp(dir))
        return 1;
    setenv("V2VW_THROTTLE_RUNDIR", dir, 1);
    snprintf(path, sizeof path, "%s/throttle", dir);
    snprintf(tmp, sizeof tmp, "%s/throttle.tmp", dir);
    snprintf(tag, sizeof tag, "bench-%d", (int)getpid());

    log_open("/dev/null"); /* the per-change log lines are not the point here */
    struct bench b = { 0 };
    char *error = NULL;
    if (throttle_new(tag, &b.t, &error) < 0) {
        fprintf(stderr, "throttle_new: %s\n", error);
        return 1;
    }
    sd_event *e = NULL;
    struct throttle_watch *w = NULL;
    sd_event_default(&e);
    if (throttle_watch_new(e, path, on_file, &b, &w) < 0)
        return 1;

    double lat[CHANGES];
    int ok = 0;
    for (int i = 0; i < CHANGES; i++) {
        unsigned pct = 10 + (unsigned)(i % 9) * 10;
        uint64_t rate = 1048576ULL * (uint64_t)(1 + i % 7);
        FILE *f = fopen(tmp, "w");
        fprintf(f, "{\"cpu\": \"%u%%\", \"network\": \"%llu\"}", pct, (unsigned long long)rate);
        fclose(f);
        b.applied = false;
        double t0 = now_ms();
        rename(tmp, path);
        while (!b.applied && now_ms() - t0 < 2000)
            sd_event_run(e, 100 * 1000);
        while (!in_effect(b.t, sk, ifindex, pct, rate) && now_ms() - t0 < 2000)
            ;
        lat[i] = now_ms() - t0;
        ok += in_effect(b.t, sk, ifindex, pct, rate);
    }
    qsort(lat, CHANGES, sizeof lat[0], cmp);
    printf("throttle apply latency (rename -> CPU quota and tc class rate in effect), %d changes:\n", CHANGES);
    printf("  median %.2f ms, p95 %.2f ms, max %.2f ms (goal <= 50 ms); %d/%d verified in effect\n",
           lat[CHANGES / 2], lat[CHANGES * 95 / 100], lat[CHANGES - 1], ok, CHANGES);
    printf("  classification method: %s; CPU via %s\n", throttle_method_name(b.t->method),
           b.t->cpu_is_v2 ? "cgroup v2 cpu.max" : "cgroup v1 cpu.cfs_quota_us");
    throttle_watch_free(w);
    throttle_free(b.t);
    sd_event_unref(e);
    nl_socket_free(sk);
    rmdir(dir);
    return ok == CHANGES && lat[CHANGES * 95 / 100] <= 50 ? 0 : 1;
}
