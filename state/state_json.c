/* SPDX-License-Identifier: Apache-2.0 */
/* The state as the JSON object of the state file (CONTRACT §6). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "state/error_class.h"
#include "state/state.h"
#include "common/cleanup.h"
#include "common/json.h"

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

/* key -> string, or JSON null (json-c's NULL) when s is NULL. */
static bool add_string_or_null(struct json_object *o, const char *key, const char *s)
{
    if (s)
        return json_add(o, key, json_object_new_string(s));
    return json_object_object_add(o, key, NULL) == 0;
}

/* EXT copy figures of one disk or the whole: bytes when the size is
 * known, rate and ETA when measured. */
static bool add_copy_figures(struct json_object *o, uint64_t total, uint64_t copied, double rate,
                             int64_t eta)
{
    if (total > 0 && (!json_add(o, "bytes_total", json_object_new_int64((int64_t)total))
                      || !json_add(o, "bytes_copied", json_object_new_int64((int64_t)copied))))
        return false;
    if (rate >= 0 && !json_add(o, "rate_bps", json_object_new_int64((int64_t)(rate + 0.5))))
        return false;
    if (eta >= 0 && !json_add(o, "eta_seconds", json_object_new_int64(eta)))
        return false;
    return true;
}

static struct json_object *rfc3339(int64_t utc)
{
    char buf[32];
    struct tm tm;
    time_t t = (time_t)utc;
    if (!gmtime_r(&t, &tm) || strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        return NULL;
    return json_object_new_string(buf);
}

static struct json_object *disks_to_json(const struct conversion_state *s)
{
    _cleanup_json_ struct json_object *a = json_object_new_array_ext((int)s->n_disks);
    if (!a)
        return NULL;
    for (size_t i = 0; i < s->n_disks; i++) {
        _cleanup_json_ struct json_object *d = json_object_new_object();
        if (!d || !json_add(d, "path", json_object_new_string(s->disks[i].path)) ||
            !json_add(d, "progress", json_number(s->disks[i].progress, 2)))
            return NULL;
        const struct state_disk *sd = &s->disks[i];
        if (!add_copy_figures(d, sd->bytes_total, state_disk_bytes_copied(sd), state_disk_rate_bps(sd),
                              sd->progress > 0 && sd->progress < 100 ? state_disk_eta_seconds(sd) : -1))
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

static struct json_object *message_to_json(const struct conversion_state *s)
{
    _cleanup_json_ struct json_object *m = json_object_new_object();
    if (!m || !json_add(m, "message", json_object_new_string(s->last_message)) ||
        !json_add(m, "type", json_object_new_string(s->last_message_warning ? "warning" : "error")))
        return NULL;
    const char *hint = s->last_message_warning
        ? "Check the engine's log for what it waits on; the conversion is not stopped."
        : error_class_hint(s->last_message_class);
    if (s->last_message_class && !json_add(m, "class", json_object_new_string(s->last_message_class)))
        return NULL;
    if (hint && !json_add(m, "hint", json_object_new_string(hint)))
        return NULL;
    return TAKE_PTR(m);
}

static bool add_string_if(struct json_object *o, const char *key, const char *v)
{
    return !v || json_add(o, key, json_object_new_string(v));
}

/* EXT keys: identity, times, accel, copy figures, stall, warnings, files. */
static bool add_ext(struct json_object *o, const struct conversion_state *s)
{
    if (!add_string_if(o, "vm_name", s->vm_name) || !add_string_if(o, "output", s->output)
        || (s->wrapper_pid > 0 && !json_add(o, "wrapper_pid", json_object_new_int((int)s->wrapper_pid)))
        || (s->started_at && !json_add(o, "started_at", rfc3339(s->started_at)))
        || (s->finished_at && !json_add(o, "finished_at", rfc3339(s->finished_at)))
        || !add_string_if(o, "accel", s->accel))
        return false;
    double progress = state_overall_progress(s);
    if (!add_copy_figures(o, state_sizes_known(s) ? state_bytes_total(s) : 0, state_bytes_copied(s),
                          state_rate_bps(s), progress > 0 && progress < 100 && !s->finished ? state_eta_seconds(s) : -1)
        || !json_add(o, "progress_by", json_object_new_string(state_sizes_known(s) ? "size" : "count"))
        || !json_add(o, "stalled", json_object_new_boolean(s->stalled)))
        return false;
    if (s->n_warnings) {
        _cleanup_json_ struct json_object *w = json_object_new_array_ext((int)s->n_warnings);
        for (size_t i = 0; w && i < s->n_warnings; i++)
            if (json_object_array_add(w, json_object_new_string(s->warnings[i])) < 0)
                return false;
        if (!json_add(o, "warnings", TAKE_PTR(w)))
            return false;
    }
    return add_string_if(o, "v2v_log", s->v2v_log) && add_string_if(o, "wrapper_log", s->wrapper_log)
        && add_string_if(o, "throttling_file", s->throttle_file);
}

static struct json_object *resources_to_json(const struct conversion_state *s)
{
    _cleanup_json_ struct json_object *list = json_object_new_array();
    for (size_t i = 0; list && i < s->n_resources; i++) {
        struct json_object *r = json_object_new_object();
        if (!r || json_object_array_add(list, r) < 0) {
            json_object_put(r);
            return NULL;
        }
        if (!json_add(r, "kind", json_object_new_string(s->resources[i].kind)) ||
            !json_add(r, "id", json_object_new_string(s->resources[i].id)))
            return NULL;
    }
    return TAKE_PTR(list);
}

/* {"removed": [{kind, id}], "left": [{kind, id, reason}]} */
static struct json_object *cleanup_to_json(const struct conversion_state *s)
{
    _cleanup_json_ struct json_object *o = json_object_new_object();
    struct json_object *removed = json_object_new_array(), *left = json_object_new_array();
    if (!o || !json_add(o, "removed", removed) || !json_add(o, "left", left))
        return NULL;
    for (size_t i = 0; i < s->n_cleanup; i++) {
        const struct state_cleanup_item *c = &s->cleanup[i];
        struct json_object *r = json_object_new_object();
        if (!r || json_object_array_add(c->reason ? left : removed, r) < 0) {
            json_object_put(r);
            return NULL;
        }
        if (!json_add(r, "kind", json_object_new_string(c->kind)) || !json_add(r, "id", json_object_new_string(c->id))
            || (c->reason && !json_add(r, "reason", json_object_new_string(c->reason))))
            return NULL;
    }
    return TAKE_PTR(o);
}

struct json_object *state_to_json(const struct conversion_state *s)
{
    _cleanup_json_ struct json_object *o = json_object_new_object();
    if (!o || !json_add(o, "disks", disks_to_json(s)))
        return NULL;
    if (s->disk_count >= 0 && !json_add(o, "disk_count", json_object_new_int(s->disk_count)))
        return NULL;
    if (!json_add(o, "failed", json_object_new_boolean(s->failed)) ||
        !json_add(o, "throttling", throttling_to_json(s)))
        return NULL;
    if (s->started) {
        if (!json_add(o, "started", json_object_new_boolean(true)))
            return NULL;
        if (s->pid > 0 && !json_add(o, "pid", json_object_new_int((int)s->pid)))
            return NULL;
    }
    if (s->last_message && !json_add(o, "last_message", message_to_json(s)))
        return NULL;
    if (s->output_name && !json_add(o, "output_name", json_object_new_string(s->output_name)))
        return NULL;
    if (s->vm_id && !json_add(o, "vm_id", json_object_new_string(s->vm_id)))
        return NULL;
    if (s->have_return_code && !json_add(o, "return_code", json_object_new_int(s->return_code)))
        return NULL;
    if (s->finished && !json_add(o, "finished", json_object_new_boolean(true)))
        return NULL;
    if (s->status && !json_add(o, "status", json_object_new_string(s->status)))
        return NULL;
    if (!json_add(o, "progress", json_number(state_overall_progress(s), 1)) || !add_ext(o, s))
        return NULL;
    if (s->n_resources && !json_add(o, "resources", resources_to_json(s)))
        return NULL;
    if (s->n_cleanup && !json_add(o, "cleanup", cleanup_to_json(s)))
        return NULL;
    return TAKE_PTR(o);
}
