#include <stdio.h>
#include "wrapper/error.h"

int error_setv(char **error, int r, const char *fmt, va_list ap)
{
    if (error && vasprintf(error, fmt, ap) < 0)
        *error = NULL;
    return r;
}

int error_set(char **error, int r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_setv(error, r, fmt, ap);
    va_end(ap);
    return r;
}
