/* The output boundary: one file per output (host) kind. The wrapper picks
 * the kind from the input keys (config.c), then asks it for its identity,
 * places and engine arguments, and calls it again after the engine ended. */
#ifndef V2VW_OUTPUT_H
#define V2VW_OUTPUT_H

#include <stdbool.h>
#include <sys/types.h>
#include <systemd/sd-event.h>
#include "wrapper/conversion.h"
#include "wrapper/strv.h"

enum output_identity {
    IDENTITY_CALLER,             /* the user that runs the wrapper */
    IDENTITY_ROOT,               /* 0:0 (export domain mounts NFS) */
    IDENTITY_VDSM,               /* 36:36 (vdsm:kvm) */
};

struct output_ops {
    enum output_kind_id id;
    const char *name;
    const char *log_dir;         /* default directory of the logs */
    enum output_identity identity;
    bool backend_direct;         /* LIBGUESTFS_BACKEND=direct */
    bool default_bridge;         /* --bridge ovirtmgmt (after the mappings, as the Python wrapper) */

    /* Before any file is created: look things up, resolve allocation and
     * drivers. Negative errno and *error (one sentence) on failure. NULL = none. */
    int (*prepare)(struct conversion *c, char **error);
    /* Append the output's engine arguments (-o ... -os ...). */
    int (*append_args)(const struct conversion *c, struct strv *argv, char **error);
    /* After the engine ended (failed = the conversion failed): clean up
     * what it left behind, or finish the job (e.g. set vm_id). NULL = none. */
    int (*finish)(struct conversion *c, bool failed);

    /* ADAPTER (Kubernetes pod mode) until the output interface has its own
     * run-time hooks: what an output needs while the engine runs. */
    bool needs_capabilities;     /* c->capabilities is read before prepare */
    bool engine_log_to_stdout;   /* every engine log line also on stdout */
    /* The event loop is up, the engine about to start. NULL = none. */
    int (*start)(struct conversion *c, sd_event *event);
    /* Overall progress (percent) may have changed. NULL = none. */
    void (*progress)(struct conversion *c, double percent);
    /* Instead of finish: end asynchronously, call done(userdata) once from
     * the event loop when finished. NULL = none. */
    void (*finish_async)(struct conversion *c, bool failed, void (*done)(void *), void *userdata);
    /* Release what start made. NULL = none. */
    void (*stop)(struct conversion *c);
};

const struct output_ops *output_lookup(enum output_kind_id id);
/* -of FORMAT [-oa ALLOCATION]: shared by every output. */
int output_append_format(const struct conversion *c, struct strv *argv);

extern const struct output_ops output_rhv_upload;
extern const struct output_ops output_export_domain;
extern const struct output_ops output_local;
extern const struct output_ops output_libvirt;
extern const struct output_ops output_kubevirt;

#endif
