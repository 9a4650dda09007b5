/* The host's index of conversions: one symbolic link per conversion to its
 * state file, in one well-known directory ($V2VW_INDEX_DIR; default the
 * state directory when $V2VW_STATE_DIR is set, else
 * /run/virt-v2v-wrapper/conversions), so the admin command finds every
 * conversion wherever its state file lives. */
#ifndef V2VW_CONVERSION_INDEX_H
#define V2VW_CONVERSION_INDEX_H

struct conversion;

/* Link this conversion's state file into the index (nothing when the
 * index is its state directory); links whose state file is gone are
 * removed. Failures are logged, never fatal. */
void conversion_index_add(const struct conversion *c);

#endif
