/* SPDX-License-Identifier: Apache-2.0 */
#ifndef V2VW_PRIVILEGES_H
#define V2VW_PRIVILEGES_H
#include <sys/types.h>
/* Become uid:gid for good (supplementary groups = gid), and check that
 * there is no way back. Async-signal-safe: usable between fork and exec.
 * Negative errno. */
int privileges_drop(uid_t uid, gid_t gid);
/* In a forked child before exec: default signal dispositions, nothing
 * blocked (the wrapper blocks the signals its event loop reads). */
void child_reset_signals(void);
#endif
