/* The output boundary: one file per output (host) kind.
 *
 * The wrapper picks the kind from the input keys, then hands the output its
 * part of the validated input (struct output_input, read only) and gets back
 * a plan (struct output_plan): what the output resolved before anything
 * starts. When the engine command line is built, the output appends its
 * arguments; after the engine ended, the output finishes or cleans up.
 * An output never sees the wrapper's conversion, its files or its state. */
#ifndef V2VW_OUTPUT_H
#define V2VW_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include <systemd/sd-event.h>
#include "common/strv.h"

enum output_kind_id {
    OUTPUT_RHV_UPLOAD, OUTPUT_EXPORT_DOMAIN, OUTPUT_OPENSTACK, OUTPUT_KUBEVIRT,
    OUTPUT_LOCAL, OUTPUT_LIBVIRT,
};

enum output_identity {
    IDENTITY_CALLER,             /* the user that runs the wrapper */
    IDENTITY_ROOT,               /* 0:0 (export domain mounts NFS) */
    IDENTITY_VDSM,               /* 36:36 (vdsm:kvm) */
};

/* One `network_mappings` entry. */
struct network_mapping {
    char *source;
    char *destination;
    char *mac_address;                /* NULL = none */
    char *ip_address;                 /* NULL = none (OpenStack: the port's fixed IP) */
};

/* One `osp_environment` entry: the key as given (os-... or os_...) and its
 * value as text, formatted the way Python's %s does (true -> True). */
struct osp_env_entry {
    char *key;
    char *value;                      /* secret for os_password: erased on free */
};

/* The output's part of the validated input. Borrowed strings: the output
 * never frees or changes them. NULL = not given. */
struct output_input {
    enum output_kind_id kind;
    const char *vm_name;
    const char *output_format;   /* "raw" or "qcow2" */
    const char *allocation;      /* "preallocated", "sparse" or NULL */
    const char *virtio_win;
    bool install_drivers;
    bool insecure_connection;
    /* rhv-upload */
    const char *rhv_url, *rhv_password, *rhv_cluster, *rhv_storage, *rhv_cafile;
    /* The secret file holding rhv_password (engine -op); set once the
     * wrapper created the secret files, NULL before. */
    const char *password_file;
    /* export domain */
    const char *export_domain;
    /* local */
    const char *local_storage;
    /* libvirt */
    const char *libvirt_pool, *libvirt_uri;
    /* openstack */
    const struct osp_env_entry *osp_environment;
    size_t n_osp_environment;
    const char *osp_destination_project_id, *osp_flavor_id, *osp_server_id, *osp_guest_id;
    const char *osp_volume_type_id;
    char *const *osp_security_groups_ids;
    size_t n_osp_security_groups_ids;
    const struct network_mapping *network_mappings;
    size_t n_network_mappings;
    bool ssh_transport;          /* vm_name is the VMX file's ssh:// URL */
};

/* What an output made of its input (output_plan_make). Owned by the plan. */
struct output_plan {
    char *allocation;            /* engine -oa; NULL = engine default */
    char *virtio_win;            /* drivers ISO (VIRTIO_WIN); NULL = none */
    /* The engine's environment, applied over the wrapper's: NAME=VALUE
     * sets, a bare NAME removes (secrets go here, never into any argv). */
    struct strv env;
    void *priv;                  /* the output's own while it finishes */
};

/* What the engine reported that an output needs after it ended. */
struct output_engine_report {
    const char *vm_id;           /* NULL = none */
    char *const *disk_ids;       /* rhv-upload disks the engine created */
    size_t n_disk_ids;
};

/* ADAPTER until the output interface has asynchronous hooks of its own:
 * what the wrapper offers an output that finishes in its event loop. */
struct output_host {
    sd_event *event;
    void (*set_status)(void *userdata, const char *phrase);
    /* An EXT state key of the output's (OpenStack: resources, cleanup);
     * the value is borrowed; written at once. */
    void (*set_key)(void *userdata, const char *key, struct json_object *value);
    void (*set_vm_id)(void *userdata, const char *id);
    void *userdata;
};
/* The end of an asynchronous finish, exactly once, from the event loop:
 * r < 0 = the conversion failed, `error` (may be NULL) says why. */
typedef void (*output_done_fn)(void *userdata, int r, const char *error);

struct output_ops {
    enum output_kind_id id;
    const char *name;
    const char *log_dir;         /* default directory of the logs */
    enum output_identity identity;
    bool backend_direct;         /* LIBGUESTFS_BACKEND=direct */
    bool default_bridge;         /* --bridge ovirtmgmt (after the mappings, as the Python wrapper) */
    bool iso_domain;             /* virtio_win may name a file in the oVirt ISO domain */

    /* Before any file is created: look things up, complete the plan
     * (plan->allocation holds the input's allocation already). Negative
     * errno and *error (one sentence) on failure. NULL = nothing to do. */
    int (*prepare)(const struct output_input *in, struct output_plan *plan, char **error);
    /* Append the output's engine arguments (-o ... -os ...). */
    int (*append_args)(const struct output_input *in, const struct output_plan *plan,
                       struct strv *argv, char **error);
    /* After the engine ended (failed = the conversion failed): clean up
     * what it left behind, or finish the job. NULL = none. */
    int (*finish)(const struct output_input *in, const struct output_plan *plan,
                  const struct output_engine_report *report, bool failed);
    /* ADAPTER: `finish` driven by the event loop (used instead of finish
     * when set): 0 = started and `done` follows; negative errno = could
     * not start. `cancel` (a signal while finishing) makes it clean up and
     * end sooner. */
    int (*finish_async)(const struct output_input *in, struct output_plan *plan,
                        const struct output_host *host, bool failed, output_done_fn done, void *userdata);
    void (*cancel)(struct output_plan *plan);
};

const struct output_ops *output_lookup(enum output_kind_id id);
const char *output_kind_name(enum output_kind_id o);

/* The plan for `in`: the input's allocation, the output's prepare, then the
 * drivers ISO. Negative errno and *error on failure; the caller frees the
 * plan either way. */
int output_plan_make(const struct output_ops *ops, const struct output_input *in,
                     struct output_plan *plan, char **error);
void output_plan_free(struct output_plan *plan);

/* -of FORMAT [-oa ALLOCATION]: shared by every output. */
int output_append_format(const struct output_input *in, const struct output_plan *plan,
                         struct strv *argv);

extern const struct output_ops output_rhv_upload;
extern const struct output_ops output_export_domain;
extern const struct output_ops output_local;
extern const struct output_ops output_libvirt;
extern const struct output_ops output_openstack;

#endif
