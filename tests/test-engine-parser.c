/* SPDX-License-Identifier: Apache-2.0 */
/* The engine log parser against real virt-v2v 2.2 transcripts and
 * hand-written 1.x ones, fed whole, byte by byte and in random chunks. */
#include <errno.h>
#include <malloc.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state/engine_parser.h"
#include "state/state.h"
#include "common/cleanup.h"
#include "common/log.h"

#include "tests/check.h"

struct blob {
    char *data;
    size_t len;
};

static struct blob slurp(const char *dir, const char *name)
{
    struct blob b = { NULL, 0 };
    _cleanup_free_ char *path = NULL;
    if (asprintf(&path, "%s/%s", dir, name) < 0)
        abort();
    _cleanup_fclose_ FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s: %m\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    b.len = (size_t)ftell(f);
    rewind(f);
    b.data = malloc(b.len + 1);
    if (!b.data || fread(b.data, 1, b.len, f) != b.len)
        abort();
    b.data[b.len] = '\0';
    return b;
}

enum feeding { FEED_WHOLE, FEED_BYTES, FEED_RANDOM, FEED_MR_FIRST };
static const char *const feeding_names[] = { "whole", "bytes", "random", "mr-first" };

/* Deterministic PRNG (xorshift64), so failures reproduce. */
static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

struct feeder {
    struct engine_parser *p;
    const struct blob *v2v, *mr;
    size_t v2v_off, mr_off;
};

static void feed_v2v(struct feeder *f, size_t n)
{
    if (n > f->v2v->len - f->v2v_off)
        n = f->v2v->len - f->v2v_off;
    engine_parser_feed_v2v_log(f->p, f->v2v->data + f->v2v_off, n);
    f->v2v_off += n;
}

static void feed_mr(struct feeder *f, size_t n)
{
    if (n > f->mr->len - f->mr_off)
        n = f->mr->len - f->mr_off;
    engine_parser_feed_mr_log(f->p, f->mr->data + f->mr_off, n);
    f->mr_off += n;
}

static void feed_all(struct feeder *f, enum feeding how)
{
    switch (how) {
    case FEED_WHOLE:
        feed_v2v(f, SIZE_MAX);
        feed_mr(f, SIZE_MAX);
        break;
    case FEED_MR_FIRST:
        feed_mr(f, SIZE_MAX);
        feed_v2v(f, SIZE_MAX);
        break;
    case FEED_BYTES:
        while (f->v2v_off < f->v2v->len || f->mr_off < f->mr->len) {
            feed_v2v(f, 1);
            feed_mr(f, 1);
        }
        break;
    case FEED_RANDOM:
        rng_state = 0x5eed1234abcdULL;
        while (f->v2v_off < f->v2v->len || f->mr_off < f->mr->len) {
            size_t n = 1 + rng() % 8192;
            if (rng() % 4 == 0)
                feed_mr(f, n);
            else
                feed_v2v(f, n);
        }
        break;
    }
    engine_parser_flush(f->p);
}

static char *state_json_string(const struct conversion_state *s)
{
    _cleanup_json_ struct json_object *o = state_to_json(s);
    if (!o)
        abort();
    return strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
}

/* Every source_disks path is in `disks` exactly once, in order, first. */
static void check_source_disks(const struct conversion_state *s, const char *const *src, size_t n,
                               const char *what)
{
    CHECK(s->n_disks >= n, "%s: %zu disks < %zu source disks", what, s->n_disks, n);
    for (size_t i = 0; i < n && i < s->n_disks; i++) {
        size_t seen = 0;
        for (size_t j = 0; j < s->n_disks; j++)
            seen += strcmp(s->disks[j].path, src[i]) == 0;
        CHECK(seen == 1, "%s: %s appears %zu times", what, src[i], seen);
        CHECK(strcmp(s->disks[i].path, src[i]) == 0, "%s: disks[%zu] is %s, not %s", what, i,
              s->disks[i].path, src[i]);
    }
}

struct expect {
    const char *dir;
    const char *const *source_disks;   /* NULL: no source_disks */
    size_t n_source;
    int disk_count;
    const char *const *paths;          /* expected final paths */
    const double *progress;            /* expected final progress */
    size_t n_disks;
    const char *last_message;          /* NULL: none */
    const char *status;
    const char *vm_id;
    const char *const *disk_ids;
    size_t n_disk_ids;
};

/* The disk ids the parser handed over, kept once each as the rhv-upload
 * output keeps them. */
struct seen_ids {
    char *id[64];
    size_t n;
};

static void on_event(void *userdata, enum engine_event ev, const char *value)
{
    struct seen_ids *seen = userdata;
    if (ev != ENGINE_EVENT_DISK_ID)
        return;
    for (size_t i = 0; i < seen->n; i++)
        if (strcmp(seen->id[i], value) == 0)
            return;
    if (seen->n < ELEMENTSOF(seen->id))
        seen->id[seen->n++] = strdup(value);
}

static void seen_ids_free(struct seen_ids *seen)
{
    for (size_t i = 0; i < seen->n; i++)
        free(seen->id[i]);
    seen->n = 0;
}

static void check_final(const struct conversion_state *s, const struct seen_ids *ids,
                        const struct expect *e, const char *what)
{
    CHECK(s->disk_count == e->disk_count, "%s: disk_count %d, want %d", what, s->disk_count,
          e->disk_count);
    CHECK(s->n_disks == e->n_disks, "%s: %zu disks, want %zu", what, s->n_disks, e->n_disks);
    for (size_t i = 0; i < s->n_disks && i < e->n_disks; i++) {
        CHECK(strcmp(s->disks[i].path, e->paths[i]) == 0, "%s: disk %zu path %s, want %s", what,
              i, s->disks[i].path, e->paths[i]);
        CHECK(fabs(s->disks[i].progress - e->progress[i]) < 1e-9, "%s: disk %zu progress %g, want %g",
              what, i, s->disks[i].progress, e->progress[i]);
    }
    if (e->last_message)
        CHECK(s->last_message && strcmp(s->last_message, e->last_message) == 0,
              "%s: last_message %s", what, s->last_message ? s->last_message : "(none)");
    else
        CHECK(!s->last_message, "%s: unexpected last_message %s", what, s->last_message);
    CHECK(s->status && strcmp(s->status, e->status) == 0, "%s: status %s, want %s", what,
          s->status ? s->status : "(none)", e->status);
    if (e->vm_id)
        CHECK(s->vm_id && strcmp(s->vm_id, e->vm_id) == 0, "%s: vm_id %s", what,
              s->vm_id ? s->vm_id : "(none)");
    else
        CHECK(!s->vm_id, "%s: unexpected vm_id", what);
    CHECK(ids->n == e->n_disk_ids, "%s: %zu disk ids, want %zu", what, ids->n, e->n_disk_ids);
    for (size_t i = 0; i < ids->n && i < e->n_disk_ids; i++)
        CHECK(strcmp(ids->id[i], e->disk_ids[i]) == 0, "%s: disk id %s", what, ids->id[i]);
    if (e->source_disks)
        check_source_disks(s, e->source_disks, e->n_source, what);
}

/* Run one case with every feeding; all must end in the same JSON. */
static void run_case(const struct expect *e)
{
    struct blob v2v = slurp(e->dir, "v2v.log"), mr = slurp(e->dir, "mr.log");
    _cleanup_free_ char *reference = NULL;

    for (enum feeding how = FEED_WHOLE; how <= FEED_MR_FIRST; how++) {
        char what[512];
        snprintf(what, sizeof what, "%s (%s, %s)", e->dir, feeding_names[how],
                 e->source_disks ? "source_disks" : "no source_disks");
        struct conversion_state s;
        CHECK(state_init(&s, (const char *const *)e->source_disks, e->n_source,
                         e->source_disks != NULL) == 0, "%s: init", what);
        struct engine_parser *p = engine_parser_new(&s);
        CHECK(p, "%s: parser", what);
        struct seen_ids ids = { 0 };
        engine_parser_on_event(p, on_event, &ids);
        struct feeder f = { p, &v2v, &mr, 0, 0 };
        feed_all(&f, how);
        check_final(&s, &ids, e, what);
        seen_ids_free(&ids);
        _cleanup_free_ char *json = state_json_string(&s);
        if (!reference)
            reference = strdup(json);
        else
            CHECK(strcmp(reference, json) == 0, "%s: state differs:\n  %s\n  %s", what, reference,
                  json);
        engine_parser_free(p);
        state_free(&s);
    }
    free(v2v.data);
    free(mr.data);
}

/* Feed the v2v log byte by byte and record every distinct progress value
 * of disk `disk`, and the state right after the line containing `mark`. */
static size_t progress_trace(const char *dir, const char *const *src, size_t n_src, size_t disk,
                             double *trace, size_t max, const char *mark,
                             void (*at_mark)(const struct conversion_state *))
{
    struct blob v2v = slurp(dir, "v2v.log");
    struct conversion_state s;
    state_init(&s, src, n_src, src != NULL);
    struct engine_parser *p = engine_parser_new(&s);
    size_t n = 0;
    uint64_t gen = s.generation;
    const char *m = mark ? strstr(v2v.data, mark) : NULL;
    const char *mark_end = m ? strchr(m, '\n') : NULL;
    CHECK(!mark || mark_end, "%s: no line %s", dir, mark);

    for (size_t i = 0; i < v2v.len; i++) {
        engine_parser_feed_v2v_log(p, v2v.data + i, 1);
        if (s.generation != gen && disk < s.n_disks) {
            double v = s.disks[disk].progress;
            if ((n == 0 || trace[n - 1] != v) && n < max)
                trace[n++] = v;
        }
        gen = s.generation;
        if (mark_end && v2v.data + i == mark_end)
            at_mark(&s);
    }
    engine_parser_free(p);
    state_free(&s);
    free(v2v.data);
    return n;
}

static void check_trace(const char *what, const double *got, size_t n, const double *want, size_t m)
{
    CHECK(n == m, "%s: %zu progress values, want %zu", what, n, m);
    for (size_t i = 0; i < n && i < m; i++)
        CHECK(fabs(got[i] - want[i]) < 1e-9, "%s: progress[%zu] = %g, want %g", what, i, got[i],
              want[i]);
}

static void two_disks_at_copy2(const struct conversion_state *s)
{
    CHECK(s->n_disks == 2 && s->disks[0].progress == 100 && s->disks[1].progress == 0,
          "two-disks at 'Copying disk 2/2': disk1 %g disk2 %g", s->n_disks ? s->disks[0].progress : -1,
          s->n_disks > 1 ? s->disks[1].progress : -1);
    CHECK(s->disk_count == 2, "two-disks at copy 2: disk_count %d", s->disk_count);
}

static void vddk_after_copy1(const struct conversion_state *s)
{
    /* Copy 1 was the second source disk: the first is untouched. */
    CHECK(s->n_disks == 2 && s->disks[0].progress == 0 && s->disks[1].progress == 100,
          "vddk after copy 1: %g %g", s->n_disks ? s->disks[0].progress : -1,
          s->n_disks > 1 ? s->disks[1].progress : -1);
}

static void ssh_after_copy1(const struct conversion_state *s)
{
    CHECK(s->n_disks == 2 && s->disks[0].progress == 0 && s->disks[1].progress == 100,
          "ssh after copy 1: %g %g", s->n_disks ? s->disks[0].progress : -1,
          s->n_disks > 1 ? s->disks[1].progress : -1);
}

static char *fixture(const char *name)
{
    const char *src = getenv("SRCDIR");
    char *d = NULL;
    if (asprintf(&d, "%s/tests/data/virt-v2v-2.2/%s", src ? src : ".", name) < 0)
        abort();
    return d;
}

static char *datadir(const char *name)
{
    const char *src = getenv("SRCDIR");
    char *d = NULL;
    if (asprintf(&d, "%s/tests/data/%s", src ? src : ".", name) < 0)
        abort();
    return d;
}

/* The error text of the mr log, exactly as the engine wrote it. */
static char *mr_error_text(const char *dir)
{
    struct blob mr = slurp(dir, "mr.log");
    char *text = NULL;
    for (char *line = strtok(mr.data, "\n"); line; line = strtok(NULL, "\n")) {
        _cleanup_json_ struct json_object *o = json_tokener_parse(line);
        struct json_object *t, *m;
        if (o && json_object_object_get_ex(o, "type", &t) &&
            strcmp(json_object_get_string(t), "error") == 0 &&
            json_object_object_get_ex(o, "message", &m))
            text = strdup(json_object_get_string(m));
    }
    free(mr.data);
    return text;
}

static void test_fixtures_2x(void)
{
    _cleanup_free_ char *single = fixture("single-disk"), *two = fixture("two-disks"),
                        *noos = fixture("no-os");
    static const char *const one_src[] = { "/srv/images/win2k22.img" };
    static const char *const one_auto[] = { "disk 1" };
    static const char *const two_src[] = { "/srv/images/win2k22.img", "/srv/images/data.img" };
    static const char *const two_auto[] = { "disk 1", "disk 2" };
    static const char *const blank_src[] = { "/srv/images/blank.img" };
    static const double done1[] = { 100 }, done2[] = { 100, 100 }, zero1[] = { 0 };

    run_case(&(struct expect){ .dir = single, .source_disks = one_src, .n_source = 1,
                               .disk_count = 1, .paths = one_src, .progress = done1, .n_disks = 1,
                               .status = "Finishing off" });
    run_case(&(struct expect){ .dir = single, .disk_count = 1, .paths = one_auto,
                               .progress = done1, .n_disks = 1, .status = "Finishing off" });
    run_case(&(struct expect){ .dir = two, .source_disks = two_src, .n_source = 2,
                               .disk_count = 2, .paths = two_src, .progress = done2, .n_disks = 2,
                               .status = "Finishing off" });
    run_case(&(struct expect){ .dir = two, .disk_count = 2, .paths = two_auto, .progress = done2,
                               .n_disks = 2, .status = "Finishing off" });

    _cleanup_free_ char *err = mr_error_text(noos);
    CHECK(err && strstr(err, "No root device found"), "no-os mr.log has an error");
    run_case(&(struct expect){ .dir = noos, .disk_count = -1, .n_disks = 0, .last_message = err,
                               .status = "Inspecting the source" });
    run_case(&(struct expect){ .dir = noos, .source_disks = blank_src, .n_source = 1,
                               .disk_count = 1, .paths = blank_src, .progress = zero1,
                               .n_disks = 1, .last_message = err,
                               .status = "Inspecting the source" });

    /* Intermediate values. */
    double trace[64];
    static const double bar[] = { 0, 25, 50, 75, 100 };
    size_t n = progress_trace(single, one_src, 1, 0, trace, 64, NULL, NULL);
    check_trace("single-disk progress", trace, n, bar, 5);
    n = progress_trace(single, NULL, 0, 0, trace, 64, NULL, NULL);
    check_trace("single-disk progress (no source_disks)", trace, n, bar, 5);
    n = progress_trace(two, two_src, 2, 0, trace, 64, "Copying disk 2/2", two_disks_at_copy2);
    check_trace("two-disks disk 1 progress", trace, n, bar, 5);
    n = progress_trace(two, two_src, 2, 1, trace, 64, NULL, NULL);
    static const double bar2[] = { 0, 100 };
    check_trace("two-disks disk 2 progress", trace, n, bar2, 2);
}

static void test_transcripts_1x(void)
{
    _cleanup_free_ char *vddk = datadir("v2v-1.x-vddk"), *ssh = datadir("v2v-1.x-ssh"),
                        *rhv = datadir("v2v-1.x-rhv-upload");

    static const char *const vddk_src[] = { "[datastore1] vm1/vm1.vmdk",
                                            "[datastore1] vm1/vm1_1.vmdk" };
    static const char *const vddk_auto[] = { "[datastore1] vm1/vm1_1.vmdk",
                                             "[datastore1] vm1/vm1.vmdk" };
    static const double done2[] = { 100, 100 };
    run_case(&(struct expect){ .dir = vddk, .source_disks = vddk_src, .n_source = 2,
                               .disk_count = 2, .paths = vddk_src, .progress = done2,
                               .n_disks = 2, .status = "Finishing off" });
    run_case(&(struct expect){ .dir = vddk, .disk_count = 2, .paths = vddk_auto,
                               .progress = done2, .n_disks = 2, .status = "Finishing off" });
    double trace[64];
    size_t n = progress_trace(vddk, vddk_src, 2, 1, trace, 64, "MARK-after-first-copy",
                              vddk_after_copy1);
    static const double q1[] = { 0, 10.42, 55.5, 99.99, 100 };
    check_trace("vddk copy 1 progress", trace, n, q1, 5);
    n = progress_trace(vddk, vddk_src, 2, 0, trace, 64, NULL, NULL);
    static const double q2[] = { 0, 20, 40, 60.25, 80, 100 };
    check_trace("vddk copy 2 progress", trace, n, q2, 6);

    /* ssh: source_disks in the opposite order of the engine's disks. */
    static const char *const ssh_src[] = { "[datastore1] centos/centos_1.vmdk",
                                           "[datastore1] centos/centos.vmdk" };
    static const char *const ssh_auto[] = { "[datastore1] centos/centos.vmdk",
                                            "[datastore1] centos/centos_1.vmdk" };
    static const double ssh_done[] = { 66.67, 100 }, ssh_auto_done[] = { 100, 66.67 };
    run_case(&(struct expect){ .dir = ssh, .source_disks = ssh_src, .n_source = 2,
                               .disk_count = 2, .paths = ssh_src, .progress = ssh_done,
                               .n_disks = 2, .status = "Finishing off" });
    run_case(&(struct expect){ .dir = ssh, .disk_count = 2, .paths = ssh_auto,
                               .progress = ssh_auto_done, .n_disks = 2,
                               .status = "Finishing off" });
    progress_trace(ssh, ssh_src, 2, 1, trace, 64, "MARK-after-first-copy", ssh_after_copy1);

    static const char *const rhv_src[] = { "[datastore2] win2k19/win2k19.vmdk",
                                           "[datastore2] win2k19/win2k19_1.vmdk" };
    static const char *const rhv_ids[] = { "6e2b1a4c-3c64-4d38-9f8e-1e1b0a6f7c11",
                                           "A0C5D0E1-77f2-4b3c-8d9e-0f1a2b3c4d5e" };
    static const double rhv_prog[] = { 100, 42.5 };
    run_case(&(struct expect){
        .dir = rhv, .source_disks = rhv_src, .n_source = 2, .disk_count = 2, .paths = rhv_src,
        .progress = rhv_prog, .n_disks = 2,
        .last_message = "[rhv-upload] create VM failed: the VM could not be created because of a storage error",
        .status = "Creating output metadata", .vm_id = "c2e6f1a0-5b7d-4e8f-9a0b-1c2d3e4f5a6b",
        .disk_ids = rhv_ids, .n_disk_ids = 2 });
}

/* Feed a string to the v2v log. */
static void v2v(struct engine_parser *p, const char *s)
{
    engine_parser_feed_v2v_log(p, s, strlen(s));
}

static void test_rules(void)
{
    struct conversion_state s;

    /* Progress before any "Copying disk" is ignored; the mr log's
     * "Copying disk" does not move copy state; a bar after '\r' and
     * a bar sharing a line with nbdkit text both count. */
    state_init(&s, NULL, 0, false);
    struct engine_parser *p = engine_parser_new(&s);
    v2v(p, "\xe2\x96\x90  30% [****---]\n    (12.00/100%)\n");
    CHECK(s.n_disks == 0, "progress without a current disk made %zu disks", s.n_disks);
    const char *mr = "{ \"message\": \"Copying disk 1/3\", \"timestamp\": \"x\", \"type\": \"message\" }\n";
    engine_parser_feed_mr_log(p, mr, strlen(mr));
    CHECK(s.disk_count == -1 && s.n_disks == 0, "mr log moved copy state");
    CHECK(s.status && strcmp(s.status, "Copying disk 1/3") == 0, "mr status");
    v2v(p, "[   5.0] Copying disk 1/3\nnbdkit: debug: x\r|  10% [-]nbdkit: file.2: debug: y\n");
    CHECK(s.disk_count == 3 && s.n_disks == 3 && s.disks[0].progress == 10,
          "ASCII spinner after \\r: %zu disks", s.n_disks);
    v2v(p, "-  40% [**]\r\xe2\x96\x97  20% [*]\r");
    CHECK(s.disks[0].progress == 40, "progress went backwards: %g", s.disks[0].progress);
    /* The engine moved on: disk 1 is done, even without its 100% bar. */
    v2v(p, "[   6.0] Copying disk 3/3\n");
    CHECK(s.disks[0].progress == 100, "moved on: disk 1 at %g", s.disks[0].progress);
    v2v(p, "\xf0\x9f\x94\x84 7% [\n");
    CHECK(s.n_disks == 3 && s.disks[2].progress == 7 && strcmp(s.disks[1].path, "disk 2") == 0,
          "4-byte glyph, disk 3 created");
    /* Not bars: a digit first, no space before '[', > 3 digits. */
    v2v(p, "5  90% [\n|  95%[\n| 1000% [\n");
    CHECK(s.disks[2].progress == 7, "false bar matched: %g", s.disks[2].progress);
    /* Kernel lines are not stage lines. */
    v2v(p, "[    0.000000] Linux version 6.1.0\n");
    CHECK(strcmp(s.status, "Copying disk 3/3") == 0, "kernel line became status: %s", s.status);
    engine_parser_free(p);
    state_free(&s);

    /* An mr error beats the v2v log's; the v2v error alone is used. */
    state_init(&s, NULL, 0, false);
    p = engine_parser_new(&s);
    v2v(p, "virt-v2v: error: first\n");
    CHECK(s.last_message && strcmp(s.last_message, "first") == 0, "v2v error applied");
    mr = "{\"message\": \"the real one\", \"type\": \"error\"}\n";
    engine_parser_feed_mr_log(p, mr, strlen(mr));
    v2v(p, "virt-v2v: error: second\n");
    engine_parser_flush(p);
    CHECK(s.last_message && strcmp(s.last_message, "the real one") == 0, "mr error wins: %s",
          s.last_message);
    mr = "not json\n{\"message\": \"later\", \"type\": \"error\"}\n{\"message\": 3, \"type\": \"error\"}\n{broken";
    engine_parser_feed_mr_log(p, mr, strlen(mr));
    engine_parser_flush(p);
    CHECK(strcmp(s.last_message, "later") == 0, "latest mr error wins: %s", s.last_message);
    engine_parser_free(p);
    state_free(&s);

    /* A partial last record counts at flush. */
    state_init(&s, NULL, 0, false);
    p = engine_parser_new(&s);
    v2v(p, "[   1.0] Copying disk 2/2 to /x (raw)");
    CHECK(s.disk_count == -1, "partial record parsed early");
    engine_parser_flush(p);
    CHECK(s.disk_count == 2, "flush parsed the partial record");
    engine_parser_free(p);
    state_free(&s);
}

/* disk_count and disks[] agree from the moment the count is known, with
 * and without source_disks (every source disk once, in order). */
static void test_disk_entries_with_count(void)
{
    struct conversion_state s;
    state_init(&s, NULL, 0, false);
    struct engine_parser *p = engine_parser_new(&s);
    v2v(p, "[  43.3] Copying disk 1/2\n");
    CHECK(s.disk_count == 2 && s.n_disks == 2, "no source_disks: disk_count %d, %zu entries",
          s.disk_count, s.n_disks);
    CHECK(s.n_disks == 2 && strcmp(s.disks[1].path, "disk 2") == 0 && s.disks[1].progress == 0,
          "disk 2 entry before its copy");
    engine_parser_free(p);
    state_free(&s);

    static const char *const src[] = { "[ds] vm/a.vmdk", "[ds] vm/b.vmdk" };
    state_init(&s, src, 2, true);
    p = engine_parser_new(&s);
    v2v(p, "[  43.3] Copying disk 1/3\n");
    CHECK(s.disk_count == 3 && s.n_disks == 3, "source_disks 2, count 3: %zu entries", s.n_disks);
    CHECK(s.n_disks == 3 && strcmp(s.disks[0].path, src[0]) == 0 && strcmp(s.disks[1].path, src[1]) == 0,
          "source disks kept in order");
    engine_parser_free(p);
    state_free(&s);
}

/* Feed a fixture's v2v log up to and including the line that starts with
 * `upto` (all of it when NULL). */
static void feed_v2v_upto(struct engine_parser *p, const char *dir, const char *upto)
{
    struct blob v = slurp(dir, "v2v.log");
    size_t len = v.len;
    if (upto) {
        const char *at = strstr(v.data, upto);
        const char *eol = at ? strchr(at, '\n') : NULL;
        len = eol ? (size_t)(eol + 1 - v.data) : v.len;
    }
    engine_parser_feed_v2v_log(p, v.data, len);
    free(v.data);
}

/* Overall progress is weighted by disk size when the log names the sizes
 * (a 512 MiB disk copied, a 6 GiB one not yet: 7.7 %, not 50 %), by count
 * when it does not. */
static void test_progress_weighted_by_size(void)
{
    _cleanup_free_ char *big = fixture("big-disk-6g-raw"), *two = fixture("two-disks");
    struct conversion_state s;

    state_init(&s, NULL, 0, false);
    struct engine_parser *p = engine_parser_new(&s);
    feed_v2v_upto(p, big, "[  51.3] Copying disk 2/2");
    CHECK(s.n_disks == 2 && s.disks[0].bytes_total == 536870912ULL && s.disks[1].bytes_total == 6442450944ULL,
          "big-disk: sizes from libnbd (%zu disks)", s.n_disks);
    double want = 100.0 * 536870912.0 / (536870912.0 + 6442450944.0);
    CHECK(fabs(state_overall_progress(&s) - want) < 0.01, "big-disk: overall %g, want %g",
          state_overall_progress(&s), want);
    CHECK(state_sizes_known(&s), "big-disk: sizes known");
    engine_parser_free(p);
    state_free(&s);

    /* two-disks: no libnbd size lines; each copy's nbdkit names its size. */
    state_init(&s, NULL, 0, false);
    p = engine_parser_new(&s);
    feed_v2v_upto(p, two, NULL);
    CHECK(s.n_disks == 2 && s.disks[0].bytes_total == 536870912ULL && s.disks[1].bytes_total == 67108864ULL,
          "two-disks: sizes from the copy's nbdkit: %llu %llu",
          s.n_disks ? (unsigned long long)s.disks[0].bytes_total : 0ULL,
          s.n_disks > 1 ? (unsigned long long)s.disks[1].bytes_total : 0ULL);
    engine_parser_free(p);
    state_free(&s);

    /* Unknown sizes: the mean by count. */
    state_init(&s, NULL, 0, false);
    p = engine_parser_new(&s);
    v2v(p, "[   1.0] Copying disk 1/2\n\xe2\x96\x90 100% [****]\n[   2.0] Copying disk 2/2\n");
    CHECK(!state_sizes_known(&s) && fabs(state_overall_progress(&s) - 50) < 0.01,
          "no sizes: overall %g", state_overall_progress(&s));
    engine_parser_free(p);
    state_free(&s);
}

/* EXT keys from real transcripts: accel (the appliance's -machine accel=
 * line), the engine's warnings kept, the error class of no-os. */
static void test_ext_from_transcripts(void)
{
    _cleanup_free_ char *single = fixture("single-disk"), *noos = fixture("no-os");
    struct conversion_state s;

    state_init(&s, NULL, 0, false);
    struct engine_parser *p = engine_parser_new(&s);
    feed_v2v_upto(p, single, NULL);
    struct blob mr = slurp(single, "mr.log");
    engine_parser_feed_mr_log(p, mr.data, mr.len);
    free(mr.data);
    engine_parser_flush(p);
    CHECK(s.accel && strcmp(s.accel, "tcg") == 0 && s.accel_final, "accel %s", s.accel ? s.accel : "(none)");
    CHECK(s.n_warnings == 2 && strstr(s.warnings[0], "QEMU Guest Agent MSI not found"),
          "warnings: %zu", s.n_warnings);
    engine_parser_free(p);
    state_free(&s);

    /* accel=kvm:tcg is decided by the appliance kernel's line. */
    state_init(&s, NULL, 0, false);
    p = engine_parser_new(&s);
    v2v(p, "    -machine accel=kvm:tcg \\\n");
    CHECK(s.accel && strcmp(s.accel, "kvm") == 0 && !s.accel_final, "kvm:tcg is a guess");
    v2v(p, "[    0.650388] smpboot: CPU0: AMD QEMU TCG CPU version 2.5+ (family: 0xf)\n");
    CHECK(s.accel && strcmp(s.accel, "tcg") == 0 && s.accel_final, "fell back to tcg: %s", s.accel);
    engine_parser_free(p);
    state_free(&s);

    state_init(&s, NULL, 0, false);
    p = engine_parser_new(&s);
    mr = slurp(noos, "mr.log");
    engine_parser_feed_mr_log(p, mr.data, mr.len);
    free(mr.data);
    CHECK(s.last_message_class && strcmp(s.last_message_class, "no-root-filesystem") == 0, "no-os class %s",
          s.last_message_class ? s.last_message_class : "(none)");
    engine_parser_free(p);
    state_free(&s);
}

/* The cause taken from the v2v log never carries a password value. */
static void test_cause_masks_passwords(void)
{
    struct conversion_state s;
    state_init(&s, NULL, 0, false);
    struct engine_parser *p = engine_parser_new(&s);
    v2v(p, "nbdkit: curl[1]: error: login failed for user=admin password=hunter2 (HTTP 401)\n"
           "virt-v2v: error: nbdkit command failed, see earlier error messages\n");
    engine_parser_flush(p);
    CHECK(engine_parser_apply_cause(p), "a cause");
    CHECK(s.last_message && !strstr(s.last_message, "hunter2") && strstr(s.last_message, "password=***"),
          "masked: %s", s.last_message ? s.last_message : "(none)");
    engine_parser_free(p);
    state_free(&s);
}

/* A 10 MB record without separator: bounded memory, parsing continues. */
static void test_record_cap(void)
{
    struct conversion_state s;
    state_init(&s, NULL, 0, false);
    struct engine_parser *p = engine_parser_new(&s);
    char chunk[65536];
    memset(chunk, 'x', sizeof chunk);

    struct mallinfo2 before = mallinfo2();
    v2v(p, "[   1.0] Copying disk 1/1 ");
    for (size_t fed = 0; fed < 10 * 1024 * 1024; fed += sizeof chunk)
        engine_parser_feed_v2v_log(p, chunk, sizeof chunk);
    struct mallinfo2 during = mallinfo2();
    CHECK(during.uordblks < before.uordblks + 4 * ENGINE_PARSER_MAX_RECORD, "heap grew by %zu bytes",
          during.uordblks - before.uordblks);
    CHECK(s.disk_count == -1, "record parsed before its end");
    v2v(p, "\n\xe2\x96\x90  50% [**]\n");
    CHECK(s.disk_count == 1, "truncated record still matched at its start");
    CHECK(s.n_disks == 1 && s.disks[0].progress == 50, "next record parsed");
    CHECK(s.status && strlen(s.status) <= STATE_MAX_MESSAGE, "status bounded");

    /* Same in one call, and byte-split at the boundary. */
    char *big = malloc(3 * 1024 * 1024);
    memset(big, 'y', 3 * 1024 * 1024);
    memcpy(big + 3 * 1024 * 1024 - 12, "\n\xe2\x96\x90  75% [\n", 12);
    engine_parser_feed_v2v_log(p, big, 3 * 1024 * 1024);
    CHECK(s.disks[0].progress == 75, "after a 3 MB record in one chunk: %g", s.disks[0].progress);
    free(big);
    engine_parser_free(p);
    state_free(&s);
}

/* Invalid UTF-8 and NULs in paths and messages: the JSON stays valid. */
static void test_invalid_utf8(void)
{
    struct conversion_state s;
    state_init(&s, NULL, 0, false);
    struct engine_parser *p = engine_parser_new(&s);
    static const char line[] = "[   1.0] Copying disk 1/1\n"
                               "nbdkit: debug: Opening file [ds\xff\xfe] vm/\xc3(\0x.vmdk (ha-nfcssl://x)\n"
                               "\xe2\x96\x90  50% [\n"
                               "virt-v2v: error: bad \xed\xa0\x80 surrogate\n";
    engine_parser_feed_v2v_log(p, line, sizeof line - 1);
    static const char mr[] = "{\"message\": \"st\\u0000at\xc0\xafus\", \"type\": \"message\"}\n";
    engine_parser_feed_mr_log(p, mr, sizeof mr - 1);
    engine_parser_flush(p);

    CHECK(s.n_disks == 1 && strstr(s.disks[0].path, "\xef\xbf\xbd"), "path sanitized: %s",
          s.n_disks ? s.disks[0].path : "");
    CHECK(s.disks[0].progress == 50, "progress after the odd path");
    CHECK(s.last_message && strcmp(s.last_message, "bad \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd surrogate") == 0,
          "error sanitized: %s", s.last_message);
    CHECK(s.status && strcmp(s.status, "st\xef\xbf\xbd" "at\xef\xbf\xbd\xef\xbf\xbdus") == 0,
          "status sanitized: %s", s.status);

    _cleanup_json_ struct json_object *o = state_to_json(&s);
    const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    struct json_tokener *tok = json_tokener_new();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    struct json_object *back = json_tokener_parse_ex(tok, text, (int)strlen(text));
    CHECK(back != NULL, "state JSON is not valid strict UTF-8 JSON: %s", text);
    json_object_put(back);
    json_tokener_free(tok);
    engine_parser_free(p);
    state_free(&s);
}

/* Rates depend on time; the parser's results must not. */
static uint64_t frozen_clock(void)
{
    return 1000000;
}

struct osp_seen {
    char *id[8];
    size_t n;
};

static void on_osp_event(void *userdata, enum engine_event ev, const char *value)
{
    struct osp_seen *seen = userdata;
    if (ev == ENGINE_EVENT_OSP_VOLUME && seen->n < ELEMENTSOF(seen->id))
        seen->id[seen->n++] = strdup(value);
}

/* -o openstack: the volume ids of `openstack ... volume show UUID` lines,
 * quoted (1.x) or not (2.x); no other openstack command counts. */
static void test_openstack_volumes(void)
{
    static const char log[] =
        "openstack --format json volume create --size 1 guest-sda\n"
        "openstack --format json volume show 0a5df5c5-c0bf-4fb5-9079-eb9b6a198fd0\n"
        "openstack '--os-username=admin' 'volume' 'show' '-f' 'json' 'd3799b4f-3275-4aa5-8760-75b18a3383b7'\n"
        "openstack server add volume appliance 094dbf78-82d6-408e-9406-6340a9ca4093\n"
        "openstack volume show not-a-uuid\n";
    struct conversion_state s;
    struct osp_seen seen = { 0 };

    CHECK(state_init(&s, NULL, 0, false) == 0, "openstack: init");
    struct engine_parser *p = engine_parser_new(&s);
    engine_parser_on_event(p, on_osp_event, &seen);
    engine_parser_feed_v2v_log(p, log, sizeof log - 1);
    engine_parser_flush(p);
    CHECK(seen.n == 2, "openstack: %zu volume ids, want 2", seen.n);
    CHECK(seen.n >= 1 && strcmp(seen.id[0], "0a5df5c5-c0bf-4fb5-9079-eb9b6a198fd0") == 0, "openstack: id 1");
    CHECK(seen.n >= 2 && strcmp(seen.id[1], "d3799b4f-3275-4aa5-8760-75b18a3383b7") == 0, "openstack: id 2 (quoted)");
    for (size_t i = 0; i < seen.n; i++)
        free(seen.id[i]);
    engine_parser_free(p);
    state_free(&s);
}

int main(void)
{
    log_open("/dev/null");
    state_clock = frozen_clock;
    test_record_cap();               /* first: before the heap gets busy */
    test_rules();
    test_openstack_volumes();
    test_disk_entries_with_count();
    test_progress_weighted_by_size();
    test_ext_from_transcripts();
    test_cause_masks_passwords();
    test_invalid_utf8();
    test_fixtures_2x();
    test_transcripts_1x();
    return check_finish();
}
