/* Streaming record splitter of the engine's two logs: records end at '\r'
 * or '\n'; a record is handed over straight from the caller's buffer when
 * it is complete there, else kept (at most ENGINE_PARSER_MAX_RECORD bytes)
 * until its separator arrives. No allocation per record. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state/engine_parser-internal.h"

typedef void (*record_fn)(struct engine_parser *p, const char *rec, size_t len,
                          struct scan_window *w);

/* A record handed over from our own buffer: its own scan window. */
static void call_buffered(struct engine_parser *p, record_fn fn, const char *rec, size_t len)
{
    if (!rec)
        return;                    /* the buffer could not be allocated */
    struct scan_window w = { .end = rec + len };
    fn(p, rec, len, &w);
}

struct engine_parser *engine_parser_new(struct conversion_state *state)
{
    struct engine_parser *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->state = state;
    return p;
}

void engine_parser_free(struct engine_parser *p)
{
    if (!p)
        return;
    free(p->v2v.buf);
    free(p->mr.buf);
    if (p->tok)
        json_tokener_free(p->tok);
    for (size_t i = 0; i < p->n_reported; i++)
        free(p->reported[i]);
    free(p->reported);
    free(p->reported_len);
    free(p->v2v_error);
    free(p->mr_error);
    free(p->cause);
    free(p->cause2);
    free(p);
}

/* Keep the start of a partial record, never more than the cap. */
static void stream_keep(struct record_stream *st, const char *buf, size_t len)
{
    if (!st->buf) {
        st->buf = malloc(ENGINE_PARSER_MAX_RECORD);
        if (!st->buf) {
            st->overlong = true;   /* out of memory: the record is lost */
            return;
        }
    }
    size_t room = ENGINE_PARSER_MAX_RECORD - st->len;
    if (len > room) {
        len = room;
        st->overlong = true;
    }
    memcpy(st->buf + st->len, buf, len);
    st->len += len;
}

static void stream_reset(struct record_stream *st)
{
    st->len = 0;
    st->overlong = false;
}

/* Next occurrence of c at or after q (end if none), recomputed only when
 * the cached one is behind q: each byte is scanned once per separator. */
static const char *next_sep(const char *cached, const char *q, const char *end, char c)
{
    if (cached && cached >= q)
        return cached;
    const char *s = memchr(q, c, (size_t)(end - q));
    return s ? s : end;
}

static void stream_feed(struct engine_parser *p, struct record_stream *st,
                        const char *buf, size_t len, record_fn fn)
{
    const char *q = buf, *end = buf + len;
    const char *nl = NULL, *cr = NULL;
    struct scan_window w = { .end = end };

    while (q < end) {
        nl = next_sep(nl, q, end, '\n');
        cr = next_sep(cr, q, end, '\r');
        const char *sep = nl < cr ? nl : cr;
        size_t n = (size_t)(sep - q);
        if (sep == end) {
            stream_keep(st, q, n);
            return;
        }
        if (st->len == 0 && !st->overlong) {
            fn(p, q, n < ENGINE_PARSER_MAX_RECORD ? n : ENGINE_PARSER_MAX_RECORD, &w);
        } else {
            stream_keep(st, q, n);
            call_buffered(p, fn, st->buf, st->len);
            stream_reset(st);
        }
        q = sep + 1;
    }
}

static void stream_flush(struct engine_parser *p, struct record_stream *st, record_fn fn)
{
    if (st->len > 0 || st->overlong)
        call_buffered(p, fn, st->buf, st->len);
    stream_reset(st);
}

void engine_parser_feed_v2v_log(struct engine_parser *p, const char *buf, size_t len)
{
    stream_feed(p, &p->v2v, buf, len, engine_v2v_record);
}

void engine_parser_feed_mr_log(struct engine_parser *p, const char *buf, size_t len)
{
    stream_feed(p, &p->mr, buf, len, engine_mr_record);
}

void engine_parser_flush(struct engine_parser *p)
{
    stream_flush(p, &p->v2v, engine_v2v_record);
    stream_flush(p, &p->mr, engine_mr_record);
    engine_apply_v2v_error(p);
}
