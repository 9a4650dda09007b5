/* SPDX-License-Identifier: Apache-2.0 */
/* Who the conversion runs as, where its files are, and its secret files
 * (CONTRACT §5). Names never contain input text: only the TAG. */
#ifndef V2VW_FILES_H
#define V2VW_FILES_H

#include <stdbool.h>
#include <stddef.h>
#include "wrapper/conversion.h"

#define VDSM_UID 36
#define VDSM_GID 36

/* The private run directories: RUN_ROOT/v2v-import-TAG.RANDOM, root's,
 * 0700 (0710 to the conversion's group when it runs as another user). */
#define RUN_ROOT "/run/virt-v2v-wrapper"
#define RUN_PREFIX "v2v-import-"
#define SECRETS_NAME "secrets"          /* secret files, the conversion user's */
#define AGENT_DIR_NAME "agent"          /* the ssh-agent's socket directory */
#define ORPHAN_LOCK_NAME "owner.lock"     /* held while the wrapper lives */
#define UNANNOUNCED_NAME "unannounced"  /* the log directory, until the JSON line is out */

/* c->plan.uid/gid/user_home from the output kind; checks we may become them. */
int conversion_identity(struct conversion *c, char **error);
/* TAG and every path (nothing is created). */
int conversion_paths_init(struct conversion *c, char **error);
/* Open PATH (created 0755 when CREATE) as a directory that is no link,
 * owned by us and writable by us alone. */
int dir_open_private(const char *path, bool create, int *out, char **error);
/* Remove everything in the directory DFD, never following a link. */
void dir_remove_children(int dfd, int depth);
/* The JSON line is out: a dead wrapper's logs are no longer removed. */
void conversion_announced(struct conversion *c);
/* Create the log files, the private secrets directory and the secret
 * files of the input. On failure everything created is removed. */
int conversion_files_create(struct conversion *c, char **error);
/* Write one secret into a new file in the secrets directory: O_EXCL,
 * 0600, owned by the conversion user. *path_out gets its path. */
int secret_file_write(struct conversion *c, const char *name, const char *data, size_t len,
                      char **path_out, char **error);
/* Remove the secret files and their directory (every exit path). */
void conversion_secrets_remove(struct conversion *c);
/* The final state is written: the run directory keeps only the state and
 * throttling files (none when they live in $V2VW_STATE_DIR). */
void conversion_run_dir_release(struct conversion *c);
/* Before the conversion started: remove every file we created. */
void conversion_files_remove_all(struct conversion *c);
void conversion_paths_free(struct conversion_paths *p);
void conversion_secrets_free(struct secret_files *s);

#endif
