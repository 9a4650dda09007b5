/* The limits of one running conversion: its cgroups (CPU) and its tc class
 * (network). CONTRACT §8. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/route/tc.h>

#include "throttle/nl_cleanup.h"
#include "throttle/throttle_int.h"
#include "common/error.h"
#include "common/log.h"

static void cg_mounts_freep(struct cg_mounts *m) { cg_mounts_free(m); }
static void throttle_freep(struct throttle **t) { throttle_free(*t); }

const char *throttle_method_name(enum throttle_method m)
{
    switch (m) {
    case THROTTLE_METHOD_BPF: return "bpf (cls_bpf matching bpf_skb_cgroup_id)";
    case THROTTLE_METHOD_CGROUP: return "cgroup (cls_cgroup with net_cls.classid)";
    default: return "none";
    }
}

static bool tag_valid(const char *tag)
{
    size_t n = strlen(tag);
    if (n == 0 || n >= sizeof(((struct alloc_entry *)0)->tag) || tag[0] == '.')
        return false;
    for (const char *p = tag; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
            return false;
    return true;
}

static int add_enter_path(struct throttle *t, const char *dir)
{
    if (t->n_enter >= THROTTLE_MAX_ENTER)
        return -E2BIG;
    if (asprintf(&t->enter_paths[t->n_enter], "%s/cgroup.procs", dir) < 0)
        return -ENOMEM;
    t->n_enter++;
    return 0;
}

static int alloc_throttle(const char *tag, bool owns_cgroups, struct throttle **out, char **error)
{
    if (!tag_valid(tag)) {
        error_set(error, 0, "invalid conversion tag for throttling: %s", tag);
        return -EINVAL;
    }
    _cleanup_(throttle_freep) struct throttle *t = calloc(1, sizeof *t);
    if (!t || !(t->tag = strdup(tag)))
        return -ENOMEM;
    _cleanup_close_ int lock = -1;
    int r = alloc_lock(&lock);
    if (r < 0)
        return error_set(error, r, "cannot lock %s: %s", throttle_rundir(), strerror(-r));
    if ((r = alloc_reserve(tag, owns_cgroups, &t->minor)) < 0)
        return error_set(error, r, "cannot reserve a traffic class in %s: %s", throttle_rundir(), strerror(-r));
    *out = TAKE_PTR(t);
    return 0;
}

/* CPU: v2 when it has the cpu controller, else the v1 cpu hierarchy. */
static int create_cpu_cgroups(struct throttle *t, const struct cg_mounts *m)
{
    int r;
    if (m->v2 && cg_v2_has_cpu(m->v2)) {
        if ((r = cg_create(m->v2, t->tag, true, &t->v2_dir)) == 0) {
            t->cpu_dir = t->v2_dir;
            t->cpu_is_v2 = true;
            return 0;
        }
        log_warning("throttling: cannot use the cgroup v2 cpu controller: %s", strerror(-r));
    }
    if (m->v1_cpu) {
        if ((r = cg_create(m->v1_cpu, t->tag, false, &t->v1_cpu_dir)) < 0)
            return r;
        t->cpu_dir = t->v1_cpu_dir;
    }
    return 0;
}

static int create_netcls_cgroup(struct throttle *t, const struct cg_mounts *m)
{
    char classid[16];
    int r;
    if (!m->v1_netcls)
        return 0;
    if (m->v1_cpu && strcmp(m->v1_cpu, m->v1_netcls) == 0 && t->v1_cpu_dir) {
        if (!(t->netcls_dir = strdup(t->v1_cpu_dir)))
            return -ENOMEM;
    } else if ((r = cg_create(m->v1_netcls, t->tag, false, &t->netcls_dir)) < 0)
        return r;
    snprintf(classid, sizeof classid, "%u", TC_HANDLE(THROTTLE_MAJOR, t->minor));
    return cg_write(t->netcls_dir, "net_cls.classid", classid);
}

int throttle_new(const char *tag, struct throttle **out, char **error)
{
    _cleanup_(cg_mounts_freep) struct cg_mounts m = { 0 };
    _cleanup_(throttle_freep) struct throttle *t = NULL;
    int r = cg_find_mounts(&m);
    if (r < 0)
        return error_set(error, r, "cannot read %s: %s", "/proc/self/mountinfo", strerror(-r));
    if ((r = alloc_throttle(tag, true, &t, error)) < 0)
        return r;
    if ((r = create_cpu_cgroups(t, &m)) < 0)
        return error_set(error, r, "cannot create the conversion's cgroup in %s: %s",
                    m.v1_cpu ? m.v1_cpu : "the cpu hierarchy", strerror(-r));
    if (!t->v2_dir && m.v2 && (r = cg_create(m.v2, tag, false, &t->v2_dir)) < 0)
        return error_set(error, r, "cannot create the conversion's cgroup in %s: %s", m.v2, strerror(-r));
    t->v2_owned = t->v2_dir != NULL;
    if ((r = create_netcls_cgroup(t, &m)) < 0)
        return error_set(error, r, "cannot create the conversion's net_cls cgroup in %s: %s", m.v1_netcls, strerror(-r));
    if (!t->cpu_dir && !t->v2_dir) {
        return error_set(error, -EOPNOTSUPP, "no cgroup hierarchy to throttle in");
    }
    const char *dirs[] = { t->v2_dir, t->v1_cpu_dir, t->netcls_dir };
    for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
        bool dup = i == 2 && dirs[2] && dirs[1] && strcmp(dirs[1], dirs[2]) == 0;
        if (dirs[i] && !dup && (r = add_enter_path(t, dirs[i])) < 0)
            return error_set(error, r, "%s: %s", "cgroup paths", strerror(-r));
    }
    if (t->v2_dir && (r = cg_id(t->v2_dir, &t->cgroup_id)) < 0)
        return error_set(error, r, "cannot get the cgroup id of %s: %s", t->v2_dir, strerror(-r));
    log_info("throttling: CPU in %s (%s), network classified by cgroup %s (id %" PRIu64 "), class %x:%x",
             t->cpu_dir ? t->cpu_dir : "nowhere", t->cpu_is_v2 ? "v2" : "v1",
             t->v2_dir ? t->v2_dir : "none", t->cgroup_id, THROTTLE_MAJOR, t->minor);
    *out = TAKE_PTR(t);
    return 0;
}

int throttle_new_for_cgroup(const char *tag, const char *cgroup_v2_path, struct throttle **out,
                            char **error)
{
    _cleanup_(cg_mounts_freep) struct cg_mounts m = { 0 };
    _cleanup_(throttle_freep) struct throttle *t = NULL;
    int r = cg_find_mounts(&m);
    if (r < 0)
        return error_set(error, r, "cannot read %s: %s", "/proc/self/mountinfo", strerror(-r));
    if (!m.v2) {
        return error_set(error, -EOPNOTSUPP, "no cgroup2 mount to classify the conversion's traffic by");
    }
    if ((r = alloc_throttle(tag, false, &t, error)) < 0)
        return r;
    if (asprintf(&t->v2_dir, "%s%s%s", m.v2, cgroup_v2_path[0] == '/' ? "" : "/", cgroup_v2_path) < 0)
        return -ENOMEM;
    if ((r = cg_id(t->v2_dir, &t->cgroup_id)) < 0)
        return error_set(error, r, "cannot get the cgroup id of %s: %s", t->v2_dir, strerror(-r));
    *out = TAKE_PTR(t);
    return 0;
}

/* Async-signal-safe: open/write/close of paths computed in throttle_new. */
int throttle_enter(const struct throttle *t)
{
    int ret = 0;
    for (size_t i = 0; i < t->n_enter; i++) {
        int fd = open(t->enter_paths[i], O_WRONLY | O_CLOEXEC);
        if (fd < 0 || write(fd, "0", 1) != 1)
            ret = ret ? ret : -errno;
        if (fd >= 0)
            close(fd);
    }
    return ret;
}

int throttle_set_cpu(struct throttle *t, const struct throttle_request *req, char **error)
{
    char quota[32];
    int r;
    if (!req->cpu_present)
        return 0;
    if (!t->cpu_dir) {
        return error_set(error, -EOPNOTSUPP, "CPU throttling is not available here (no cgroup cpu controller)");
    }
    unsigned long long q = (unsigned long long)req->cpu_percent * THROTTLE_CPU_PERIOD_US / 100;
    if (t->cpu_is_v2) {
        if (req->cpu_unlimited)
            snprintf(quota, sizeof quota, "max %llu", THROTTLE_CPU_PERIOD_US);
        else
            snprintf(quota, sizeof quota, "%llu %llu", q, THROTTLE_CPU_PERIOD_US);
        r = cg_write(t->cpu_dir, "cpu.max", quota);
    } else {
        snprintf(quota, sizeof quota, "%llu", THROTTLE_CPU_PERIOD_US);
        r = cg_write(t->cpu_dir, "cpu.cfs_period_us", quota);
        if (req->cpu_unlimited)
            snprintf(quota, sizeof quota, "-1");
        else
            snprintf(quota, sizeof quota, "%llu", q);
        if (r == 0)
            r = cg_write(t->cpu_dir, "cpu.cfs_quota_us", quota);
    }
    if (r < 0)
        return error_set(error, r, "cannot set the CPU quota in %s: %s", t->cpu_dir, strerror(-r));
    log_info("throttling: CPU quota %s", req->cpu_unlimited ? "unlimited" : quota);
    return 0;
}

/* First limit: our qdisc, class and filter on every interface we can take. */
static int install_tc(struct throttle *t, struct nl_sock *sk, uint64_t rate, char **error)
{
    _cleanup_close_ int lock = -1;
    _cleanup_free_ int *ifs = NULL;
    size_t n = 0;
    int r = alloc_lock(&lock);
    if (r < 0)
        return error_set(error, r, "cannot lock %s: %s", throttle_rundir(), strerror(-r));
    if ((r = tc_pick_ifaces(sk, &ifs, &n)) < 0)
        return error_set(error, r, "cannot list the %s: %s", "network interfaces", strerror(-r));
    t->ifindexes = calloc(n ? n : 1, sizeof *t->ifindexes);
    if (!t->ifindexes)
        return -ENOMEM;
    int first_error = 0;
    for (size_t i = 0; i < n; i++) {
        _cleanup_free_ char *why = NULL;
        enum throttle_method method = THROTTLE_METHOD_NONE;
        r = tc_install(sk, ifs[i], t, rate, &method, &why);
        if (r == 0) {
            t->ifindexes[t->n_ifaces++] = ifs[i];
            if (t->method != method)
                log_info("throttling: network classification method: %s", throttle_method_name(method));
            t->method = method;
            continue;
        }
        if (r != -EBUSY)
            log_warning("throttling: %s", why ? why : strerror(-r));
        if (r != -EBUSY && !first_error) {
            first_error = r;
            if (error)
                *error = TAKE_PTR(why);
        } else if (r == -EBUSY && !first_error) {
            first_error = r;
        }
    }
    t->tc_ready = true;
    if (t->n_ifaces == 0 && n > 0) {
        r = first_error ? first_error : -ENODEV;
        return error && *error ? r : error_set(error, r, "no network interface could take the throttling qdisc");
    }
    return 0;
}

int throttle_set_network(struct throttle *t, const struct throttle_request *req, char **error)
{
    _cleanup_nl_sock_ struct nl_sock *sk = NULL;
    if (!req->network_present)
        return 0;
    uint64_t rate = req->network_unlimited ? THROTTLE_RATE_UNLIMITED : req->network_bps;
    if (!t->tc_ready && req->network_unlimited) {
        t->rate = rate; /* nothing to shape yet */
        return 0;
    }
    if (!t->v2_dir && !t->netcls_dir) {
        return error_set(error, -EOPNOTSUPP, "network throttling is not available here (no cgroup to classify by)");
    }
    int r = tc_socket(&sk);
    if (r < 0)
        return error_set(error, r, "cannot open a %s socket: %s", "netlink", strerror(-r));
    if (!t->tc_ready)
        r = install_tc(t, sk, rate, error);
    else
        for (size_t i = 0; i < t->n_ifaces && r == 0; i++)
            r = tc_set_rate(sk, t->ifindexes[i], t->minor, rate);
    if (r < 0) {
        if (error && !*error)
            error_set(error, r, "cannot set the %s rate: %s", "network", strerror(-r));
        return r;
    }
    t->rate = rate;
    log_info("throttling: network rate %" PRIu64 " bytes/s on %zu interface(s)", rate, t->n_ifaces);
    return 0;
}

static void remove_tc(struct throttle *t)
{
    _cleanup_nl_sock_ struct nl_sock *sk = NULL;
    if (!t->tc_ready || t->n_ifaces == 0 || tc_socket(&sk) < 0)
        return;
    for (size_t i = 0; i < t->n_ifaces; i++)
        tc_uninstall(sk, t->ifindexes[i], t->minor);
    t->n_ifaces = 0;
}

static void remove_cgroup(char **dir, bool v2)
{
    int r;
    if (*dir && (r = cg_remove(*dir, v2)) < 0)
        log_warning("throttling: cannot remove cgroup %s: %s", *dir, strerror(-r));
    free(*dir);
    *dir = NULL;
}

void throttle_free(struct throttle *t)
{
    if (!t)
        return;
    _cleanup_close_ int lock = -1;
    if (t->minor)
        (void)alloc_lock(&lock); /* best effort: cleanup goes on without it */
    remove_tc(t);
    if (t->netcls_dir && t->v1_cpu_dir && strcmp(t->netcls_dir, t->v1_cpu_dir) == 0) {
        free(t->netcls_dir);
        t->netcls_dir = NULL;
    }
    remove_cgroup(&t->netcls_dir, false);
    remove_cgroup(&t->v1_cpu_dir, false);
    if (t->v2_owned)
        remove_cgroup(&t->v2_dir, true);
    if (t->minor)
        alloc_release(t->minor);
    for (size_t i = 0; i < t->n_enter; i++)
        free(t->enter_paths[i]);
    free(t->v2_dir);
    free(t->ifindexes);
    free(t->tag);
    free(t);
}
