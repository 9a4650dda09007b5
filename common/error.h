/* The one error idiom. Inside, functions return negative errno; at the
 * edge, one human sentence says what went wrong. error_set puts the
 * sentence into *error (error NULL: nothing is kept) and returns r, so a
 * failure reads `return error_set(error, -EINVAL, "...", ...);`. errno is
 * kept for the format's %m. *error must be empty (asserted): one failure,
 * one sentence, never replaced. */
#ifndef V2VW_ERROR_H
#define V2VW_ERROR_H

#include <stdarg.h>

int error_set(char **error, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int error_setv(char **error, int r, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

#endif
