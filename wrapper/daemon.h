/* SPDX-License-Identifier: Apache-2.0 */
#ifndef V2VW_DAEMON_H
#define V2VW_DAEMON_H
/* Become a daemon: fork (the parent exits 0), setsid, fork again, umask
 * 022, chdir /, fds 0-2 on /dev/null. Negative errno in the caller on failure. */
int daemonize(void);
#endif
