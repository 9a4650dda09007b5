/* The conversion state model (CONTRACT §6): setters that keep every string
 * valid UTF-8 and bounded, and bump `generation` only on visible changes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
    d[s->n_disks].progress = 0;
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
    for (size_t i = 0; i < s->n_disk_ids; i++)
        free(s->disk_ids[i]);
    free(s->disk_ids);
    free(s->vm_id);
    free(s->output_name);
    free(s->last_message);
    free(s->status);
    free(s->throttle_cpu);
    free(s->throttle_network);
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
    s->disk_count = count;
    bump(s);
}

void state_set_last_message(struct conversion_state *s, const char *msg, size_t len)
{
    set_string_bump(s, &s->last_message, msg, len);
}

void state_set_status(struct conversion_state *s, const char *msg, size_t len)
{
    set_string_bump(s, &s->status, msg, len);
}

void state_set_output_name(struct conversion_state *s, const char *name)
{
    set_string_bump(s, &s->output_name, name, strlen(name));
}

void state_set_vm_id(struct conversion_state *s, const char *id, size_t len)
{
    set_string_bump(s, &s->vm_id, id, len);
}

void state_add_disk_id(struct conversion_state *s, const char *id, size_t len)
{
    _cleanup_free_ char *v = utf8_sanitize(id, len, STATE_MAX_MESSAGE);
    if (!v || s->n_disk_ids >= STATE_MAX_DISK_IDS)
        return;
    for (size_t i = 0; i < s->n_disk_ids; i++)
        if (strcmp(s->disk_ids[i], v) == 0)
            return;
    char **ids = realloc(s->disk_ids, (s->n_disk_ids + 1) * sizeof *ids);
    if (!ids)
        return;
    s->disk_ids = ids;
    ids[s->n_disk_ids++] = TAKE_PTR(v);
    /* Not written to the state file: no generation bump. */
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

double state_overall_progress(const struct conversion_state *s)
{
    size_t n = s->n_disks;
    if (s->disk_count > 0 && (size_t)s->disk_count > n)
        n = (size_t)s->disk_count;
    if (n == 0)
        return 0;
    double sum = 0;
    for (size_t i = 0; i < s->n_disks; i++)
        sum += s->disks[i].progress;
    return sum / (double)n;
}
