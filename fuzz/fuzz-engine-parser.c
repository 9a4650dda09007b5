/* libFuzzer target: arbitrary bytes as the engine's logs.
 *
 * Input: byte 0 chooses the split (which log gets the data, chunk size),
 * byte 1 whether source_disks are given and where the v2v/mr split is;
 * the rest is the log text. After feeding and flushing, the state must
 * serialize to valid (strict, UTF-8) JSON, keep every source disk exactly
 * once in order, and keep progress within 0..100. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "state/engine_parser.h"
#include "state/state.h"
#include "common/log.h"

static const size_t chunk_sizes[8] = { 1, 2, 3, 7, 64, 1000, 4096, SIZE_MAX };

static void feed(struct engine_parser *p, bool mr, const uint8_t *d, size_t len, size_t chunk)
{
    while (len > 0) {
        size_t n = len < chunk ? len : chunk;
        if (mr)
            engine_parser_feed_mr_log(p, (const char *)d, n);
        else
            engine_parser_feed_v2v_log(p, (const char *)d, n);
        d += n;
        len -= n;
    }
}

static void check_state(const struct conversion_state *s, const char *const *src, size_t n_src)
{
    if (s->n_disks > STATE_MAX_DISKS)
        abort();
    for (size_t i = 0; i < s->n_disks; i++)
        if (!(s->disks[i].progress >= 0 && s->disks[i].progress <= 100))
            abort();
    for (size_t i = 0; i < n_src; i++) {
        if (strcmp(s->disks[i].path, src[i]) != 0)
            abort();
        for (size_t j = 0; j < s->n_disks; j++)
            if (j != i && strcmp(s->disks[j].path, src[i]) == 0)
                abort();
    }

    struct json_object *o = state_to_json(s);
    if (!o)
        abort();
    size_t len;
    const char *text = json_object_to_json_string_length(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    static struct json_tokener *tok;
    if (!tok && !(tok = json_tokener_new()))
        abort();
    json_tokener_reset(tok);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    struct json_object *back = json_tokener_parse_ex(tok, text, (int)len);
    if (!back || json_tokener_get_error(tok) != json_tokener_success)
        abort();
    json_object_put(back);
    json_object_put(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool log_ready;
    if (!log_ready) {
        log_open("/dev/null");
        log_ready = true;
    }
    if (size < 2)
        return 0;
    uint8_t mode = data[0], opts = data[1];
    data += 2;
    size -= 2;

    static const char *const src[] = { "[datastore1] vm/vm.vmdk", "[datastore1] vm/vm_1.vmdk",
                                       "disk 2" };
    size_t n_src = opts & 1 ? 3 : 0;
    struct conversion_state s;
    if (state_init(&s, src, n_src, n_src > 0) < 0)
        return 0;
    struct engine_parser *p = engine_parser_new(&s);
    if (!p)
        abort();

    size_t chunk = chunk_sizes[mode & 7];
    switch ((mode >> 3) & 3) {
    case 0:
        feed(p, false, data, size, chunk);
        break;
    case 1:
        feed(p, true, data, size, chunk);
        break;
    default: {
        /* Split the input into a v2v part and an mr part, interleaved. */
        size_t cut = size * (opts >> 1) / 128, a = 0, b = cut;
        while (a < cut || b < size) {
            size_t na = cut - a < chunk ? cut - a : chunk, nb = size - b < chunk ? size - b : chunk;
            feed(p, false, data + a, na, chunk);
            feed(p, true, data + b, nb, chunk);
            a += na;
            b += nb;
        }
    }
    }
    if (!(mode & 0x80))
        engine_parser_flush(p);
    check_state(&s, src, n_src);
    engine_parser_free(p);
    state_free(&s);
    return 0;
}
