/* SPDX-License-Identifier: Apache-2.0 */
/* --check-throttling: try every method on things of our own (a probe
 * cgroup, a probe veth pair) and say what works. */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netlink/route/link/veth.h>

#include "throttle/nl_cleanup.h"
#include "throttle/throttle_int.h"

static void throttle_freep(struct throttle **t) { throttle_free(*t); }

static bool check_cpu(FILE *out, struct throttle *t)
{
    struct throttle_request req = { .cpu_present = true, .cpu_percent = 50 };
    _cleanup_free_ char *error = NULL;
    if (throttle_set_cpu(t, &req, &error) < 0) {
        fprintf(out, "cpu: not usable: %s\n", error ? error : "?");
        return false;
    }
    fprintf(out, "cpu: usable, cgroup %s in %s\n", t->cpu_is_v2 ? "v2 cpu.max" : "v1 cpu.cfs_quota_us",
            t->cpu_dir);
    return true;
}

static void delete_link(struct nl_sock *sk, const char *name)
{
    _cleanup_link_ struct rtnl_link *l = rtnl_link_alloc();
    if (!l)
        return;
    rtnl_link_set_name(l, name);
    rtnl_link_delete(sk, l);
}

static bool check_network(FILE *out, struct throttle *t)
{
    _cleanup_nl_sock_ struct nl_sock *sk = NULL;
    _cleanup_free_ char *error = NULL;
    char name[IF_NAMESIZE], peer[IF_NAMESIZE];
    enum throttle_method method = THROTTLE_METHOD_NONE;
    int r = tc_socket(&sk);
    if (r < 0) {
        fprintf(out, "network: not usable: netlink: %s\n", strerror(-r));
        return false;
    }
    snprintf(name, sizeof name, "v2vwchk%d", (int)(getpid() % 100000));
    snprintf(peer, sizeof peer, "v2vwchp%d", (int)(getpid() % 100000));
    if ((r = rtnl_link_veth_add(sk, name, peer, getpid())) < 0) {
        fprintf(out, "network: not usable: cannot create a probe veth pair: %s\n", nl_geterror(r));
        return false;
    }
    int ifindex = (int)if_nametoindex(name);
    r = ifindex > 0 ? tc_install(sk, ifindex, t, 1048576, &method, &error) : -ENODEV;
    delete_link(sk, name);
    if (r < 0) {
        fprintf(out, "network: not usable: %s\n", error ? error : strerror(-r));
        return false;
    }
    fprintf(out, "network: usable, tc HTB class per conversion, classifier %s\n",
            throttle_method_name(method));
    return true;
}

int throttle_check(FILE *out)
{
    _cleanup_(throttle_freep) struct throttle *t = NULL;
    _cleanup_free_ char *error = NULL;
    char tag[64];
    snprintf(tag, sizeof tag, "check-%d", (int)getpid());
    int r = throttle_new(tag, &t, &error);
    if (r < 0) {
        fprintf(out, "throttling: not usable: %s\n", error ? error : strerror(-r));
        return 1;
    }
    bool cpu = check_cpu(out, t);
    bool net = check_network(out, t);
    return cpu && net ? 0 : 1;
}
