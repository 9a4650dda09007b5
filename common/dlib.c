#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include "common/dlib.h"
#include "common/error.h"

int dlib_load(const char *soname, const char *what, const struct dlib_symbol *syms, size_t n,
              void *table, char **error)
{
    void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return error_set(error, -ENOENT, "%s needs %s, which cannot be loaded: %s", what, soname,
                         dlerror());
    for (size_t i = 0; i < n; i++) {
        void *fn = dlsym(lib, syms[i].name);
        if (!fn)
            return error_set(error, -ENOENT, "%s needs %s from %s, which does not have it", what,
                             syms[i].name, soname);
        /* POSIX: a function's address travels as a void * from dlsym. */
        memcpy((char *)table + syms[i].offset, &fn, sizeof fn);
    }
    return 0;
}
