/* SPDX-License-Identifier: Apache-2.0 */
/* What a wrapper that died without cleaning up (SIGKILL, OOM) left behind:
 * its secret files, its ssh-agent, a state file that never says `finished`
 * (and, when it died before its JSON line, logs nobody knows of). The live
 * wrapper holds a lock in its private run directory; the next wrapper that
 * starts takes the locks it can and cleans up after their dead owners. */
#ifndef V2VW_ORPHANS_H
#define V2VW_ORPHANS_H

#include "wrapper/conversion.h"

/* Create and lock RUN_DIR/owner.lock; held (across daemonizing) until
 * the process exits. Negative errno. */
int orphan_lock_take(const struct conversion *c);
/* Clean up after dead wrappers whose run directories are in c's run root. */
void orphans_collect(const struct conversion *c);

#endif
