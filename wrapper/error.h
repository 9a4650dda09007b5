/* Errors are negative errno inside, one human sentence at the edge: these
 * put the sentence into *error (NULL error: nothing) and return r. *error
 * must not hold a sentence already. */
#ifndef V2VW_ERROR_H
#define V2VW_ERROR_H

#include <stdarg.h>

int error_set(char **error, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int error_setv(char **error, int r, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

#endif
