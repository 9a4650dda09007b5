/* The LUKS keys of a conversion as secret files (CONTRACT §9): the vault's
 * entries for the VM (luks/vault.h), each key in its own file in the
 * secrets directory (files.h), recorded in c->secrets.luks for
 * `--key DEVICE:file:KEYFILE`. Called after conversion_files_create. */
#ifndef V2VW_LUKS_KEYS_H
#define V2VW_LUKS_KEYS_H

#include "wrapper/conversion.h"

/* The vault path: cfg.luks_keys_vault, else HOME/.v2v_luks_keys_vault.json
 * where HOME is the wrapper's own $HOME (else the home of its effective
 * uid in the password database), never the conversion user's. NULL on
 * out of memory. */
char *luks_vault_path(const struct conversion *c);

/* Load the vault (as c->uid must own it) and write one secret file per key
 * ("luks-1", "luks-2", ...). Needs the secrets directory. Negative errno and
 * *error on failure; files already written are left for
 * conversion_secrets_remove like every other secret. */
int luks_secrets_create(struct conversion *c, char **error);

#endif
