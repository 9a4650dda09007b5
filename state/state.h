/* SPDX-License-Identifier: Apache-2.0 */
/* The conversion state: what clients read from the state file (CONTRACT §6).
 *
 * One struct holds it; every setter bumps `generation` when something
 * visible changed, so the writer knows when a new file is due. Every string
 * stored here is valid UTF-8 (invalid bytes become U+FFFD) and bounded. */
#ifndef V2VW_STATE_H
#define V2VW_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <json-c/json.h>

#define STATE_MAX_DISKS 1024          /* more disks than any VM has */
#define STATE_MAX_MESSAGE 4096        /* bytes kept of last_message/status */
#define STATE_MAX_RESOURCES 256

/* A smoothed rate of a percentage (state_rate.c). */
struct state_rate {
    uint64_t sample_usec;              /* 0 = no sample yet */
    double sample_value;
    double per_sec;                    /* percent per second, 0 = not known */
};

struct state_disk {
    char *path;
    double progress;                   /* 0..100 */
    uint64_t bytes_total;              /* EXT: the disk's size, 0 = not known */
    struct state_rate rate;
};

#define STATE_MAX_WARNINGS 32         /* engine warnings kept (the first ones) */
struct state_resource {
    char *kind;                        /* "volume", "image", ... */
    char *id;
};

/* EXT: the cleanup's outcome for one resource an output created. */
struct state_cleanup_item {
    char *kind;
    char *id;
    char *reason;                      /* NULL = removed, else why it was left */
};

struct conversion_state {
    struct state_disk *disks;          /* `disks`, in order */
    size_t n_disks;
    size_t n_source_disks;             /* the first n entries came from source_disks */
    int disk_count;                    /* -1 = not known (key omitted) */

    bool started;
    pid_t pid;                         /* 0 = not running yet */
    bool finished;
    bool failed;
    bool have_return_code;
    int return_code;

    char *vm_id;                       /* NULL = omitted */
    char *output_name;                 /* EXT: the engine's -on name (pod mode), NULL = omitted */
    char *last_message;                /* NULL = omitted */
    bool last_message_warning;         /* type "warning" (a stall), else "error" */
    const char *last_message_class;    /* EXT: error_class vocabulary, NULL = none */

    /* EXT identity (NULL/0 = omitted). */
    char *vm_name;
    char *output;                      /* output kind */
    pid_t wrapper_pid;
    int64_t started_at, finished_at;   /* UTC seconds, 0 = not yet */
    char *accel;                       /* "kvm" or "tcg" from the engine log */
    bool accel_final;                  /* accel seen for sure (not a kvm:tcg guess) */
    char *v2v_log, *wrapper_log, *throttle_file;   /* for the admin command */

    struct state_rate rate;            /* overall */
    bool stalled;                      /* EXT: no progress for stall_seconds */
    char *stall_saved;                 /* last_message before the stall warning */
    bool stall_saved_warning;
    const char *stall_saved_class;
    char *warnings[STATE_MAX_WARNINGS];/* EXT: the engine's warnings */
    size_t n_warnings;
    uint64_t activity_usec;            /* last progress or stage change (monotonic) */
    char *status;                      /* EXT: current stage phrase, NULL = omitted */
    char *throttle_cpu;                /* applied limit as text, NULL = null */
    char *throttle_network;

    struct state_resource *resources; /* EXT: what an output created, omitted when none */
    size_t n_resources;
    struct state_cleanup_item *cleanup; /* EXT: `cleanup` {removed, left}, omitted when none */
    size_t n_cleanup;

    uint64_t generation;               /* bumped on every visible change */
};

/* Start a state: `disks` from source_disks (progress 0), disk_count = n when
 * source_disks was given (pass have_source_disks), failed=false, throttling
 * null/null. Negative errno on failure. */
int state_init(struct conversion_state *s, const char *const *source_disks, size_t n,
               bool have_source_disks);
void state_free(struct conversion_state *s);

/* Setters. All copy their string arguments and sanitize them. */
/* An error with its class (error_class.h); NULL class = looked up in the
 * table of the engine's messages. */
void state_set_error(struct conversion_state *s, const char *msg, size_t len, const char *cls);
void state_set_identity(struct conversion_state *s, const char *vm_name, const char *output,
                        pid_t wrapper_pid);
void state_set_files(struct conversion_state *s, const char *v2v_log, const char *wrapper_log,
                     const char *throttle_file);
void state_set_started_at(struct conversion_state *s, int64_t utc);
void state_set_finished_at(struct conversion_state *s, int64_t utc);
/* "kvm" or "tcg"; final = the engine's log says it for sure. */
void state_set_accel(struct conversion_state *s, const char *accel, bool final);
void state_add_warning(struct conversion_state *s, const char *msg, size_t len);
/* No progress or stage change for `seconds`: a warning, stalled = true.
 * Any progress or stage change clears it (the message before comes back). */
void state_set_stalled(struct conversion_state *s, unsigned seconds);
void state_clear_stalled(struct conversion_state *s);
/* The monotonic clock in microseconds (tests may replace it). */
extern uint64_t (*state_clock)(void);
void state_set_started(struct conversion_state *s, pid_t pid);
void state_set_disk_count(struct conversion_state *s, int count);
void state_set_last_message(struct conversion_state *s, const char *msg, size_t len);
void state_set_status(struct conversion_state *s, const char *msg, size_t len);
void state_set_vm_id(struct conversion_state *s, const char *id, size_t len);
/* A resource an output created (kept once per kind and id). */
void state_add_resource(struct conversion_state *s, const char *kind, const char *id);
/* The cleanup removed (reason NULL) or left (reason) a resource. */
void state_add_cleanup(struct conversion_state *s, const char *kind, const char *id, const char *reason);
void state_set_output_name(struct conversion_state *s, const char *name);
void state_set_throttling(struct conversion_state *s, const char *cpu, const char *network);
/* Progress of disk `index` (0-based), creating entries up to it when the
 * engine copies more disks than source_disks named (path "disk N" unless
 * the engine reported one). Progress never goes backwards within a disk. */
void state_set_disk_progress(struct conversion_state *s, size_t index, double progress);
/* The size of disk `index` (0-based) as the engine's log says; only for
 * entries that exist. */
void state_set_disk_size(struct conversion_state *s, size_t index, uint64_t bytes);
/* Engine reported `path` for the disk it copies as number `index` (0-based):
 * return the index of the entry that path belongs to (an exact path match
 * among all entries, else the copy-order entry `index`, which is created
 * with that path if it does not exist yet). Never adds a second entry for a
 * source disk. */
size_t state_map_disk_path(struct conversion_state *s, size_t index, const char *path, size_t len);
/* The end: return_code, failed, then finished. */
void state_set_return_code(struct conversion_state *s, int rc);
void state_set_failed(struct conversion_state *s);
void state_set_finished(struct conversion_state *s);

/* EXT overall progress over max(disk_count, n_disks) disks: weighted by
 * size when every disk's size is known, else the mean. */
double state_overall_progress(const struct conversion_state *s);
/* Every disk's size is known (so progress is weighted by size). */
bool state_sizes_known(const struct conversion_state *s);
/* EXT: the sum of known disk sizes (0 when none is known), bytes copied of
 * them, a smoothed rate and the time left (-1 = not known). */
uint64_t state_bytes_total(const struct conversion_state *s);
uint64_t state_bytes_copied(const struct conversion_state *s);
double state_rate_bps(const struct conversion_state *s);
int64_t state_eta_seconds(const struct conversion_state *s);
uint64_t state_disk_bytes_copied(const struct state_disk *d);
double state_disk_rate_bps(const struct state_disk *d);
int64_t state_disk_eta_seconds(const struct state_disk *d);

/* Smoothed rates (state_rate.c): a new value at time now. */
void state_rate_sample(struct state_rate *r, uint64_t now_usec, double value);
/* Seconds until 100 at the smoothed rate, -1 = not known. */
int64_t state_rate_eta(const struct state_rate *r, double value);

/* The state as the JSON object of the state file (new reference). */
struct json_object *state_to_json(const struct conversion_state *s);

/* Write the state file atomically: a temporary file in the same directory,
 * written, fsync'd, chmod 0644, renamed over `path`. On any failure the old
 * file stays intact and the temporary is removed. Negative errno. */
int state_write_atomic(const struct conversion_state *s, const char *path);
/* The same for ready JSON text (a newline is appended). */
int state_file_replace(const char *path, const char *text, size_t len);
/* The same, relative to the directory descriptor DIR. */
int state_file_replace_at(int dir, const char *name, const char *text, size_t len);
int state_write_atomic_at(const struct conversion_state *s, int dir, const char *name);

#endif
