/* What a wrapper that died without cleaning up (SIGKILL, OOM) left behind:
 * its secret files and a state file that never says `finished`. The live
 * wrapper holds a lock in its secrets directory; the next wrapper that
 * starts takes the locks it can and cleans up after their dead owners. */
#ifndef V2VW_ORPHANS_H
#define V2VW_ORPHANS_H

/* Create and lock SECRETS_DIR/owner.lock; held (across daemonizing) until
 * the process exits. Negative errno. */
int orphan_lock_take(const char *secrets_dir);
/* Clean up after dead wrappers whose secrets directories are in state_dir:
 * remove their secrets and finish their state files as failed. */
void orphans_collect(const char *state_dir);

#endif
