/* The state as the JSON object of the state file (CONTRACT §6). */
#include <stdio.h>
#include <string.h>

#include "state/state.h"
#include "common/cleanup.h"

/* A JSON number with at most `decimals` decimals, trailing zeros dropped
 * but at least one kept: 25.0, 42.5, 10.42. */
static struct json_object *json_number(double v, int decimals)
{
    char buf[64];
    int n = snprintf(buf, sizeof buf, "%.*f", decimals, v);
    if (n < 0 || (size_t)n >= sizeof buf)
        return json_object_new_double(v);
    char *dot = strchr(buf, '.');
    if (dot) {
        char *end = buf + n - 1;
        while (end > dot + 1 && *end == '0')
            *end-- = '\0';
    }
    return json_object_new_double_s(v, buf);
}

/* Add key -> value, taking the reference; false on failure. */
static bool add(struct json_object *o, const char *key, struct json_object *v)
{
    if (!v)
        return false;
    if (json_object_object_add(o, key, v) < 0) {
        json_object_put(v);
        return false;
    }
    return true;
}

/* key -> string, or JSON null (json-c's NULL) when s is NULL. */
static bool add_string_or_null(struct json_object *o, const char *key, const char *s)
{
    if (s)
        return add(o, key, json_object_new_string(s));
    return json_object_object_add(o, key, NULL) == 0;
}

static struct json_object *disks_to_json(const struct conversion_state *s)
{
    _cleanup_json_ struct json_object *a = json_object_new_array_ext((int)s->n_disks);
    if (!a)
        return NULL;
    for (size_t i = 0; i < s->n_disks; i++) {
        _cleanup_json_ struct json_object *d = json_object_new_object();
        if (!d || !add(d, "path", json_object_new_string(s->disks[i].path)) ||
            !add(d, "progress", json_number(s->disks[i].progress, 2)))
            return NULL;
        if (json_object_array_add(a, d) < 0)
            return NULL;
        d = NULL;
    }
    return TAKE_PTR(a);
}

static struct json_object *throttling_to_json(const struct conversion_state *s)
{
    _cleanup_json_ struct json_object *t = json_object_new_object();
    if (!t || !add_string_or_null(t, "cpu", s->throttle_cpu) ||
        !add_string_or_null(t, "network", s->throttle_network))
        return NULL;
    return TAKE_PTR(t);
}

static struct json_object *message_to_json(const char *msg)
{
    _cleanup_json_ struct json_object *m = json_object_new_object();
    if (!m || !add(m, "message", json_object_new_string(msg)) ||
        !add(m, "type", json_object_new_string("error")))
        return NULL;
    return TAKE_PTR(m);
}

struct json_object *state_to_json(const struct conversion_state *s)
{
    _cleanup_json_ struct json_object *o = json_object_new_object();
    if (!o || !add(o, "disks", disks_to_json(s)))
        return NULL;
    if (s->disk_count >= 0 && !add(o, "disk_count", json_object_new_int(s->disk_count)))
        return NULL;
    if (!add(o, "failed", json_object_new_boolean(s->failed)) ||
        !add(o, "throttling", throttling_to_json(s)))
        return NULL;
    if (s->started) {
        if (!add(o, "started", json_object_new_boolean(true)))
            return NULL;
        if (s->pid > 0 && !add(o, "pid", json_object_new_int((int)s->pid)))
            return NULL;
    }
    if (s->last_message && !add(o, "last_message", message_to_json(s->last_message)))
        return NULL;
    if (s->output_name && !add(o, "output_name", json_object_new_string(s->output_name)))
        return NULL;
    if (s->vm_id && !add(o, "vm_id", json_object_new_string(s->vm_id)))
        return NULL;
    if (s->have_return_code && !add(o, "return_code", json_object_new_int(s->return_code)))
        return NULL;
    if (s->finished && !add(o, "finished", json_object_new_boolean(true)))
        return NULL;
    if (s->status && !add(o, "status", json_object_new_string(s->status)))
        return NULL;
    if (!add(o, "progress", json_number(state_overall_progress(s), 1)))
        return NULL;
    return TAKE_PTR(o);
}
