#include <assert.h>
#include <errno.h>
#include <stdio.h>

#include "common/error.h"

int error_setv(char **error, int r, const char *fmt, va_list ap)
{
    int saved = errno;          /* the sentence may use %m */
    if (error) {
        assert(!*error);
        if (vasprintf(error, fmt, ap) < 0)
            *error = NULL;
    }
    errno = saved;
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
