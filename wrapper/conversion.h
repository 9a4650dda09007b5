/* One conversion: the validated input, where its files are, its secrets,
 * its state, and the parts that run it. Every room works on this. */
#ifndef V2VW_CONVERSION_H
#define V2VW_CONVERSION_H

#include <stdbool.h>
#include <sys/types.h>
#include "outputs/output.h"
#include "wrapper/config.h"
#include "state/state.h"

struct engine_runner;
struct throttle;

struct conversion_paths {
    char *tag;               /* %Y%m%dT%H%M%S-PID */
    char *log_dir;           /* per output kind, or $V2VW_LOG_DIR */
    char *state_dir;         /* /tmp, or $V2VW_STATE_DIR */
    char *v2v_log, *mr_log, *wrapper_log;
    char *state_file, *throttle_file;
    char *secrets_dir;       /* private 0700 directory owned by the conversion user */
};

struct luks_key {
    char *device;            /* /dev/sdX or /dev/sdXN as the vault says */
    char *key_file;          /* secret file with the key */
};

struct secret_files {
    char *vmware_password;   /* vddk --password-file */
    char *source_password;   /* libvirt input --password-file */
    char *rhv_password;      /* rhv-upload -op */
    char *ssh_key;           /* private key for the ssh-agent */
    struct luks_key *luks;
    size_t n_luks;
};

struct conversion {
    struct conversion_config cfg;
    const struct output_ops *output;
    struct output_input output_in;   /* the output's view of cfg */
    struct output_plan plan;         /* what the output made of it */
    uid_t uid;               /* the conversion user */
    gid_t gid;
    char *user_home;         /* its home (its default ssh keys) */
    struct conversion_paths paths;
    struct secret_files secrets;
    char **capabilities;     /* `virt-v2v --machine-readable`, NULL-terminated; NULL = not asked */
    unsigned engine_version; /* ENGINE_VERSION(major, minor) from --version; 0 = unknown */
    bool engine_version_asked;
    struct conversion_state state;
};

/* The output's view of the conversion: its part of cfg and the secret
 * file of its password (once created). Borrowed pointers into c. */
void conversion_output_input(const struct conversion *c, struct output_input *in);

#endif
