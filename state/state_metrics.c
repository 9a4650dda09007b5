/* Prometheus text exposition of conversions: families grouped, each with
 * HELP and TYPE, label values escaped (backslash, quote, newline). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "state/state_metrics.h"

enum value_kind { V_NUMBER, V_BOOL, V_TIME };

struct family {
    const char *name, *help;
    const char *key;                   /* top-level state key */
    enum value_kind kind;
    double scale;
};

static const struct family families[] = {
    { "v2v_conversion_progress_ratio", "Overall copy progress (0..1), weighted by disk size when known.", "progress", V_NUMBER, 0.01 },
    { "v2v_conversion_size_bytes", "Sum of the disk sizes, when every size is known.", "bytes_total", V_NUMBER, 1 },
    { "v2v_conversion_copied_bytes", "Bytes copied so far.", "bytes_copied", V_NUMBER, 1 },
    { "v2v_conversion_copy_rate_bytes_per_second", "Smoothed copy rate.", "rate_bps", V_NUMBER, 1 },
    { "v2v_conversion_eta_seconds", "Estimated seconds until the copy is done.", "eta_seconds", V_NUMBER, 1 },
    { "v2v_conversion_failed", "1 when the conversion failed.", "failed", V_BOOL, 1 },
    { "v2v_conversion_finished", "1 when the conversion is over.", "finished", V_BOOL, 1 },
    { "v2v_conversion_stalled", "1 when there was no progress for stall_seconds.", "stalled", V_BOOL, 1 },
    { "v2v_conversion_started_timestamp_seconds", "When the conversion started (Unix time).", "started_at", V_TIME, 1 },
};

/* Label value: escape \, " and newline. */
static void put_label(FILE *out, const char *name, const char *v, int first)
{
    fprintf(out, "%s%s=\"", first ? "" : ",", name);
    for (const char *p = v ? v : ""; *p; p++) {
        if (*p == '\\' || *p == '"')
            fprintf(out, "\\%c", *p);
        else if (*p == '\n')
            fputs("\\n", out);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static const char *get_str(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static void put_labels(FILE *out, const struct metrics_conversion *c)
{
    fputc('{', out);
    put_label(out, "tag", c->tag, 1);
    put_label(out, "vm", get_str(c->state, "vm_name"), 0);
    put_label(out, "output", get_str(c->state, "output"), 0);
}

static void put_value(FILE *out, double v)
{
    if (v == floor(v) && fabs(v) < 1e15)
        fprintf(out, " %.0f\n", v);
    else
        fprintf(out, " %.6g\n", v);
}

/* "2026-11-22T10:15:00Z" -> Unix time, NAN when malformed. */
static double parse_time(const char *s)
{
    struct tm tm = { 0 };
    const char *end = s ? strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
    if (!end || *end)
        return NAN;
    return (double)timegm(&tm);
}

static bool value_of(struct json_object *state, const struct family *f, double *out)
{
    struct json_object *v;
    bool present = json_object_object_get_ex(state, f->key, &v) && v;
    switch (f->kind) {
    case V_BOOL:
        *out = present && json_object_get_boolean(v) ? 1 : 0;
        return true;
    case V_TIME:
        *out = present ? parse_time(json_object_get_string(v)) : NAN;
        return !isnan(*out);
    case V_NUMBER:
        if (!present || !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
            return false;
        *out = json_object_get_double(v) * f->scale;
        return true;
    }
    return false;
}

double metrics_cpu_fraction(const char *text)
{
    char *end;
    if (!text)
        return -1;
    double v = strtod(text, &end);
    if (end == text || strcmp(end, "%") != 0 || v <= 0)
        return -1;
    return v / 100.0;
}

double metrics_network_bps(const char *text)
{
    char *end;
    if (!text)
        return -1;
    double v = strtod(text, &end);
    if (end == text || *end || v <= 0)
        return -1;
    return v;
}

static void disk_family(FILE *out, const struct metrics_conversion *c, size_t n)
{
    fputs("# HELP v2v_conversion_disk_progress_ratio Copy progress of one disk (0..1).\n"
          "# TYPE v2v_conversion_disk_progress_ratio gauge\n", out);
    for (size_t i = 0; i < n; i++) {
        struct json_object *disks;
        if (!json_object_object_get_ex(c[i].state, "disks", &disks)
            || !json_object_is_type(disks, json_type_array))
            continue;
        for (size_t d = 0; d < json_object_array_length(disks); d++) {
            struct json_object *disk = json_object_array_get_idx(disks, d), *p;
            if (!json_object_object_get_ex(disk, "progress", &p))
                continue;
            char idx[24];
            snprintf(idx, sizeof idx, "%zu", d + 1);
            fputs("v2v_conversion_disk_progress_ratio", out);
            put_labels(out, &c[i]);
            put_label(out, "disk", idx, 0);
            put_label(out, "path", get_str(disk, "path"), 0);
            fputc('}', out);
            put_value(out, json_object_get_double(p) / 100.0);
        }
    }
}

static void throttle_family(FILE *out, const struct metrics_conversion *c, size_t n, bool cpu)
{
    const char *name = cpu ? "v2v_conversion_throttle_cpu_ratio" : "v2v_conversion_throttle_network_bytes_per_second";
    fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name,
            cpu ? "CPU limit applied, as a fraction of one CPU (absent: unlimited)."
                : "Network limit applied in bytes per second (absent: unlimited).", name);
    for (size_t i = 0; i < n; i++) {
        struct json_object *t;
        if (!json_object_object_get_ex(c[i].state, "throttling", &t) || !t)
            continue;
        const char *text = get_str(t, cpu ? "cpu" : "network");
        double v = cpu ? metrics_cpu_fraction(text) : metrics_network_bps(text);
        if (v < 0)
            continue;
        fputs(name, out);
        put_labels(out, &c[i]);
        fputc('}', out);
        put_value(out, v);
    }
}

int state_metrics_write(FILE *out, const struct metrics_conversion *c, size_t n)
{
    fputs("# HELP v2v_conversion_info A conversion on this host (value 1).\n"
          "# TYPE v2v_conversion_info gauge\n", out);
    for (size_t i = 0; i < n; i++) {
        fputs("v2v_conversion_info", out);
        put_labels(out, &c[i]);
        put_label(out, "accel", get_str(c[i].state, "accel"), 0);
        put_label(out, "status", get_str(c[i].state, "status"), 0);
        fputs("} 1\n", out);
    }
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
        fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", families[f].name, families[f].help, families[f].name);
        for (size_t i = 0; i < n; i++) {
            double v;
            if (!value_of(c[i].state, &families[f], &v))
                continue;
            fputs(families[f].name, out);
            put_labels(out, &c[i]);
            fputc('}', out);
            put_value(out, v);
        }
    }
    disk_family(out, c, n);
    throttle_family(out, c, n, true);
    throttle_family(out, c, n, false);
    return ferror(out) ? -EIO : 0;
}
