/* Scope-bound resources, the sd-bus way: declare with _cleanup_xxx_ and the
 * resource is released on every return path. */
#ifndef V2VW_CLEANUP_H
#define V2VW_CLEANUP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <json-c/json.h>
#include "common/secret.h"          /* _cleanup_erase_ */

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p) { free(*(void **)p); }
static inline void closep(int *fd) { if (*fd >= 0) close(*fd); }
static inline void fclosep(FILE **f) { if (*f) fclose(*f); }
static inline void closedirp(DIR **d) { if (*d) closedir(*d); }
static inline void json_putp(struct json_object **o) { if (*o) json_object_put(*o); }
static inline void json_tokener_freep(struct json_tokener **t) { if (*t) json_tokener_free(*t); }

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)
#define _cleanup_json_ _cleanup_(json_putp)

/* Hand a resource out of a _cleanup_ scope. */
#define TAKE_PTR(p) ({ __typeof__(p) _p = (p); (p) = NULL; _p; })
#define TAKE_FD(fd) ({ int _fd = (fd); (fd) = -1; _fd; })

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))

#endif
