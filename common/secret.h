/* SPDX-License-Identifier: Apache-2.0 */
/* Secrets in memory: overwritten before the memory is given back, so a
 * later core or heap dump does not hold them. The one set of wiping helpers. */
#ifndef V2VW_SECRET_H
#define V2VW_SECRET_H

#include <stddef.h>
#include <json-c/json.h>

/* A buffer that held a secret: its first `size` bytes are wiped, the
 * whole allocation or all of it that was ever written. */
struct secret_buf {
    char *p;
    size_t size;
};

/* Wipe strlen(s) bytes and free s (NULL: nothing). */
void secret_free(char *s);
static inline void secret_freep(void *p) { secret_free(*(char **)p); }
/* Wipe the buffer's `size` bytes and free it. */
void secret_buf_free(struct secret_buf *b);
/* Wipe the text of a json-c string object in place (other types: nothing). */
void secret_json_erase(struct json_object *v);

#define _cleanup_erase_ __attribute__((cleanup(secret_freep)))
#define _cleanup_secret_buf_ __attribute__((cleanup(secret_buf_free)))

#endif
