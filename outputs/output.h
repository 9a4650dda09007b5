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
    /* The engine's capabilities (`virt-v2v --machine-readable`), read
     * before prepare when ops->needs_capabilities; NULL otherwise. */
    char *const *capabilities;
};

/* What an output made of its input (output_plan_make). Owned by the plan. */
struct output_plan {
    char *allocation;            /* engine -oa; NULL = engine default */
    char *virtio_win;            /* drivers ISO (VIRTIO_WIN); NULL = none */
    char *output_name;           /* engine -on (the state's output_name); NULL = the input's default */
    void *priv;                  /* the output's own, freed by priv_free */
    void (*priv_free)(void *priv);
};

/* ADAPTER (Kubernetes pod mode), until the output interface has run-time
 * hooks of its own: progress as clients see it, and the end of an
 * asynchronous step: r = 0 or negative errno, called once from the event
 * loop, never from inside the call that started the step. */
struct output_progress {
    double percent;              /* overall, 0..100 */
};
typedef void (*output_done_fn)(void *userdata, int r);

/* What the engine reported that an output needs after it ended. */
struct output_engine_report {
    const char *vm_id;           /* NULL = none */
    char *const *disk_ids;       /* rhv-upload disks the engine created */
    size_t n_disk_ids;
};

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

    /* ADAPTER (Kubernetes pod mode), until the output interface has
     * run-time hooks of its own. */
    bool needs_capabilities;     /* in->capabilities is read before prepare */
    bool engine_log_to_stdout;   /* every engine log line also on stdout */
    /* The event loop runs, the engine is about to start. NULL = none. */
    int (*preflight)(const struct output_input *in, struct output_plan *plan, struct sd_event *event);
    /* The state changed. NULL = none. */
    void (*progress)(struct output_plan *plan, const struct output_progress *p);
    /* After finish: end asynchronously (failed: with last_message as the
     * error); 0 = started, done follows; negative errno = done will not be
     * called. NULL = none. */
    int (*finish_async)(const struct output_input *in, struct output_plan *plan, bool failed,
                        const char *last_message, output_done_fn done, void *userdata);
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
extern const struct output_ops output_kubevirt;

#endif
