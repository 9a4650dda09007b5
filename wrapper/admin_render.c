/* What the admin command prints: the list (a line per conversion, a bar
 * per disk), one-line summaries, `show`, and the JSON of `list --json`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "wrapper/admin.h"
#include "common/cleanup.h"

#define BAR_WIDTH 20

static void bar(char *buf, size_t size, double percent)
{
    int fill = (int)(percent / 100.0 * BAR_WIDTH + 0.5);
    if (fill < 0)
        fill = 0;
    if (fill > BAR_WIDTH)
        fill = BAR_WIDTH;
    snprintf(buf, size, "[%.*s%.*s] %5.1f%%", fill, "####################", BAR_WIDTH - fill,
             "--------------------", percent);
}

static void human_rate(char *buf, size_t size, double bps)
{
    static const char *const units[] = { "B/s", "KiB/s", "MiB/s", "GiB/s" };
    int u = 0;
    if (bps < 0) {
        snprintf(buf, size, "-");
        return;
    }
    while (bps >= 1024 && u < 3)
        bps /= 1024, u++;
    snprintf(buf, size, "%.1f %s", bps, units[u]);
}

static void human_seconds(char *buf, size_t size, double s)
{
    if (s < 0 || isnan(s)) {
        snprintf(buf, size, "-");
        return;
    }
    long v = (long)s;
    if (v >= 3600)
        snprintf(buf, size, "%ldh%02ldm", v / 3600, v / 60 % 60);
    else if (v >= 60)
        snprintf(buf, size, "%ldm%02lds", v / 60, v % 60);
    else
        snprintf(buf, size, "%lds", v);
}

static double age_seconds(struct json_object *state)
{
    const char *started = admin_str(state, "started_at");
    struct tm tm = { 0 };
    const char *end = started ? strptime(started, "%Y-%m-%dT%H:%M:%SZ", &tm) : NULL;
    if (!end || *end)
        return -1;
    return difftime(time(NULL), timegm(&tm));
}

static void throttling_text(struct json_object *state, char *buf, size_t size)
{
    struct json_object *t = NULL;
    json_object_object_get_ex(state, "throttling", &t);
    const char *cpu = admin_str(t, "cpu"), *net = admin_str(t, "network");
    if (!cpu && !net) {
        snprintf(buf, size, "-");
        return;
    }
    snprintf(buf, size, "cpu=%s net=%s", cpu ? cpu : "-", net ? net : "-");
}

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

void admin_render_list(FILE *out, const struct admin_list *l, int width)
{
    (void)width;
    if (l->n == 0) {
        fprintf(out, "No conversions on this host (looked in %s).\n", admin_index_dir());
        return;
    }
    fprintf(out, "%-22s %-14s %-8s %-28s %-18s %-11s %-7s %-22s %-7s %s\n", "TAG", "VM", "OUTPUT",
            "PROGRESS", "STAGE", "RATE", "ETA", "THROTTLE", "AGE", "RESULT");
    for (size_t i = 0; i < l->n; i++) {
        struct json_object *s = l->v[i].state, *disks = NULL;
        char b[64], rate[32], eta[32], thr[96], age[32], result[64], stage[64];
        bar(b, sizeof b, admin_num(s, "progress", 0));
        human_rate(rate, sizeof rate, admin_num(s, "rate_bps", -1));
        human_seconds(eta, sizeof eta, admin_num(s, "eta_seconds", -1));
        throttling_text(s, thr, sizeof thr);
        human_seconds(age, sizeof age, age_seconds(s));
        admin_result(s, result, sizeof result);
        snprintf(stage, sizeof stage, "%s", or_dash(admin_str(s, "status")));
        fprintf(out, "%-22s %-14.14s %-8s %-28s %-18.18s %-11s %-7s %-22s %-7s %s\n", l->v[i].tag,
                or_dash(admin_str(s, "vm_name")), or_dash(admin_str(s, "output")), b, stage, rate, eta,
                thr, age, result);
        if (!json_object_object_get_ex(s, "disks", &disks) || !json_object_is_type(disks, json_type_array))
            continue;
        for (size_t d = 0; d < json_object_array_length(disks); d++) {
            struct json_object *disk = json_object_array_get_idx(disks, d);
            bar(b, sizeof b, admin_num(disk, "progress", 0));
            human_rate(rate, sizeof rate, admin_num(disk, "rate_bps", -1));
            fprintf(out, "    disk %-3zu %-28s %-11s %s\n", d + 1, b, rate, or_dash(admin_str(disk, "path")));
        }
    }
}

void admin_render_line(FILE *out, const struct admin_conversion *c)
{
    struct json_object *s = c->state, *lm = NULL;
    char result[64], rate[32], eta[32], thr[96];
    admin_result(s, result, sizeof result);
    throttling_text(s, thr, sizeof thr);
    human_rate(rate, sizeof rate, admin_num(s, "rate_bps", -1));
    human_seconds(eta, sizeof eta, admin_num(s, "eta_seconds", -1));
    fprintf(out, "%s %s %s: %.1f%% %s, rate %s, eta %s, throttling %s", c->tag, or_dash(admin_str(s, "vm_name")),
            result, admin_num(s, "progress", 0), or_dash(admin_str(s, "status")), rate, eta, thr);
    if (json_object_object_get_ex(s, "last_message", &lm) && lm)
        fprintf(out, "; %s: %s", or_dash(admin_str(lm, "type")), or_dash(admin_str(lm, "message")));
    fputc('\n', out);
}

/* The last `n` records of the engine's log ('\r' or '\n' separated, blank
 * ones skipped), read from its last 64 KiB. */
static void tail_log(FILE *out, const char *path, int n)
{
    _cleanup_fclose_ FILE *f = path ? fopen(path, "re") : NULL;
    struct stat st;
    if (!f || fstat(fileno(f), &st) < 0) {
        fprintf(out, "  (cannot read %s)\n", or_dash(path));
        return;
    }
    off_t from = st.st_size > 65536 ? st.st_size - 65536 : 0;
    _cleanup_free_ char *buf = malloc(65537);
    if (!buf || fseeko(f, from, SEEK_SET) < 0)
        return;
    size_t len = fread(buf, 1, 65536, f);
    buf[len] = '\0';
    const char *starts[64];
    size_t lens[64], k = 0;
    for (size_t i = 0; i < len;) {
        size_t j = i;
        while (j < len && buf[j] != '\n' && buf[j] != '\r')
            j++;
        if (j > i) {
            starts[k % 64] = buf + i;
            lens[k % 64] = j - i;
            k++;
        }
        i = j + 1;
    }
    size_t first = k > (size_t)n ? k - (size_t)n : 0;
    for (size_t i = first; i < k; i++)
        fprintf(out, "  %.*s\n", (int)(lens[i % 64] > 300 ? 300 : lens[i % 64]), starts[i % 64]);
}

void admin_render_show(FILE *out, const struct admin_conversion *c, int log_lines)
{
    struct json_object *s = c->state, *lm = NULL, *w = NULL;
    struct admin_list one = { .v = (struct admin_conversion *)c, .n = 1 };
    admin_render_list(out, &one, 0);
    fprintf(out, "\nstate file:   %s\n", c->state_file);
    fprintf(out, "v2v log:      %s\nwrapper log:  %s\n", or_dash(admin_str(s, "v2v_log")),
            or_dash(admin_str(s, "wrapper_log")));
    fprintf(out, "started:      %s\nfinished:     %s\naccel:        %s\nprogress by:  %s\n",
            or_dash(admin_str(s, "started_at")), or_dash(admin_str(s, "finished_at")),
            or_dash(admin_str(s, "accel")), or_dash(admin_str(s, "progress_by")));
    if (json_object_object_get_ex(s, "warnings", &w) && json_object_is_type(w, json_type_array)) {
        fprintf(out, "engine warnings:\n");
        for (size_t i = 0; i < json_object_array_length(w); i++) {
            const char *t = json_object_get_string(json_object_array_get_idx(w, i));
            fprintf(out, "  - %.*s\n", (int)strcspn(t, "\n"), t);
        }
    }
    if (json_object_object_get_ex(s, "last_message", &lm) && lm) {
        fprintf(out, "%s:        %s\n", admin_bool(s, "stalled") ? "warning" : "error",
                or_dash(admin_str(lm, "message")));
        if (admin_str(lm, "class"))
            fprintf(out, "class:        %s\n", admin_str(lm, "class"));
        if (admin_str(lm, "hint"))
            fprintf(out, "hint:         %s\n", admin_str(lm, "hint"));
    }
    fprintf(out, "last engine lines:\n");
    tail_log(out, admin_str(s, "v2v_log"), log_lines);
}

struct json_object *admin_list_json(const struct admin_list *l)
{
    struct json_object *a = json_object_new_array();
    for (size_t i = 0; a && i < l->n; i++) {
        struct json_object *o = json_object_new_object();
        char result[64];
        admin_result(l->v[i].state, result, sizeof result);
        json_object_object_add(o, "tag", json_object_new_string(l->v[i].tag));
        json_object_object_add(o, "state_file", json_object_new_string(l->v[i].state_file));
        json_object_object_add(o, "result", json_object_new_string(result));
        double age = age_seconds(l->v[i].state);
        if (age >= 0)
            json_object_object_add(o, "age_seconds", json_object_new_int64((int64_t)age));
        json_object_object_add(o, "state", json_object_get(l->v[i].state));
        json_object_array_add(a, o);
    }
    return a;
}
