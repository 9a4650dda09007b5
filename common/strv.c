#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/strv.h"

static int strv_push_owned(struct strv *s, char *str)
{
    if (s->n + 2 > s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        char **v = realloc(s->v, cap * sizeof(*v));
        if (!v) {
            free(str);
            return -ENOMEM;
        }
        s->v = v;
        s->cap = cap;
    }
    s->v[s->n++] = str;
    s->v[s->n] = NULL;
    return 0;
}

int strv_push(struct strv *s, const char *str)
{
    char *copy = strdup(str);
    if (!copy)
        return -ENOMEM;
    return strv_push_owned(s, copy);
}

int strv_pushf(struct strv *s, const char *fmt, ...)
{
    va_list ap;
    char *str;

    va_start(ap, fmt);
    int r = vasprintf(&str, fmt, ap);
    va_end(ap);
    if (r < 0)
        return -ENOMEM;
    return strv_push_owned(s, str);
}

int strv_push_all(struct strv *s, ...)
{
    va_list ap;
    const char *str;
    int r = 0;

    va_start(ap, s);
    while (r >= 0 && (str = va_arg(ap, const char *)))
        r = strv_push(s, str);
    va_end(ap);
    return r;
}

static ssize_t strv_find_env(const struct strv *s, const char *name)
{
    size_t len = strlen(name);
    for (size_t i = 0; i < s->n; i++)
        if (strncmp(s->v[i], name, len) == 0 && s->v[i][len] == '=')
            return (ssize_t)i;
    return -1;
}

int strv_setenv(struct strv *s, const char *name, const char *value)
{
    ssize_t i = strv_find_env(s, name);
    if (i >= 0) {
        free(s->v[i]);
        memmove(&s->v[i], &s->v[i + 1], (s->n - (size_t)i) * sizeof(char *));
        s->n--;
    }
    if (!value)
        return 0;
    return strv_pushf(s, "%s=%s", name, value);
}

const char *strv_getenv(const struct strv *s, const char *name)
{
    ssize_t i = strv_find_env(s, name);
    return i < 0 ? NULL : s->v[i] + strlen(name) + 1;
}

void strv_free(struct strv *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i]);
    free(s->v);
    *s = (struct strv){ 0 };
}
