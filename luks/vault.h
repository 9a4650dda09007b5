/* SPDX-License-Identifier: Apache-2.0 */
/* The LUKS keys vault (CONTRACT §9): a JSON file owned by the conversion
 * user, private to it, mapping VM names to the LUKS keys of their disks:
 *
 *   {"VM": [{"device": "/dev/sda1", "key": "secret"}, ...], ...}
 *
 * Only the current VM's entries are returned. Keys are secrets: they are
 * never put in an error sentence or a log line, and the buffers that held
 * them are wiped (see vault.c for what json-c keeps out of our reach). */
#ifndef V2VW_LUKS_VAULT_H
#define V2VW_LUKS_VAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define VAULT_MAX_SIZE (1024 * 1024)   /* bytes */

struct vault_entry {
    char *device;            /* /dev/sdX or /dev/sdXN */
    char *key;               /* NUL-terminated, non-empty, no embedded NUL */
};

/* Read the vault at `path` (the input's luks_keys_vault, or the caller's
 * resolved $HOME/.v2v_luks_keys_vault.json; `path_was_given` says which,
 * for the log). A missing file is not an error: 0 entries. Otherwise the
 * file must be a regular file (not a symbolic link), owned by
 * `conversion_uid`, without group or other permission bits, at most
 * VAULT_MAX_SIZE bytes, and the whole vault must have the right shape.
 * On success *entries (free with vault_entries_free) holds the entries of
 * `vm_name` in file order and *n their number. On error returns negative
 * errno and sets *error to one sentence naming the vault path and the
 * problem (caller frees). */
int vault_load(const char *path, bool path_was_given, const char *vm_name,
               uid_t conversion_uid, struct vault_entry **entries, size_t *n,
               char **error);

/* The shape check and extraction alone, from a buffer (used by vault_load
 * and the fuzzer). `path` only names the vault in error sentences. The
 * buffer is not modified; the caller wipes it. */
int vault_parse(const char *buf, size_t len, const char *vm_name, const char *path,
                struct vault_entry **entries, size_t *n, char **error);

/* Wipe the keys and free everything. NULL is fine. */
void vault_entries_free(struct vault_entry *entries, size_t n);

/* "/dev/sd" + lowercase letters + optional partition number (no leading 0). */
bool vault_device_valid(const char *device);

#endif
