/* The drivers ISO for oVirt hosts (CONTRACT §7): an absolute virtio_win, a
 * file name inside the ISO domain, or the best guest-tools ISO found there. */
#ifndef V2VW_VIRTIO_WIN_H
#define V2VW_VIRTIO_WIN_H

#include <stddef.h>
#include "outputs/output.h"

#define VDSM_MOUNTS "/rhev/data-center/mnt"
#define ISO_DOMAIN_IMAGES "images/11111111-1111-1111-1111-111111111111"

/* Where VDSM mounts storage domains: $V2VW_RHEV_MNT (tests) or VDSM_MOUNTS. */
const char *vdsm_mounts_root(void);

/* Find the ISO domain below `root` (a storage domain whose dom_md/metadata
 * has the line CLASS=Iso; blockSD trees skipped). 0 and *images_dir (its
 * ISO directory, caller frees) or NULL when there is none; negative errno. */
int iso_domain_find(const char *root, char **images_dir);

/* Priority of a drivers ISO name (7 RHV-toolsSetup_VER.iso .. 0
 * virtio-win.iso), -1 if it is none. *ver and *ver_len: the VER part ("" if the
 * pattern has none). */
int virtio_win_priority(const char *name, const char **ver, size_t *ver_len);

/* The best drivers ISO (regular files only) in `dir`: 0 and *path (caller
 * frees) or NULL when there is none; negative errno. */
int virtio_win_best(const char *dir, char **path);

/* Resolve in->virtio_win / install_drivers into plan->virtio_win: with an
 * ISO domain (ops->iso_domain) an absolute path, a file name in the domain
 * or the best ISO there; else an absolute path only. Negative errno and
 * *error (one sentence) when a requested ISO cannot be used. */
int virtio_win_resolve(const struct output_input *in, const struct output_ops *ops,
                       struct output_plan *plan, char **error);

#endif
