/* A growable NULL-terminated vector of owned strings (argv, envp). */
#ifndef V2VW_STRV_H
#define V2VW_STRV_H

#include <stddef.h>

struct strv {
    char **v;          /* always NULL-terminated once anything was pushed */
    size_t n, cap;
};

int strv_push(struct strv *s, const char *str);            /* copies; -ENOMEM */
int strv_pushf(struct strv *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Push every argument up to the terminating NULL; -ENOMEM. */
int strv_push_all(struct strv *s, ...) __attribute__((sentinel));
/* Set NAME=VALUE in an environment vector (replacing NAME) or, with value
 * NULL, remove NAME. */
int strv_setenv(struct strv *s, const char *name, const char *value);
const char *strv_getenv(const struct strv *s, const char *name);
void strv_free(struct strv *s);

#endif
