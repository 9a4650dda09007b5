/* Private to the engine parser: the parser struct and the per-log record
 * handlers (engine_v2v.c, engine_mr.c). */
#ifndef V2VW_ENGINE_PARSER_INTERNAL_H
#define V2VW_ENGINE_PARSER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <json-c/json.h>

#include "state/engine_parser.h"

/* The bytes of one log since its last record separator. */
struct record_stream {
    char *buf;                     /* ENGINE_PARSER_MAX_RECORD bytes, once needed */
    size_t len;
    bool overlong;                 /* the record outgrew buf: tail skipped */
};

#define ENGINE_NBD_HANDLES 256

struct engine_parser {
    struct conversion_state *state;
    struct record_stream v2v, mr;
    struct json_tokener *tok;      /* reused for every mr record, once needed */

    size_t current;                /* "Copying disk N/M": N, 0 = none yet */
    size_t cur_index;              /* the `disks` entry progress goes to */
    bool cur_path_known;           /* the engine named current's source */
    /* Per copy number N: its `disks` entry + 1 (0: entry N-1, copy order). */
    size_t copy_entry[STATE_MAX_DISKS];

    /* Disk sizes from the log, by copy number - 1 (0 = not known): the
     * engine's libnbd handles name the input socket (".../inI") they
     * connect to and the size they get; the copy's nbdkit says its
     * underlying file size. */
    uint64_t disk_size[STATE_MAX_DISKS];
    size_t nbd_handle_disk[ENGINE_NBD_HANDLES];   /* handle K: disk index + 1 */

    /* ssh input: source paths in the order the engine reported them. */
    char **reported;
    size_t *reported_len;
    size_t n_reported;

    char *v2v_error;               /* last `virt-v2v: error:` text */
    size_t v2v_error_len;
    bool mr_error_seen;
    char *mr_error;                /* last machine-readable error text */

    /* The first specific error line of the v2v log (`nbdcopy: ...`,
     * `/usr/bin/virt-v2v: TEXT`), its continuation lines joined with a
     * space (engine_cause.c). */
    char *cause;
    size_t cause_len;
    int cause_open;                /* continuation lines still accepted */
    /* Less specific, used when there is no cause: the first error line of
     * an nbdkit plugin (`nbdkit: ssh[1]: error: ...`) or a Python
     * exception of a plugin or precheck script (`ovirtsdk4.AuthError: ...`). */
    char *cause2;
    size_t cause2_len;
};

/* The buffer a record lies in, with the cached next positions of a few
 * bytes the record handler looks for inside records. Searching the whole
 * buffer once per byte value (memchr from the last hit) instead of once
 * per record keeps short records cheap. pos NULL = not searched yet. */
#define ENGINE_PIVOTS 3
struct scan_window {
    const char *end;
    const char *pivot[ENGINE_PIVOTS];
};

/* Next occurrence of c at or after `from` inside [from, rec_end), or NULL. */
static inline const char *window_find(struct scan_window *w, int k, char c, const char *from,
                                      const char *rec_end)
{
    const char *pos = w->pivot[k];
    if (!pos || pos < from) {
        pos = from < w->end ? memchr(from, c, (size_t)(w->end - from)) : NULL;
        w->pivot[k] = pos = pos ? pos : w->end;
    }
    return pos < rec_end ? pos : NULL;
}

void engine_v2v_record(struct engine_parser *p, const char *rec, size_t len, struct scan_window *w);
void engine_mr_record(struct engine_parser *p, const char *rec, size_t len, struct scan_window *w);
/* The v2v log's error becomes last_message unless the mr log gave one. */
void engine_apply_v2v_error(struct engine_parser *p);
/* A v2v log record that may be (part of) a specific error line; true
 * when it was taken. */
bool engine_cause_record(struct engine_parser *p, const char *r, size_t n);
/* True when an error message only points elsewhere ("see earlier error
 * messages"). */
bool engine_error_defers(const char *msg, size_t len);

#endif
