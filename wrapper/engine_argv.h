/* The engine's command line and environment (CONTRACT §3, §4). */
#ifndef V2VW_ENGINE_ARGV_H
#define V2VW_ENGINE_ARGV_H

#include "wrapper/conversion.h"
#include "common/strv.h"

#define ENGINE_DEFAULT_PATH "/usr/bin/virt-v2v"
#define VDDK_LIBDIR "/opt/vmware-vix-disklib-distrib"

/* The engine's path: $V2VW_ENGINE (tests) or /usr/bin/virt-v2v. */
const char *engine_path(void);

/* Full argv (argv[0] = engine path) from the input and the plan, without
 * side effects. Negative errno and *error. */
int engine_argv_build(const struct conversion_config *cfg, const struct conversion_plan *plan,
                      struct strv *argv, char **error);
/* The engine's environment, from `base` (the wrapper's own) and the plan. */
int engine_env_build(const struct conversion_plan *plan, char *const *base, struct strv *env);
/* One line for the log: arguments and variables whose name contains
 * "password" are shown as NAME=*****. Caller frees. */
char *engine_command_for_log(char *const *argv);
char *engine_env_for_log(char *const *env);
/* Does the argv depend on the engine's capabilities (a MAC mapping)? Then
 * read them into the plan before building it. */
bool engine_argv_needs_capabilities(const struct conversion_config *cfg);
/* Append what `virt-v2v --machine-readable` lists, one capability per
 * entry. Negative errno when the engine cannot be run. */
int engine_capabilities_read(struct strv *caps);

/* Versions as one number: ENGINE_VERSION(2, 8) = 2008. */
#define ENGINE_VERSION(major, minor) ((major) * 1000u + (minor))
/* Does the argv depend on the engine's version (an input password file:
 * `--password-file` until 2.7, `-ip` from 2.8)? Then read it into the plan
 * before building it. */
bool engine_argv_needs_version(const struct conversion_config *cfg);
/* The version from `virt-v2v --version`, or 2.0 when that says nothing
 * useful but the capabilities (`caps`) say 2.x; 0 = unknown. */
unsigned engine_version_read(const struct strv *caps);
/* "virt-v2v 2.5.6rhel=9,release=4.el9" -> ENGINE_VERSION(2, 5); 0 if not a version. */
unsigned engine_version_parse(const char *line);

#endif
