/* Libraries loaded on demand: what only a check or one output needs
 * (libguestfs, libvirt, libcurl) is not linked into the core process, so
 * a conversion's daemon starts fast and stays small. A user lists the
 * functions it calls as a table of pointers; dlib_load fills it once. */
#ifndef V2VW_DLIB_H
#define V2VW_DLIB_H

#include <stddef.h>

struct dlib_symbol {
    size_t offset;            /* of the function pointer in the table */
    const char *name;
};
#define DLIB_SYMBOL(type, field, name) { offsetof(type, field), name }

/* dlopen `soname` (once per process; never closed) and store every symbol
 * into `table`. 0, or negative errno and *error naming the library and
 * what is missing (`what` says who needs it: "the rhv-upload output"). */
int dlib_load(const char *soname, const char *what, const struct dlib_symbol *syms, size_t n,
              void *table, char **error);

#endif
