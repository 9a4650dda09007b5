/* SPDX-License-Identifier: Apache-2.0 */
/* The conversion state model (CONTRACT §6): setters that keep every string
 * valid UTF-8 and bounded, and bump `generation` only on visible changes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/error_class.h"
#include "state/state.h"
#include "common/cleanup.h"
#include "common/utf8.h"

static void bump(struct conversion_state *s)
{
    s->generation++;
}

/* Replace *slot by the sanitized copy of (buf, len); true when it changed. */
static bool set_string(char **slot, const char *buf, size_t len)
{
    _cleanup_free_ char *v = buf ? utf8_sanitize(buf, len, STATE_MAX_MESSAGE) : NULL;
    if (buf && !v)
        return false;              /* out of memory: keep the old value */
    if (*slot == NULL && v == NULL)
        return false;
    if (*slot && v && strcmp(*slot, v) == 0)
        return false;
    free(*slot);
    *slot = TAKE_PTR(v);
    return true;
}

static void set_string_bump(struct conversion_state *s, char **slot, const char *buf, size_t len)
{
    if (set_string(slot, buf, len))
        bump(s);
}

/* Append one entry; false when full or out of memory. */
static bool append_disk(struct conversion_state *s, char *path)
{
    if (s->n_disks >= STATE_MAX_DISKS)
        return false;
    struct state_disk *d = realloc(s->disks, (s->n_disks + 1) * sizeof *d);
    if (!d)
        return false;
    s->disks = d;
    d[s->n_disks].path = path;
    d[s->n_disks] = (struct state_disk){ .path = path };
    s->n_disks++;
    return true;
}

/* Create entries "disk N" until entry `index` exists. */
static bool grow_disks_to(struct conversion_state *s, size_t index)
{
    while (s->n_disks <= index) {
        char name[32];
        int n = snprintf(name, sizeof name, "disk %zu", s->n_disks + 1);
        _cleanup_free_ char *path = strndup(name, (size_t)n);
        if (!path || !append_disk(s, path))
            return false;
        path = NULL;
        bump(s);
    }
    return true;
}

int state_init(struct conversion_state *s, const char *const *source_disks, size_t n,
               bool have_source_disks)
{
    memset(s, 0, sizeof *s);
    s->disk_count = -1;
    if (!have_source_disks)
        return 0;
    if (n > STATE_MAX_DISKS)
        return -E2BIG;
    if (n > 0 && !source_disks)
        return -EINVAL;
    for (size_t i = 0; i < n; i++) {
        const char *p = source_disks[i] ? source_disks[i] : "";
        _cleanup_free_ char *path = utf8_sanitize(p, strlen(p), STATE_MAX_MESSAGE);
        if (!path || !append_disk(s, path)) {
            state_free(s);
            return -ENOMEM;
        }
        path = NULL;
    }
    s->n_source_disks = n;
    s->disk_count = (int)n;
    return 0;
}

void state_free(struct conversion_state *s)
{
    for (size_t i = 0; i < s->n_disks; i++)
        free(s->disks[i].path);
    free(s->disks);
    for (size_t i = 0; i < s->n_resources; i++) {
        free(s->resources[i].kind);
        free(s->resources[i].id);
    }
    free(s->resources);
    for (size_t i = 0; i < s->n_cleanup; i++) {
        free(s->cleanup[i].kind);
        free(s->cleanup[i].id);
        free(s->cleanup[i].reason);
    }
    free(s->cleanup);
    free(s->vm_id);
    free(s->output_name);
    free(s->last_message);
    free(s->status);
    free(s->throttle_cpu);
    free(s->throttle_network);
    free(s->vm_name);
    free(s->output);
    free(s->accel);
    free(s->v2v_log);
    free(s->wrapper_log);
    free(s->throttle_file);
    free(s->stall_saved);
    for (size_t i = 0; i < s->n_warnings; i++)
        free(s->warnings[i]);
    memset(s, 0, sizeof *s);
    s->disk_count = -1;
}

void state_set_started(struct conversion_state *s, pid_t pid)
{
    if (s->started && s->pid == pid)
        return;
    s->started = true;
    s->pid = pid;
    bump(s);
}

void state_set_disk_count(struct conversion_state *s, int count)
{
    if (count < -1 || s->disk_count == count)
        return;
    uint64_t g = s->generation;
    s->disk_count = count;
    /* disks[] never has fewer entries than disk_count says. */
    if (count > 0 && (size_t)count <= STATE_MAX_DISKS)
        grow_disks_to(s, (size_t)count - 1);
    s->generation = g + 1;          /* one visible change */
}

void state_set_error(struct conversion_state *s, const char *msg, size_t len, const char *cls)
{
    if (!cls)
        cls = msg ? error_class_of(msg, len) : NULL;
    if (s->stalled) {
        /* A real error replaces the stall warning for good. */
        s->stalled = false;
        free(s->stall_saved);
        s->stall_saved = NULL;
    }
    bool changed = set_string(&s->last_message, msg, len);
    if (changed || s->last_message_warning || s->last_message_class != cls) {
        s->last_message_warning = false;
        s->last_message_class = msg ? cls : NULL;
        bump(s);
    }
}

void state_set_last_message(struct conversion_state *s, const char *msg, size_t len)
{
    state_set_error(s, msg, len, NULL);
}

static void activity(struct conversion_state *s)
{
    s->activity_usec = state_clock();
    if (s->stalled)
        state_clear_stalled(s);
}

void state_set_status(struct conversion_state *s, const char *msg, size_t len)
{
    if (set_string(&s->status, msg, len)) {
        bump(s);
        activity(s);
    }
}

void state_set_identity(struct conversion_state *s, const char *vm_name, const char *output,
                        pid_t wrapper_pid)
{
    bool changed = set_string(&s->vm_name, vm_name, vm_name ? strlen(vm_name) : 0);
    changed |= set_string(&s->output, output, output ? strlen(output) : 0);
    if (changed || s->wrapper_pid != wrapper_pid) {
        s->wrapper_pid = wrapper_pid;
        bump(s);
    }
}

void state_set_files(struct conversion_state *s, const char *v2v_log, const char *wrapper_log,
                     const char *throttle_file)
{
    bool changed = set_string(&s->v2v_log, v2v_log, v2v_log ? strlen(v2v_log) : 0);
    changed |= set_string(&s->wrapper_log, wrapper_log, wrapper_log ? strlen(wrapper_log) : 0);
    changed |= set_string(&s->throttle_file, throttle_file, throttle_file ? strlen(throttle_file) : 0);
    if (changed)
        bump(s);
}

void state_set_started_at(struct conversion_state *s, int64_t utc)
{
    if (s->started_at != utc) {
        s->started_at = utc;
        bump(s);
    }
}

void state_set_finished_at(struct conversion_state *s, int64_t utc)
{
    if (s->finished_at != utc) {
        s->finished_at = utc;
        bump(s);
    }
}

void state_set_accel(struct conversion_state *s, const char *accel, bool final)
{
    if (s->accel_final)
        return;
    s->accel_final = final;
    set_string_bump(s, &s->accel, accel, strlen(accel));
}

void state_add_warning(struct conversion_state *s, const char *msg, size_t len)
{
    if (s->n_warnings >= STATE_MAX_WARNINGS)
        return;
    char *v = utf8_sanitize(msg, len, STATE_MAX_MESSAGE);
    if (!v)
        return;
    s->warnings[s->n_warnings++] = v;
    bump(s);
}

void state_set_stalled(struct conversion_state *s, unsigned seconds)
{
    char msg[160];
    if (s->stalled || s->finished)
        return;
    int n = snprintf(msg, sizeof msg, "stalled: no progress and no stage change for %u seconds "
                     "(the conversion goes on)", seconds);
    s->stall_saved = s->last_message;
    s->stall_saved_warning = s->last_message_warning;
    s->stall_saved_class = s->last_message_class;
    s->last_message = utf8_sanitize(msg, (size_t)n, STATE_MAX_MESSAGE);
    s->last_message_warning = true;
    s->last_message_class = NULL;
    s->stalled = true;
    bump(s);
}

void state_clear_stalled(struct conversion_state *s)
{
    if (!s->stalled)
        return;
    free(s->last_message);
    s->last_message = s->stall_saved;
    s->last_message_warning = s->stall_saved_warning;
    s->last_message_class = s->stall_saved_class;
    s->stall_saved = NULL;
    s->stalled = false;
    bump(s);
}

void state_set_output_name(struct conversion_state *s, const char *name)
{
    set_string_bump(s, &s->output_name, name, strlen(name));
}

void state_set_vm_id(struct conversion_state *s, const char *id, size_t len)
{
    set_string_bump(s, &s->vm_id, id, len);
}

void state_add_resource(struct conversion_state *s, const char *kind, const char *id)
{
    _cleanup_free_ char *k = utf8_sanitize(kind, strlen(kind), STATE_MAX_MESSAGE);
    _cleanup_free_ char *v = utf8_sanitize(id, strlen(id), STATE_MAX_MESSAGE);
    if (!k || !v || s->n_resources >= STATE_MAX_RESOURCES)
        return;
    for (size_t i = 0; i < s->n_resources; i++)
        if (strcmp(s->resources[i].kind, k) == 0 && strcmp(s->resources[i].id, v) == 0)
            return;
    struct state_resource *res = reallocarray(s->resources, s->n_resources + 1, sizeof *res);
    if (!res)
        return;
    s->resources = res;
    res[s->n_resources++] = (struct state_resource){ TAKE_PTR(k), TAKE_PTR(v) };
    bump(s);
}

void state_add_cleanup(struct conversion_state *s, const char *kind, const char *id, const char *reason)
{
    _cleanup_free_ char *k = utf8_sanitize(kind, strlen(kind), STATE_MAX_MESSAGE);
    _cleanup_free_ char *v = utf8_sanitize(id, strlen(id), STATE_MAX_MESSAGE);
    _cleanup_free_ char *why = reason ? utf8_sanitize(reason, strlen(reason), STATE_MAX_MESSAGE) : NULL;
    if (!k || !v || (reason && !why) || s->n_cleanup >= STATE_MAX_RESOURCES)
        return;
    struct state_cleanup_item *c = reallocarray(s->cleanup, s->n_cleanup + 1, sizeof *c);
    if (!c)
        return;
    s->cleanup = c;
    c[s->n_cleanup++] = (struct state_cleanup_item){ TAKE_PTR(k), TAKE_PTR(v), TAKE_PTR(why) };
    bump(s);
}

void state_set_throttling(struct conversion_state *s, const char *cpu, const char *network)
{
    bool changed = set_string(&s->throttle_cpu, cpu, cpu ? strlen(cpu) : 0);
    changed |= set_string(&s->throttle_network, network, network ? strlen(network) : 0);
    if (changed)
        bump(s);
}

void state_set_disk_progress(struct conversion_state *s, size_t index, double progress)
{
    if (index >= STATE_MAX_DISKS || isnan(progress))
        return;
    if (progress < 0)
        progress = 0;
    if (progress > 100)
        progress = 100;
    if (!grow_disks_to(s, index))
        return;
    if (progress <= s->disks[index].progress)
        return;                    /* never backwards */
    s->disks[index].progress = progress;
    uint64_t now = state_clock();
    state_rate_sample(&s->disks[index].rate, now, progress);
    state_rate_sample(&s->rate, now, state_overall_progress(s));
    bump(s);
    activity(s);
}

void state_set_disk_size(struct conversion_state *s, size_t index, uint64_t bytes)
{
    if (index >= s->n_disks || s->disks[index].bytes_total == bytes)
        return;
    s->disks[index].bytes_total = bytes;
    bump(s);
}

size_t state_map_disk_path(struct conversion_state *s, size_t index, const char *path, size_t len)
{
    _cleanup_free_ char *v = utf8_sanitize(path, len, STATE_MAX_MESSAGE);
    if (!v)
        return index;
    for (size_t i = 0; i < s->n_disks; i++)
        if (strcmp(s->disks[i].path, v) == 0)
            return i;
    if (index >= STATE_MAX_DISKS)
        return index;              /* out of range: progress is ignored */
    if (index < s->n_disks) {
        /* A source disk keeps its path; an entry we made takes the
         * engine's (it was a "disk N" placeholder or a guess). */
        if (index >= s->n_source_disks) {
            free(s->disks[index].path);
            s->disks[index].path = TAKE_PTR(v);
            bump(s);
        }
        return index;
    }
    if (index > 0 && !grow_disks_to(s, index - 1))
        return index;
    if (append_disk(s, v)) {
        v = NULL;
        bump(s);
    }
    return index;
}

void state_set_return_code(struct conversion_state *s, int rc)
{
    if (s->have_return_code && s->return_code == rc)
        return;
    s->have_return_code = true;
    s->return_code = rc;
    bump(s);
}

void state_set_failed(struct conversion_state *s)
{
    if (s->failed)
        return;
    s->failed = true;
    bump(s);
}

void state_set_finished(struct conversion_state *s)
{
    if (s->finished)
        return;
    s->finished = true;
    bump(s);
}

bool state_sizes_known(const struct conversion_state *s)
{
    if (s->n_disks == 0 || (s->disk_count > 0 && (size_t)s->disk_count > s->n_disks))
        return false;
    for (size_t i = 0; i < s->n_disks; i++)
        if (s->disks[i].bytes_total == 0)
            return false;
    return true;
}

double state_overall_progress(const struct conversion_state *s)
{
    size_t n = s->n_disks;
    if (s->disk_count > 0 && (size_t)s->disk_count > n)
        n = (size_t)s->disk_count;
    if (n == 0)
        return 0;
    double sum = 0, weighted = 0, total = 0;
    for (size_t i = 0; i < s->n_disks; i++) {
        sum += s->disks[i].progress;
        weighted += s->disks[i].progress * (double)s->disks[i].bytes_total;
        total += (double)s->disks[i].bytes_total;
    }
    if (n == s->n_disks && state_sizes_known(s) && total > 0)
        return weighted / total;
    return sum / (double)n;
}
