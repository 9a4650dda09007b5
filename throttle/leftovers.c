/* SPDX-License-Identifier: Apache-2.0 */
/* Collect what wrappers that died without cleaning up left behind: their
 * tc classes and filters (in our network namespace), their cgroups, their
 * registry files. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "throttle/nl_cleanup.h"
#include "throttle/throttle_int.h"
#include "common/log.h"

static void cg_mounts_freep(struct cg_mounts *m) { cg_mounts_free(m); }

static void remove_tagged(const char *root, const char *tag, bool v2)
{
    _cleanup_free_ char *dir = NULL;
    int r;
    if (!root || asprintf(&dir, "%s/" THROTTLE_CGROUP_PARENT "/%s", root, tag) < 0)
        return;
    if ((r = cg_remove(dir, v2)) < 0)
        log_warning("throttling: cannot remove leftover cgroup %s: %s", dir, strerror(-r));
}

/* The netlink socket opens (and libnl loads) only for a class to remove. */
static struct nl_sock *leftover_socket(struct nl_sock **sk)
{
    if (!*sk && tc_socket(sk) < 0)
        *sk = NULL;
    return *sk;
}

static void collect_one(uint32_t minor, const struct cg_mounts *m, struct nl_sock **sk)
{
    struct alloc_entry e;
    int r = alloc_read(minor, &e);
    if (r == 0 && alloc_owner_alive(&e))
        return;
    if (r == 0) {
        log_info("throttling: collecting class %x:%x and cgroups of %s (pid %d is gone)",
                 THROTTLE_MAJOR, minor, e.tag, (int)e.pid);
        if (e.netns == alloc_netns() && leftover_socket(sk))
            tc_uninstall_everywhere(*sk, minor);
        if (e.owns_cgroups) {
            remove_tagged(m->v1_netcls, e.tag, false);
            if (!m->v1_netcls || !m->v1_cpu || strcmp(m->v1_netcls, m->v1_cpu) != 0)
                remove_tagged(m->v1_cpu, e.tag, false);
            remove_tagged(m->v2, e.tag, true);
        }
    }
    /* Unreadable entries cannot be in the middle of being written: we hold the lock. */
    alloc_release(minor);
}

void throttle_collect_leftovers(void)
{
    _cleanup_(cg_mounts_freep) struct cg_mounts m = { 0 };
    _cleanup_nl_sock_ struct nl_sock *sk = NULL;
    _cleanup_close_ int lock = -1;
    if (alloc_lock(&lock) < 0 || cg_find_mounts(&m) < 0)
        return;
    _cleanup_closedir_ DIR *d = opendir(throttle_rundir());
    struct dirent *de;
    while (d && (de = readdir(d))) {
        unsigned minor;
        char extra;
        if (sscanf(de->d_name, "class-%4x%c", &minor, &extra) == 1 && minor >= THROTTLE_MINOR_FIRST &&
            minor <= THROTTLE_MINOR_LAST)
            collect_one(minor, &m, &sk);
    }
}
