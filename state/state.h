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
#define STATE_MAX_DISK_IDS 1024

struct state_disk {
    char *path;
    double progress;                   /* 0..100 */
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
    char *last_message;                /* NULL = omitted; type is always "error" */
    char *status;                      /* EXT: current stage phrase, NULL = omitted */
    char *throttle_cpu;                /* applied limit as text, NULL = null */
    char *throttle_network;

    /* Book-keeping the parser keeps for cleanup; not written to the file. */
    char **disk_ids;                   /* rhv-upload `disk.id = 'UUID'`, once each */
    size_t n_disk_ids;

    uint64_t generation;               /* bumped on every visible change */
};

/* Start a state: `disks` from source_disks (progress 0), disk_count = n when
 * source_disks was given (pass have_source_disks), failed=false, throttling
 * null/null. Negative errno on failure. */
int state_init(struct conversion_state *s, const char *const *source_disks, size_t n,
               bool have_source_disks);
void state_free(struct conversion_state *s);

/* Setters. All copy their string arguments and sanitize them. */
void state_set_started(struct conversion_state *s, pid_t pid);
void state_set_disk_count(struct conversion_state *s, int count);
void state_set_last_message(struct conversion_state *s, const char *msg, size_t len);
void state_set_status(struct conversion_state *s, const char *msg, size_t len);
void state_set_vm_id(struct conversion_state *s, const char *id, size_t len);
void state_set_output_name(struct conversion_state *s, const char *name);
void state_add_disk_id(struct conversion_state *s, const char *id, size_t len);
void state_set_throttling(struct conversion_state *s, const char *cpu, const char *network);
/* Progress of disk `index` (0-based), creating entries up to it when the
 * engine copies more disks than source_disks named (path "disk N" unless
 * the engine reported one). Progress never goes backwards within a disk. */
void state_set_disk_progress(struct conversion_state *s, size_t index, double progress);
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

/* EXT overall progress: mean disk progress over max(disk_count, n_disks). */
double state_overall_progress(const struct conversion_state *s);

/* The state as the JSON object of the state file (new reference). */
struct json_object *state_to_json(const struct conversion_state *s);

/* Write the state file atomically: a temporary file in the same directory,
 * written, fsync'd, chmod 0644, renamed over `path`. On any failure the old
 * file stays intact and the temporary is removed. Negative errno. */
int state_write_atomic(const struct conversion_state *s, const char *path);
/* The same for ready JSON text (a newline is appended). */
int state_file_replace(const char *path, const char *text, size_t len);

#endif
