/* The engine's command line and environment (CONTRACT §3, §4). */
#ifndef V2VW_ENGINE_ARGV_H
#define V2VW_ENGINE_ARGV_H

#include "wrapper/conversion.h"
#include "common/strv.h"

#define ENGINE_DEFAULT_PATH "/usr/bin/virt-v2v"
#define VDDK_LIBDIR "/opt/vmware-vix-disklib-distrib"

/* The engine's path: $V2VW_ENGINE (tests) or /usr/bin/virt-v2v. */
const char *engine_path(void);

/* Full argv (argv[0] = engine path). Negative errno and *error. */
int engine_argv_build(const struct conversion *c, struct strv *argv, char **error);
/* The engine's environment, from `base` (the wrapper's own). */
int engine_env_build(const struct conversion *c, char *const *base, struct strv *env);
/* One line for the log: arguments and variables whose name contains
 * "password" are shown as NAME=*****. Caller frees. */
char *engine_command_for_log(char *const *argv);
char *engine_env_for_log(char *const *env);
/* Does `virt-v2v --machine-readable` list `cap`? Reads and caches the list
 * in c->capabilities. */
bool engine_has_capability(struct conversion *c, const char *cap);

/* Versions as major * 1000 + minor; 0 = unknown. */
#define ENGINE_VERSION(major, minor) ((major) * 1000u + (minor))
/* The engine's version from `virt-v2v --version` (cached in c), or from
 * its capabilities (2.x) when that says nothing useful; 0 = unknown. The
 * arguments whose spelling changed between versions are chosen by it. */
unsigned engine_version(struct conversion *c);
/* "virt-v2v 2.5.6rhel=9,release=4.el9" -> ENGINE_VERSION(2, 5); 0 if not a version. */
unsigned engine_version_parse(const char *line);

#endif
