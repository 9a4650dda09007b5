/* SPDX-License-Identifier: Apache-2.0 */
/* libnl-3 and libnl-route-3, loaded on demand: only network throttling
 * needs them, so a conversion without it never maps them. Code calls the
 * nl_* and rtnl_* functions as documented; netlink_lib.c defines each one
 * the project calls and forwards it to the libraries, loaded at the first
 * call (tc_socket() loads them first, so a missing library is reported
 * and survived there; a forwarder that cannot load them prints why and
 * exits 1, as the dynamic loader does for a missing library). A new call
 * needs its line in NETLINK_FUNCTIONS and its forwarder: until then the
 * link fails with an undefined reference to it. */
#ifndef V2VW_NETLINK_LIB_H
#define V2VW_NETLINK_LIB_H

/* 0, or negative errno and *error naming the library and what is missing. */
int netlink_lib_load(char **error);

#endif
