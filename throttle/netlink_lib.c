/* SPDX-License-Identifier: Apache-2.0 */
/* The nl_* and rtnl_* functions the project calls, forwarded to libnl
 * loaded on demand (throttle/netlink_lib.h). The headers declare every
 * function: the compiler checks each forwarder against them. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/route/class.h>
#include <netlink/route/classifier.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/htb.h>
#include <netlink/route/tc.h>

#include "common/cleanup.h"
#include "common/dlib.h"
#include "throttle/netlink_lib.h"

/* libnl-route-3 needs libnl-3: loading it loads both. */
#define NETLINK_FUNCTIONS(X) \
    X(nl_cache_free) \
    X(nl_cache_get_first) \
    X(nl_cache_get_next) \
    X(nl_connect) \
    X(nl_geterror) \
    X(nl_send_sync) \
    X(nl_socket_alloc) \
    X(nl_socket_free) \
    X(nla_nest_end) \
    X(nla_nest_start) \
    X(nla_put_string) \
    X(nla_put_u32) \
    X(nlmsg_free) \
    X(rtnl_class_add) \
    X(rtnl_class_alloc) \
    X(rtnl_class_alloc_cache) \
    X(rtnl_class_delete) \
    X(rtnl_class_get) \
    X(rtnl_class_put) \
    X(rtnl_cls_add) \
    X(rtnl_cls_alloc) \
    X(rtnl_cls_build_add_request) \
    X(rtnl_cls_delete) \
    X(rtnl_cls_put) \
    X(rtnl_cls_set_prio) \
    X(rtnl_cls_set_protocol) \
    X(rtnl_htb_get_rate64) \
    X(rtnl_htb_set_cbuffer) \
    X(rtnl_htb_set_ceil64) \
    X(rtnl_htb_set_defcls) \
    X(rtnl_htb_set_quantum) \
    X(rtnl_htb_set_rate64) \
    X(rtnl_htb_set_rbuffer) \
    X(rtnl_link_alloc) \
    X(rtnl_link_alloc_cache) \
    X(rtnl_link_delete) \
    X(rtnl_link_get_flags) \
    X(rtnl_link_get_ifindex) \
    X(rtnl_link_name2i) \
    X(rtnl_link_put) \
    X(rtnl_link_set_name) \
    X(rtnl_link_veth_add) \
    X(rtnl_qdisc_add) \
    X(rtnl_qdisc_alloc) \
    X(rtnl_qdisc_alloc_cache) \
    X(rtnl_qdisc_delete) \
    X(rtnl_qdisc_get_by_parent) \
    X(rtnl_qdisc_put) \
    X(rtnl_tc_get_handle) \
    X(rtnl_tc_get_ifindex) \
    X(rtnl_tc_get_kind) \
    X(rtnl_tc_get_parent) \
    X(rtnl_tc_set_handle) \
    X(rtnl_tc_set_ifindex) \
    X(rtnl_tc_set_kind) \
    X(rtnl_tc_set_parent)

struct netlink_table {
#define FIELD(name) __typeof__(name) *name;
    NETLINK_FUNCTIONS(FIELD)
#undef FIELD
};

static struct netlink_table table;
static bool loaded;

int netlink_lib_load(char **error)
{
#define SYMBOL(name) DLIB_SYMBOL(struct netlink_table, name, #name),
    static const struct dlib_symbol syms[] = { NETLINK_FUNCTIONS(SYMBOL) };
#undef SYMBOL
    if (loaded)
        return 0;
    int r = dlib_load("libnl-route-3.so.200", "network throttling", syms, ELEMENTSOF(syms), &table,
                      error);
    loaded = r >= 0;
    return r;
}

static const struct netlink_table *nl(void)
{
    _cleanup_free_ char *error = NULL;
    if (netlink_lib_load(&error) < 0) {
        fprintf(stderr, "virt-v2v-wrapper: %s\n", error ? error : "out of memory");
        exit(EXIT_FAILURE);
    }
    return &table;
}

void nl_cache_free(struct nl_cache *a0)
{
    nl()->nl_cache_free(a0);
}

struct nl_object *nl_cache_get_first(struct nl_cache *a0)
{
    return nl()->nl_cache_get_first(a0);
}

struct nl_object *nl_cache_get_next(struct nl_object *a0)
{
    return nl()->nl_cache_get_next(a0);
}

int nl_connect(struct nl_sock *a0, int a1)
{
    return nl()->nl_connect(a0, a1);
}

const char *nl_geterror(int a0)
{
    return nl()->nl_geterror(a0);
}

int nl_send_sync(struct nl_sock *a0, struct nl_msg *a1)
{
    return nl()->nl_send_sync(a0, a1);
}

struct nl_sock *nl_socket_alloc(void)
{
    return nl()->nl_socket_alloc();
}

void nl_socket_free(struct nl_sock *a0)
{
    nl()->nl_socket_free(a0);
}

int nla_nest_end(struct nl_msg *a0, struct nlattr *a1)
{
    return nl()->nla_nest_end(a0, a1);
}

struct nlattr *nla_nest_start(struct nl_msg *a0, int a1)
{
    return nl()->nla_nest_start(a0, a1);
}

int nla_put_string(struct nl_msg *a0, int a1, const char *a2)
{
    return nl()->nla_put_string(a0, a1, a2);
}

int nla_put_u32(struct nl_msg *a0, int a1, uint32_t a2)
{
    return nl()->nla_put_u32(a0, a1, a2);
}

void nlmsg_free(struct nl_msg *a0)
{
    nl()->nlmsg_free(a0);
}

int rtnl_class_add(struct nl_sock *a0, struct rtnl_class *a1, int a2)
{
    return nl()->rtnl_class_add(a0, a1, a2);
}

struct rtnl_class *rtnl_class_alloc(void)
{
    return nl()->rtnl_class_alloc();
}

int rtnl_class_alloc_cache(struct nl_sock *a0, int a1, struct nl_cache **a2)
{
    return nl()->rtnl_class_alloc_cache(a0, a1, a2);
}

int rtnl_class_delete(struct nl_sock *a0, struct rtnl_class *a1)
{
    return nl()->rtnl_class_delete(a0, a1);
}

struct rtnl_class *rtnl_class_get(struct nl_cache *a0, int a1, uint32_t a2)
{
    return nl()->rtnl_class_get(a0, a1, a2);
}

void rtnl_class_put(struct rtnl_class *a0)
{
    nl()->rtnl_class_put(a0);
}

int rtnl_cls_add(struct nl_sock *a0, struct rtnl_cls *a1, int a2)
{
    return nl()->rtnl_cls_add(a0, a1, a2);
}

struct rtnl_cls *rtnl_cls_alloc(void)
{
    return nl()->rtnl_cls_alloc();
}

int rtnl_cls_build_add_request(struct rtnl_cls *a0, int a1, struct nl_msg **a2)
{
    return nl()->rtnl_cls_build_add_request(a0, a1, a2);
}

int rtnl_cls_delete(struct nl_sock *a0, struct rtnl_cls *a1, int a2)
{
    return nl()->rtnl_cls_delete(a0, a1, a2);
}

void rtnl_cls_put(struct rtnl_cls *a0)
{
    nl()->rtnl_cls_put(a0);
}

void rtnl_cls_set_prio(struct rtnl_cls *a0, uint16_t a1)
{
    nl()->rtnl_cls_set_prio(a0, a1);
}

void rtnl_cls_set_protocol(struct rtnl_cls *a0, uint16_t a1)
{
    nl()->rtnl_cls_set_protocol(a0, a1);
}

int rtnl_htb_get_rate64(struct rtnl_class *a0, uint64_t *a1)
{
    return nl()->rtnl_htb_get_rate64(a0, a1);
}

int rtnl_htb_set_cbuffer(struct rtnl_class *a0, uint32_t a1)
{
    return nl()->rtnl_htb_set_cbuffer(a0, a1);
}

int rtnl_htb_set_ceil64(struct rtnl_class *a0, uint64_t a1)
{
    return nl()->rtnl_htb_set_ceil64(a0, a1);
}

int rtnl_htb_set_defcls(struct rtnl_qdisc *a0, uint32_t a1)
{
    return nl()->rtnl_htb_set_defcls(a0, a1);
}

int rtnl_htb_set_quantum(struct rtnl_class *a0, uint32_t a1)
{
    return nl()->rtnl_htb_set_quantum(a0, a1);
}

int rtnl_htb_set_rate64(struct rtnl_class *a0, uint64_t a1)
{
    return nl()->rtnl_htb_set_rate64(a0, a1);
}

int rtnl_htb_set_rbuffer(struct rtnl_class *a0, uint32_t a1)
{
    return nl()->rtnl_htb_set_rbuffer(a0, a1);
}

struct rtnl_link *rtnl_link_alloc(void)
{
    return nl()->rtnl_link_alloc();
}

int rtnl_link_alloc_cache(struct nl_sock *a0, int a1, struct nl_cache **a2)
{
    return nl()->rtnl_link_alloc_cache(a0, a1, a2);
}

int rtnl_link_delete(struct nl_sock *a0, const struct rtnl_link *a1)
{
    return nl()->rtnl_link_delete(a0, a1);
}

unsigned int rtnl_link_get_flags(struct rtnl_link *a0)
{
    return nl()->rtnl_link_get_flags(a0);
}

int rtnl_link_get_ifindex(struct rtnl_link *a0)
{
    return nl()->rtnl_link_get_ifindex(a0);
}

int rtnl_link_name2i(struct nl_cache *a0, const char *a1)
{
    return nl()->rtnl_link_name2i(a0, a1);
}

void rtnl_link_put(struct rtnl_link *a0)
{
    nl()->rtnl_link_put(a0);
}

void rtnl_link_set_name(struct rtnl_link *a0, const char *a1)
{
    nl()->rtnl_link_set_name(a0, a1);
}

int rtnl_link_veth_add(struct nl_sock *a0, const char *a1, const char *a2, pid_t a3)
{
    return nl()->rtnl_link_veth_add(a0, a1, a2, a3);
}

int rtnl_qdisc_add(struct nl_sock *a0, struct rtnl_qdisc *a1, int a2)
{
    return nl()->rtnl_qdisc_add(a0, a1, a2);
}

struct rtnl_qdisc *rtnl_qdisc_alloc(void)
{
    return nl()->rtnl_qdisc_alloc();
}

int rtnl_qdisc_alloc_cache(struct nl_sock *a0, struct nl_cache **a1)
{
    return nl()->rtnl_qdisc_alloc_cache(a0, a1);
}

int rtnl_qdisc_delete(struct nl_sock *a0, struct rtnl_qdisc *a1)
{
    return nl()->rtnl_qdisc_delete(a0, a1);
}

struct rtnl_qdisc *rtnl_qdisc_get_by_parent(struct nl_cache *a0, int a1, uint32_t a2)
{
    return nl()->rtnl_qdisc_get_by_parent(a0, a1, a2);
}

void rtnl_qdisc_put(struct rtnl_qdisc *a0)
{
    nl()->rtnl_qdisc_put(a0);
}

uint32_t rtnl_tc_get_handle(struct rtnl_tc *a0)
{
    return nl()->rtnl_tc_get_handle(a0);
}

int rtnl_tc_get_ifindex(struct rtnl_tc *a0)
{
    return nl()->rtnl_tc_get_ifindex(a0);
}

char *rtnl_tc_get_kind(struct rtnl_tc *a0)
{
    return nl()->rtnl_tc_get_kind(a0);
}

uint32_t rtnl_tc_get_parent(struct rtnl_tc *a0)
{
    return nl()->rtnl_tc_get_parent(a0);
}

void rtnl_tc_set_handle(struct rtnl_tc *a0, uint32_t a1)
{
    nl()->rtnl_tc_set_handle(a0, a1);
}

void rtnl_tc_set_ifindex(struct rtnl_tc *a0, int a1)
{
    nl()->rtnl_tc_set_ifindex(a0, a1);
}

int rtnl_tc_set_kind(struct rtnl_tc *a0, const char *a1)
{
    return nl()->rtnl_tc_set_kind(a0, a1);
}

void rtnl_tc_set_parent(struct rtnl_tc *a0, uint32_t a1)
{
    nl()->rtnl_tc_set_parent(a0, a1);
}
