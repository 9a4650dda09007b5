/* SPDX-License-Identifier: Apache-2.0 */
/* Internals of the throttle room, shared between its files (and its tests
 * and benchmark, which read back what was applied). Not a room interface. */
#ifndef V2VW_THROTTLE_INT_H
#define V2VW_THROTTLE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>

#include "throttle/throttle.h"

struct nl_sock;

/* Our HTB qdisc is 7632: ("v2" in ASCII); class 7632:MINOR per conversion. */
#define THROTTLE_MAJOR 0x7632U
#define THROTTLE_MINOR_FIRST 0x10U
#define THROTTLE_MINOR_LAST 0xfff0U
#define THROTTLE_CGROUP_PARENT "virt-v2v-wrapper"
#define THROTTLE_CPU_PERIOD_US 100000ULL
#define THROTTLE_RATE_UNLIMITED 0xffffffffULL /* bytes/s: the largest 32-bit tc rate */

enum throttle_method { THROTTLE_METHOD_NONE, THROTTLE_METHOD_BPF, THROTTLE_METHOD_CGROUP };
const char *throttle_method_name(enum throttle_method m);

#define THROTTLE_MAX_ENTER 4

struct throttle {
    char *tag;
    char *v2_dir;            /* v2 cgroup classifying traffic (ours or the unit's) */
    bool v2_owned;
    char *cpu_dir;           /* cgroup whose quota we set (== v2_dir or v1_cpu_dir) */
    bool cpu_is_v2;
    char *v1_cpu_dir;        /* our v1 cpu cgroup */
    char *netcls_dir;        /* our v1 net_cls cgroup */
    char *enter_paths[THROTTLE_MAX_ENTER]; /* cgroup.procs / tasks, for throttle_enter */
    size_t n_enter;
    uint64_t cgroup_id;      /* of v2_dir: what bpf_skb_cgroup_id() returns */
    uint32_t minor;          /* reserved class minor; 0 = none */
    int *ifindexes;          /* interfaces carrying our class */
    size_t n_ifaces;
    bool tc_ready;
    enum throttle_method method;
    uint64_t rate;           /* bytes/s currently applied */
};

/* cgroup.c */
struct cg_mounts {
    char *v2;                /* cgroup2 mount point or NULL */
    char *v1_cpu;            /* v1 hierarchy with the cpu controller or NULL */
    char *v1_netcls;         /* v1 hierarchy with net_cls or NULL */
};
int cg_find_mounts(struct cg_mounts *m);
void cg_mounts_free(struct cg_mounts *m);
bool cg_v2_has_cpu(const char *v2root);
int cg_write(const char *dir, const char *file, const char *value);
int cg_read(const char *dir, const char *file, char *buf, size_t size);
/* mkdir ROOT/virt-v2v-wrapper/TAG (enabling +cpu on the way when asked). */
int cg_create(const char *root, const char *tag, bool v2_cpu, char **dir);
/* Kill what is left in it, then rmdir (retrying briefly). */
int cg_remove(const char *dir, bool v2);
int cg_id(const char *dir, uint64_t *id);

/* bpf_prog.c: a SCHED_CLS program "cgroup id == ID ? use the filter's classid : no match". */
int bpf_cgroup_match_load(uint64_t cgroup_id, int *fd, char **error);

/* tc.c: everything below runs under the allocation lock. */
int tc_socket(struct nl_sock **sk);
int tc_pick_ifaces(struct nl_sock *sk, int **ifindexes, size_t *n);
/* Qdisc (if needed), class and filter on one interface. -EBUSY: someone
 * else's root qdisc is there. */
int tc_install(struct nl_sock *sk, int ifindex, const struct throttle *t, uint64_t rate,
               enum throttle_method *method, char **error);
int tc_set_rate(struct nl_sock *sk, int ifindex, uint32_t minor, uint64_t rate);
int tc_get_rate(struct nl_sock *sk, int ifindex, uint32_t minor, uint64_t *rate);
/* Filter and class; the qdisc too when no other class is left. */
void tc_uninstall(struct nl_sock *sk, int ifindex, uint32_t minor);
/* tc_uninstall on every interface that has our qdisc. */
void tc_uninstall_everywhere(struct nl_sock *sk, uint32_t minor);
int tc_probe(FILE *out, enum throttle_method *method);

/* alloc.c: class minors and the registry of live throttles in the run dir. */
const char *throttle_rundir(void);
int alloc_lock(int *fd);
int alloc_reserve(const char *tag, bool owns_cgroups, uint32_t *minor);
void alloc_release(uint32_t minor);
struct alloc_entry {
    pid_t pid;
    unsigned long long start_time;   /* /proc/PID/stat field 22: tells PID reuse */
    unsigned long long netns;        /* inode of the owner's network namespace */
    bool owns_cgroups;
    char tag[128];
};
int alloc_read(uint32_t minor, struct alloc_entry *e);
bool alloc_owner_alive(const struct alloc_entry *e);
unsigned long long alloc_netns(void);

#endif
