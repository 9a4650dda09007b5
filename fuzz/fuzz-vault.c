/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzz the LUKS keys vault's shape check and key extraction. Invariants:
 * an error is one sentence naming the vault, with no newline, and leaves no
 * entries; success gives only valid devices and non-empty keys. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "luks/vault.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vault_entry *entries;
    size_t n;
    char *error;

    int r = vault_parse((const char *)data, size, "vm1", "fuzz.json", &entries, &n, &error);
    if (r < 0) {
        assert(error != NULL);
        assert(strncmp(error, "LUKS keys vault fuzz.json", 25) == 0);
        assert(strchr(error, '\n') == NULL);
        assert(entries == NULL && n == 0);
        free(error);
        return 0;
    }
    assert(error == NULL);
    assert((n == 0) == (entries == NULL));
    for (size_t i = 0; i < n; i++) {
        assert(vault_device_valid(entries[i].device));
        assert(entries[i].key[0] != '\0');
        /* A key must never be mistaken for text of the error path. */
        assert(strlen(entries[i].key) <= size);
    }
    vault_entries_free(entries, n);
    return 0;
}
