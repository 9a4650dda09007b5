/* Machine-readable log records: one JSON object each,
 * {"message": TEXT, "timestamp": ..., "type": message|info|warning|error}.
 * Stage messages become `status`, errors `last_message`. Copy state is not
 * taken from here (this log can lag the v2v log). */
#include <stdlib.h>
#include <string.h>

#include "state/engine_parser-internal.h"
#include "common/log.h"

static const char *get_string(struct json_object *o, const char *key, size_t *len)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    int n = json_object_get_string_len(v);
    *len = n > 0 ? (size_t)n : 0;
    return json_object_get_string(v);
}

static void apply_record(struct engine_parser *p, struct json_object *o)
{
    size_t tlen = 0, mlen = 0;
    const char *type = get_string(o, "type", &tlen);
    const char *msg = get_string(o, "message", &mlen);
    if (!type || !msg)
        return;
    int shown = mlen < 2048 ? (int)mlen : 2048;

    if (strcmp(type, "message") == 0)
        state_set_status(p->state, msg, mlen);
    else if (strcmp(type, "error") == 0) {
        p->mr_error_seen = true;
        free(p->mr_error);
        p->mr_error = strndup(msg, mlen < STATE_MAX_MESSAGE ? mlen : STATE_MAX_MESSAGE);
        state_set_last_message(p->state, msg, mlen);
        log_error("engine error: %.*s", shown, msg);
    } else if (strcmp(type, "warning") == 0) {
        state_add_warning(p->state, msg, mlen);
        log_warning("engine warning: %.*s", shown, msg);
    }
    else if (strcmp(type, "info") == 0)
        log_info("engine info: %.*s", shown, msg);
}

void engine_mr_record(struct engine_parser *p, const char *rec, size_t len, struct scan_window *w)
{
    while (len > 0 && (*rec == ' ' || *rec == '\t')) {
        rec++;
        len--;
    }
    if (len == 0 || *rec != '{')
        return;                    /* not a JSON object: ignored */

    if (!p->tok && !(p->tok = json_tokener_new()))
        return;
    json_tokener_reset(p->tok);
    struct json_object *o = json_tokener_parse_ex(p->tok, rec, (int)len);
    if (!o)
        return;
    if (json_object_is_type(o, json_type_object))
        apply_record(p, o);
    json_object_put(o);
}
