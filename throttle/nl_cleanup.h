/* _cleanup_ helpers for libnl objects. */
#ifndef V2VW_NL_CLEANUP_H
#define V2VW_NL_CLEANUP_H

#include <netlink/netlink.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/class.h>
#include <netlink/route/classifier.h>

#include "common/cleanup.h"

static inline void nl_socket_freep(struct nl_sock **p) { if (*p) nl_socket_free(*p); }
static inline void nl_cache_freep(struct nl_cache **p) { if (*p) nl_cache_free(*p); }
static inline void nlmsg_freep(struct nl_msg **p) { if (*p) nlmsg_free(*p); }
static inline void rtnl_link_putp(struct rtnl_link **p) { if (*p) rtnl_link_put(*p); }
static inline void rtnl_qdisc_putp(struct rtnl_qdisc **p) { if (*p) rtnl_qdisc_put(*p); }
static inline void rtnl_class_putp(struct rtnl_class **p) { if (*p) rtnl_class_put(*p); }
static inline void rtnl_cls_putp(struct rtnl_cls **p) { if (*p) rtnl_cls_put(*p); }

#define _cleanup_nl_sock_ _cleanup_(nl_socket_freep)
#define _cleanup_nl_cache_ _cleanup_(nl_cache_freep)
#define _cleanup_nlmsg_ _cleanup_(nlmsg_freep)
#define _cleanup_link_ _cleanup_(rtnl_link_putp)
#define _cleanup_qdisc_ _cleanup_(rtnl_qdisc_putp)
#define _cleanup_class_ _cleanup_(rtnl_class_putp)
#define _cleanup_cls_ _cleanup_(rtnl_cls_putp)

/* libnl's error codes as negative errno. */
int nl_to_errno(int nlerr);

#endif
