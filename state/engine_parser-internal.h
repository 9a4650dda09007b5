/* Private to the engine parser: the parser struct and the per-log record
 * handlers (engine_v2v.c, engine_mr.c). */
#ifndef V2VW_ENGINE_PARSER_INTERNAL_H
#define V2VW_ENGINE_PARSER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#include "state/engine_parser.h"

/* The bytes of one log since its last record separator. */
struct record_stream {
    char *buf;                     /* ENGINE_PARSER_MAX_RECORD bytes */
    size_t len;
    bool overlong;                 /* the record outgrew buf: tail skipped */
};

struct engine_parser {
    struct conversion_state *state;
    struct record_stream v2v, mr;
    struct json_tokener *tok;      /* reused for every mr record */

    size_t current;                /* "Copying disk N/M": N, 0 = none yet */
    size_t cur_index;              /* the `disks` entry progress goes to */
    bool cur_path_known;           /* the engine named current's source */
    size_t *copy_entry;            /* per copy number-1: its `disks` entry */

    /* ssh input: source paths in the order the engine reported them. */
    char **reported;
    size_t *reported_len;
    size_t n_reported;

    char *v2v_error;               /* last `virt-v2v: error:` text */
    size_t v2v_error_len;
    bool mr_error_seen;
};

void engine_v2v_record(struct engine_parser *p, const char *rec, size_t len);
void engine_mr_record(struct engine_parser *p, const char *rec, size_t len);
/* The v2v log's error becomes last_message unless the mr log gave one. */
void engine_apply_v2v_error(struct engine_parser *p);

#endif
