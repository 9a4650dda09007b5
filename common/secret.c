#include <stdlib.h>
#include <string.h>

#include "common/secret.h"

void secret_free(char *s)
{
    if (s) {
        explicit_bzero(s, strlen(s));
        free(s);
    }
}

void secret_buf_free(struct secret_buf *b)
{
    if (b->p) {
        explicit_bzero(b->p, b->size);
        free(b->p);
    }
    *b = (struct secret_buf){ 0 };
}

void secret_json_erase(struct json_object *v)
{
    /* json-c hands out const text; the secret is ours to destroy. */
    if (v && json_object_is_type(v, json_type_string))
        explicit_bzero((char *)json_object_get_string(v), (size_t)json_object_get_string_len(v));
}
