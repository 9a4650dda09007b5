/* SPDX-License-Identifier: Apache-2.0 */
/* Traffic control through libnl-route: our HTB root qdisc 7632: on each
 * egress interface, one class 7632:MINOR per conversion, and the filter that
 * sends the conversion's packets to it (cls_bpf, or cls_cgroup where the
 * kernel has it and a v1 net_cls hierarchy is mounted). Unclassified traffic
 * goes to the default minor 0, which does not exist: HTB sends it direct,
 * unshaped. */
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/errno.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/route/qdisc/htb.h>
#include <netlink/route/tc.h>

#include "throttle/netlink_lib.h"
#include "throttle/nl_cleanup.h"
#include "throttle/throttle_int.h"
#include "common/log.h"
#include "common/settings.h"
#include "common/error.h"

#define FILTER_PRIO_CGROUP 5
#define FILTER_PRIO_BPF 10
#define FILTER_HANDLE_CGROUP 1

int nl_to_errno(int nlerr)
{
    switch (nlerr < 0 ? -nlerr : nlerr) {
    case 0: return 0;
    case NLE_NOMEM: return -ENOMEM;
    case NLE_BUSY: return -EBUSY;
    case NLE_EXIST: return -EEXIST;
    case NLE_OBJ_NOTFOUND: return -ENOENT;
    case NLE_NODEV: return -ENODEV;
    case NLE_OPNOTSUPP: return -EOPNOTSUPP;
    case NLE_PERM: return -EPERM;
    case NLE_INVAL: return -EINVAL;
    default: return -EIO;
    }
}

static int set_error(char **error, int nlerr, const char *what, int ifindex)
{
    char name[IF_NAMESIZE] = "?";
    if_indextoname((unsigned)ifindex, name);
    error_set(error, 0, "cannot %s on %s: %s", what, name, nl_geterror(nlerr));
    return nl_to_errno(nlerr);
}

int tc_socket(struct nl_sock **out)
{
    _cleanup_free_ char *error = NULL;
    int r = netlink_lib_load(&error);
    if (r < 0) {
        log_warning("throttling: %s", error ? error : "out of memory");
        return r;
    }
    _cleanup_nl_sock_ struct nl_sock *sk = nl_socket_alloc();
    if (!sk)
        return -ENOMEM;
    r = nl_connect(sk, NETLINK_ROUTE);
    if (r < 0)
        return nl_to_errno(r);
    *out = TAKE_PTR(sk);
    return 0;
}

static int push_ifindex(int **v, size_t *n, int ifindex)
{
    int *nv = realloc(*v, (*n + 1) * sizeof **v);
    if (!nv)
        return -ENOMEM;
    nv[(*n)++] = ifindex;
    *v = nv;
    return 0;
}

/* V2VW_THROTTLE_IFACES=a,b (tests), else every interface that is up and not loopback. */
int tc_pick_ifaces(struct nl_sock *sk, int **ifindexes, size_t *n)
{
    _cleanup_nl_cache_ struct nl_cache *links = NULL;
    int r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links);
    if (r < 0)
        return nl_to_errno(r);
    const char *env = settings()->throttle_ifaces;
    *ifindexes = NULL;
    *n = 0;
    if (env && *env) {
        _cleanup_free_ char *copy = strdup(env);
        if (!copy)
            return -ENOMEM;
        char *save = NULL;
        for (char *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
            int ifindex = rtnl_link_name2i(links, name);
            if (ifindex <= 0)
                log_warning("throttling: no interface %s", name);
            else if ((r = push_ifindex(ifindexes, n, ifindex)) < 0)
                return r;
        }
        return 0;
    }
    for (struct nl_object *o = nl_cache_get_first(links); o; o = nl_cache_get_next(o)) {
        struct rtnl_link *l = (struct rtnl_link *)o;
        unsigned flags = rtnl_link_get_flags(l);
        if ((flags & IFF_UP) && !(flags & IFF_LOOPBACK) &&
            (r = push_ifindex(ifindexes, n, rtnl_link_get_ifindex(l))) < 0)
            return r;
    }
    return 0;
}

/* 0: our qdisc is there (created now or before); -EBUSY: someone else's. */
static int ensure_qdisc(struct nl_sock *sk, int ifindex, char **error)
{
    _cleanup_nl_cache_ struct nl_cache *qdiscs = NULL;
    int r = rtnl_qdisc_alloc_cache(sk, &qdiscs);
    if (r < 0)
        return set_error(error, r, "list qdiscs", ifindex);
    _cleanup_qdisc_ struct rtnl_qdisc *root = rtnl_qdisc_get_by_parent(qdiscs, ifindex, TC_H_ROOT);
    if (root) {
        uint32_t handle = rtnl_tc_get_handle(TC_CAST(root));
        const char *kind = rtnl_tc_get_kind(TC_CAST(root));
        if (handle == TC_HANDLE(THROTTLE_MAJOR, 0) && kind && strcmp(kind, "htb") == 0)
            return 0;
        if (handle != 0) {
            char name[IF_NAMESIZE] = "?";
            if_indextoname((unsigned)ifindex, name);
            log_warning("throttling: %s has another root qdisc (%s %x:), leaving it alone", name,
                        kind ? kind : "?", handle >> 16);
            error_set(error, 0, "%s has another root qdisc", name);
            return -EBUSY;
        }
    }
    _cleanup_qdisc_ struct rtnl_qdisc *q = rtnl_qdisc_alloc();
    if (!q)
        return -ENOMEM;
    rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
    rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
    rtnl_tc_set_handle(TC_CAST(q), TC_HANDLE(THROTTLE_MAJOR, 0));
    if ((r = rtnl_tc_set_kind(TC_CAST(q), "htb")) < 0 || (r = rtnl_htb_set_defcls(q, 0)) < 0 ||
        (r = rtnl_qdisc_add(sk, q, NLM_F_CREATE | NLM_F_REPLACE)) < 0)
        return set_error(error, r, "add the HTB qdisc", ifindex);
    return 0;
}

static struct rtnl_class *class_new(int ifindex, uint32_t minor)
{
    struct rtnl_class *cl = rtnl_class_alloc();
    if (!cl)
        return NULL;
    rtnl_tc_set_ifindex(TC_CAST(cl), ifindex);
    rtnl_tc_set_parent(TC_CAST(cl), TC_HANDLE(THROTTLE_MAJOR, 0));
    rtnl_tc_set_handle(TC_CAST(cl), TC_HANDLE(THROTTLE_MAJOR, minor));
    if (rtnl_tc_set_kind(TC_CAST(cl), "htb") < 0) {
        rtnl_class_put(cl);
        return NULL;
    }
    return cl;
}

int tc_set_rate(struct nl_sock *sk, int ifindex, uint32_t minor, uint64_t rate)
{
    _cleanup_class_ struct rtnl_class *cl = class_new(ifindex, minor);
    if (!cl)
        return -ENOMEM;
    /* Quantum (bytes a class may send per round) within what HTB accepts
     * without warning: about 10 ms worth, 2 MTUs at least. */
    uint64_t quantum = rate / 100;
    quantum = quantum < 3000 ? 3000 : quantum > 200000 ? 200000 : quantum;
    /* Bucket: 10 ms worth, 16 KiB at least (room for a few GSO packets). */
    uint64_t burst = rate / 100;
    burst = burst < 16384 ? 16384 : burst > 0x7fffffff ? 0x7fffffff : burst;
    int r;
    if ((r = rtnl_htb_set_rate64(cl, rate)) < 0 || (r = rtnl_htb_set_ceil64(cl, rate)) < 0 ||
        (r = rtnl_htb_set_quantum(cl, (uint32_t)quantum)) < 0 ||
        (r = rtnl_htb_set_rbuffer(cl, (uint32_t)burst)) < 0 ||
        (r = rtnl_htb_set_cbuffer(cl, (uint32_t)burst)) < 0 ||
        (r = rtnl_class_add(sk, cl, NLM_F_CREATE)) < 0)
        return nl_to_errno(r);
    return 0;
}

int tc_get_rate(struct nl_sock *sk, int ifindex, uint32_t minor, uint64_t *rate)
{
    _cleanup_nl_cache_ struct nl_cache *classes = NULL;
    int r = rtnl_class_alloc_cache(sk, ifindex, &classes);
    if (r < 0)
        return nl_to_errno(r);
    _cleanup_class_ struct rtnl_class *cl =
        rtnl_class_get(classes, ifindex, TC_HANDLE(THROTTLE_MAJOR, minor));
    if (!cl)
        return -ENOENT;
    return nl_to_errno(rtnl_htb_get_rate64(cl, rate));
}

static struct rtnl_cls *filter_new(int ifindex, const char *kind, uint16_t prio, uint32_t handle)
{
    struct rtnl_cls *cls = rtnl_cls_alloc();
    if (!cls)
        return NULL;
    rtnl_tc_set_ifindex(TC_CAST(cls), ifindex);
    rtnl_tc_set_parent(TC_CAST(cls), TC_HANDLE(THROTTLE_MAJOR, 0));
    rtnl_tc_set_handle(TC_CAST(cls), handle);
    rtnl_cls_set_prio(cls, prio);
    rtnl_cls_set_protocol(cls, ETH_P_ALL);
    if (rtnl_tc_set_kind(TC_CAST(cls), kind) < 0) {
        rtnl_cls_put(cls);
        return NULL;
    }
    return cls;
}

/* The shared cls_cgroup filter (classid from net_cls.classid). */
static int add_cgroup_filter(struct nl_sock *sk, int ifindex)
{
    _cleanup_cls_ struct rtnl_cls *cls = filter_new(ifindex, "cgroup", FILTER_PRIO_CGROUP, FILTER_HANDLE_CGROUP);
    if (!cls)
        return -ENOMEM;
    int r = rtnl_cls_add(sk, cls, NLM_F_CREATE | NLM_F_EXCL);
    return r == -NLE_EXIST ? 0 : nl_to_errno(r);
}

/* libnl 3.7 has no cls_bpf API: its generic classifier message, plus the
 * TCA_OPTIONS that cls_bpf needs, put with libnl's nla_* calls. */
static int add_bpf_filter(struct nl_sock *sk, int ifindex, const struct throttle *t, char **error)
{
    _cleanup_close_ int prog = -1;
    int r = bpf_cgroup_match_load(t->cgroup_id, &prog, error);
    if (r < 0)
        return r;
    _cleanup_cls_ struct rtnl_cls *cls = filter_new(ifindex, "bpf", FILTER_PRIO_BPF, t->minor);
    if (!cls)
        return -ENOMEM;
    struct nl_msg *msg = NULL;
    if ((r = rtnl_cls_build_add_request(cls, NLM_F_CREATE | NLM_F_REPLACE, &msg)) < 0)
        return set_error(error, r, "build the bpf filter", ifindex);
    _cleanup_nlmsg_ struct nl_msg *owned = msg;
    struct nlattr *opts = nla_nest_start(msg, TCA_OPTIONS);
    if (!opts || nla_put_u32(msg, TCA_BPF_FD, (uint32_t)prog) < 0 ||
        nla_put_string(msg, TCA_BPF_NAME, "virt-v2v-wrapper") < 0 ||
        nla_put_u32(msg, TCA_BPF_CLASSID, TC_HANDLE(THROTTLE_MAJOR, t->minor)) < 0)
        return -ENOMEM;
    nla_nest_end(msg, opts);
    r = nl_send_sync(sk, TAKE_PTR(owned)); /* frees the message */
    if (r < 0)
        return set_error(error, r, "add the bpf filter", ifindex);
    return 0;
}

int tc_install(struct nl_sock *sk, int ifindex, const struct throttle *t, uint64_t rate,
               enum throttle_method *method, char **error)
{
    int r = ensure_qdisc(sk, ifindex, error);
    if (r < 0)
        return r;
    if ((r = tc_set_rate(sk, ifindex, t->minor, rate)) < 0)
        return set_error(error, -NLE_FAILURE, "add the HTB class", ifindex), r;
    if (t->netcls_dir && (r = add_cgroup_filter(sk, ifindex)) == 0) {
        *method = THROTTLE_METHOD_CGROUP;
        return 0;
    }
    if (t->netcls_dir)
        log_info("throttling: no cgroup classifier (%s), using eBPF", strerror(-r));
    if ((r = add_bpf_filter(sk, ifindex, t, error)) < 0) {
        tc_uninstall(sk, ifindex, t->minor);      /* no class without its filter */
        return r;
    }
    *method = THROTTLE_METHOD_BPF;
    return 0;
}

static bool other_classes(struct nl_sock *sk, int ifindex, uint32_t minor)
{
    _cleanup_nl_cache_ struct nl_cache *classes = NULL;
    if (rtnl_class_alloc_cache(sk, ifindex, &classes) < 0)
        return true; /* when in doubt, leave the qdisc */
    for (struct nl_object *o = nl_cache_get_first(classes); o; o = nl_cache_get_next(o)) {
        struct rtnl_tc *tc = (struct rtnl_tc *)o;
        uint32_t h = rtnl_tc_get_handle(tc);
        if (TC_H_MAJ(h) == TC_HANDLE(THROTTLE_MAJOR, 0) && TC_H_MIN(h) != minor)
            return true;
    }
    return false;
}

void tc_uninstall(struct nl_sock *sk, int ifindex, uint32_t minor)
{
    _cleanup_cls_ struct rtnl_cls *cls = filter_new(ifindex, "bpf", FILTER_PRIO_BPF, minor);
    int r;
    if (cls && (r = rtnl_cls_delete(sk, cls, 0)) < 0 && r != -NLE_OBJ_NOTFOUND)
        log_debug("throttling: removing filter %x: %s", minor, nl_geterror(r));
    _cleanup_class_ struct rtnl_class *cl = class_new(ifindex, minor);
    if (cl && (r = rtnl_class_delete(sk, cl)) < 0 && r != -NLE_OBJ_NOTFOUND)
        log_warning("throttling: removing class %x:%x: %s", THROTTLE_MAJOR, minor, nl_geterror(r));
    if (other_classes(sk, ifindex, minor))
        return;
    _cleanup_qdisc_ struct rtnl_qdisc *q = rtnl_qdisc_alloc();
    if (!q)
        return;
    rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
    rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
    rtnl_tc_set_handle(TC_CAST(q), TC_HANDLE(THROTTLE_MAJOR, 0));
    if ((r = rtnl_qdisc_delete(sk, q)) < 0 && r != -NLE_OBJ_NOTFOUND)
        log_warning("throttling: removing the HTB qdisc: %s", nl_geterror(r));
}

void tc_uninstall_everywhere(struct nl_sock *sk, uint32_t minor)
{
    _cleanup_nl_cache_ struct nl_cache *qdiscs = NULL;
    if (rtnl_qdisc_alloc_cache(sk, &qdiscs) < 0)
        return;
    for (struct nl_object *o = nl_cache_get_first(qdiscs); o; o = nl_cache_get_next(o)) {
        struct rtnl_tc *tc = (struct rtnl_tc *)o;
        const char *kind = rtnl_tc_get_kind(tc);
        if (rtnl_tc_get_parent(tc) == TC_H_ROOT &&
            rtnl_tc_get_handle(tc) == TC_HANDLE(THROTTLE_MAJOR, 0) && kind && strcmp(kind, "htb") == 0)
            tc_uninstall(sk, rtnl_tc_get_ifindex(tc), minor);
    }
}
