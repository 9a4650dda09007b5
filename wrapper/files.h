/* Who the conversion runs as, where its files are, and its secret files
 * (CONTRACT §5). Names never contain input text: only the TAG. */
#ifndef V2VW_FILES_H
#define V2VW_FILES_H

#include <stddef.h>
#include "wrapper/conversion.h"

#define VDSM_UID 36
#define VDSM_GID 36

/* c->uid/gid/user_home from the output kind; checks we may become them. */
int conversion_identity(struct conversion *c, char **error);
/* TAG and every path (nothing is created). */
int conversion_paths_init(struct conversion *c, char **error);
/* Create the log files, the private secrets directory and the secret
 * files of the input. On failure everything created is removed. */
int conversion_files_create(struct conversion *c, char **error);
/* Write one secret into a new file in the secrets directory: O_EXCL,
 * 0600, owned by the conversion user. *path_out gets its path. */
int secret_file_write(struct conversion *c, const char *name, const char *data, size_t len,
                      char **path_out, char **error);
/* Remove the secret files and their directory (every exit path). */
void conversion_secrets_remove(struct conversion *c);
/* Before the conversion started: remove every file we created. */
void conversion_files_remove_all(struct conversion *c);
void conversion_paths_free(struct conversion_paths *p);
void conversion_secrets_free(struct secret_files *s);

#endif
