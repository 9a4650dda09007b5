/* One conversion: the validated input, the plan made from it, the state of
 * the running conversion. Only wrapper/ sees this; the other rooms get
 * the narrow pieces they need. */
#ifndef V2VW_CONVERSION_H
#define V2VW_CONVERSION_H

#include <stdbool.h>
#include <sys/types.h>
#include "outputs/output.h"
#include "wrapper/config.h"
#include "common/strv.h"
#include "state/state.h"


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

/* What the wrapper and the output made of the validated input before the
 * engine runs: who runs it, where its files are, its secret files, the
 * output's plan. Filled by main.c (prepare), files.c and luks_keys.c;
 * read only from the moment the engine command is built. */
struct conversion_plan {
    const struct output_ops *output;
    struct output_input output_in;   /* the output's view of the input */
    struct output_plan out;          /* what the output made of it */
    uid_t uid;                       /* the conversion user */
    gid_t gid;
    char *user_home;                 /* its home (ssh keys, LUKS vault default) */
    struct conversion_paths paths;
    struct secret_files secrets;
    struct strv capabilities;        /* `virt-v2v --machine-readable`, read before argv when needed */
    unsigned engine_version;         /* ENGINE_VERSION(major, minor) from --version; 0 = unknown */
};

/* One conversion, in the three parts each stage owns:
 *   cfg    the validated input (config.c), never changed after parsing;
 *   plan   made from it before anything runs;
 *   state  the running conversion as clients see it (lifecycle.c and the
 *          engine parser write it; the runner and throttle live in
 *          lifecycle.c's struct run). */
struct conversion {
    struct conversion_config cfg;
    struct conversion_plan plan;
    struct conversion_state state;
};

/* The output's view of the conversion: its part of cfg and the secret
 * file of its password (once created). Borrowed pointers into c. */
void conversion_output_input(const struct conversion *c, struct output_input *in);

#endif
