/* SPDX-License-Identifier: Apache-2.0 */
/* The output boundary: one file per output (host) kind.
 *
 * The wrapper picks the kind from the input keys, then hands the output its
 * part of the validated input (struct output_input, read only) and gets back
 * a plan (struct output_plan): what the output resolved before anything
 * starts. When the engine command line is built, the output appends its
 * arguments; while the engine runs it may hear engine events and progress;
 * after the engine ended, the output finishes (success) or cleans up
 * (failure) asynchronously in the wrapper's event loop.
 * An output never sees the wrapper's conversion, its files or its state:
 * only its input, its plan and the host's few setters.
 *
 * Order: prepare -> [daemon] preflight -> append_args -> engine runs
 * (engine_event, progress) -> finish or cleanup -> priv_free. */
#ifndef V2VW_OUTPUT_H
#define V2VW_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include "common/strv.h"

struct sd_event;

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
    char *value;                      /* a secret for os_password: wiped on free */
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
    /* The engine's capabilities (`virt-v2v --machine-readable`), read once
     * before prepare for an output with needs_capabilities; NULL otherwise. */
    char *const *capabilities;
};

/* What an output made of its input (output_plan_make). Owned by the plan;
 * `priv` is the output's own and only it reads it. */
struct output_plan {
    char *allocation;            /* engine -oa; NULL = engine default */
    char *virtio_win;            /* drivers ISO (VIRTIO_WIN); NULL = none */
    struct strv env;             /* the engine's environment over the wrapper's: NAME=VALUE sets,
                                  * a bare NAME removes (secrets go here, never argv) */
    /* The engine's -on NAME when the output chose it (it then passes -on in
     * append_args); the state's output_name. NULL = the input's vm_name. */
    char *output_name;
    void *priv;                  /* freed by ops->priv_free */
};

/* What the engine reported while it ran that an output may want (the
 * engine parser hands each over once, in order). */
enum output_event {
    OUTPUT_EVENT_DISK_ID,        /* rhv-upload `disk.id = 'UUID'` */
    OUTPUT_EVENT_VM_ID,          /* the VM's id in the output */
    OUTPUT_EVENT_VOLUME_ID,      /* openstack: a volume the engine created */
};

/* Progress as clients see it, for outputs that report it elsewhere too. */
struct output_progress {
    double percent;              /* overall, 0..100 */
    const char *status;          /* current stage phrase, NULL = none */
    bool finished, failed;
};

/* What the wrapper offers an output after the engine started: its event
 * loop (sd-event) and a few state setters. */
struct output_host {
    struct sd_event *event;
    /* A short phrase in the state's `status` (e.g. "Creating the volume"). */
    void (*set_status)(void *userdata, const char *phrase);
    /* A resource the output made (kind: "volume", "image", ...; id) in the
     * state's `resources`, so a client can find or remove it. */
    void (*add_resource)(void *userdata, const char *kind, const char *id);
    /* The VM the output created (the state's vm_id). */
    void (*set_vm_id)(void *userdata, const char *id);
    /* Why the output's finish failed: one sentence naming the step, the
     * state's last_message (instead of the wrapper's generic one). */
    void (*set_error)(void *userdata, const char *sentence);
    /* The cleanup's outcome for one resource, in the state's `cleanup`:
     * removed (reason NULL) or left, and why. */
    void (*cleanup_result)(void *userdata, const char *kind, const char *id, const char *reason);
    /* The state's last_message now (in cleanup: the final error); NULL = none. */
    const char *(*last_message)(void *userdata);
    void *userdata;
};

/* An asynchronous step ends: r = 0 or negative errno. Called exactly once,
 * from the event loop (never from inside the call that started the step). */
typedef void (*output_done_fn)(void *userdata, int r);

struct output_ops {
    enum output_kind_id id;
    const char *name;
    const char *log_dir;         /* default directory of the logs */
    enum output_identity identity;
    bool backend_direct;         /* LIBGUESTFS_BACKEND=direct */
    bool default_bridge;         /* --bridge ovirtmgmt (after the mappings, as the Python wrapper) */
    bool iso_domain;             /* virtio_win may name a file in the oVirt ISO domain */
    bool needs_capabilities;     /* in->capabilities is read before prepare */
    bool engine_log_to_stdout;   /* every engine log chunk also on stdout (container logs) */

    /* Before any file is created (in the caller's process, before the
     * stdout line): look things up, complete the plan (plan->allocation
     * holds the input's allocation already). Negative errno and *error
     * (one sentence) on failure. NULL = nothing to do. */
    int (*prepare)(const struct output_input *in, struct output_plan *plan, char **error);
    /* In the daemon, just before the engine starts (services reachable,
     * quotas, ...). A failure fails the conversion with *error as its
     * last_message. NULL = none. */
    int (*preflight)(const struct output_input *in, struct output_plan *plan,
                     const struct output_host *host, char **error);
    /* Append the output's engine arguments (-o ... -os ...). No side effects. */
    int (*append_args)(const struct output_input *in, const struct output_plan *plan,
                       struct strv *argv, char **error);
    /* The engine reported `value` (NUL-terminated, valid UTF-8). NULL = not interested. */
    void (*engine_event)(struct output_plan *plan, enum output_event ev, const char *value);
    /* The state changed (rate-limited like the state file). NULL = none. */
    void (*progress)(struct output_plan *plan, const struct output_progress *p);
    /* After the engine succeeded: the output's remaining steps (import,
     * register, ...). After it failed: remove what it left behind. Both
     * asynchronous: 0 = started, `done` follows from the event loop;
     * negative errno = could not start (done is not called). NULL = none.
     * cleanup also runs when the engine could not be started at all. */
    int (*finish)(const struct output_input *in, struct output_plan *plan,
                  const struct output_host *host, output_done_fn done, void *userdata);
    int (*cleanup)(const struct output_input *in, struct output_plan *plan,
                   const struct output_host *host, output_done_fn done, void *userdata);
    /* A signal while `finish` runs: stop finishing at once and clean up
     * instead; `done` follows as usual (a failure). NULL = the finish goes
     * on (a second signal abandons it). */
    void (*cancel)(struct output_plan *plan, const char *why);
    /* Free plan->priv. NULL = priv is never set. */
    void (*priv_free)(void *priv);
};

const struct output_ops *output_lookup(enum output_kind_id id);
const char *output_kind_name(enum output_kind_id o);

/* The plan for `in`: the input's allocation, the output's prepare, then the
 * drivers ISO. Negative errno and *error on failure; the caller frees the
 * plan either way. */
int output_plan_make(const struct output_ops *ops, const struct output_input *in,
                     struct output_plan *plan, char **error);
void output_plan_free(const struct output_ops *ops, struct output_plan *plan);

/* -of FORMAT [-oa ALLOCATION]: shared by every output. */
int output_append_format(const struct output_input *in, const struct output_plan *plan,
                         struct strv *argv);

extern const struct output_ops output_rhv_upload;
extern const struct output_ops output_export_domain;
extern const struct output_ops output_local;
extern const struct output_ops output_libvirt;
extern const struct output_ops output_openstack;
extern const struct output_ops output_kubevirt;

#endif
