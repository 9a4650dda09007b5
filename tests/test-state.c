/* The state model, its JSON (CONTRACT §6) and the atomic state file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/error_class.h"
#include "state/state.h"
#include "common/utf8.h"
#include "common/cleanup.h"

#include "tests/check.h"

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s = NULL;
    va_start(ap, fmt);
    if (vasprintf(&s, fmt, ap) < 0)
        abort();
    va_end(ap);
    return s;
}

static char *to_text(const struct conversion_state *s)
{
    _cleanup_json_ struct json_object *o = state_to_json(s);
    return strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
                                                        JSON_C_TO_STRING_NOSLASHESCAPE));
}

static struct json_object *get(struct json_object *o, const char *key)
{
    struct json_object *v = NULL;
    return json_object_object_get_ex(o, key, &v) ? v : (struct json_object *)-1;
}
#define ABSENT ((struct json_object *)-1)

static void test_json_keys(void)
{
    static const char *const src[] = { "[ds] vm/a.vmdk", "[ds] vm/b.vmdk" };
    struct conversion_state s;
    CHECK(state_init(&s, src, 2, true) == 0, "init");
    _cleanup_json_ struct json_object *o = state_to_json(&s);

    struct json_object *disks = get(o, "disks");
    CHECK(disks != ABSENT && json_object_is_type(disks, json_type_array) &&
          json_object_array_length(disks) == 2, "disks is an array of 2");
    for (size_t i = 0; i < 2; i++) {
        struct json_object *d = json_object_array_get_idx(disks, i);
        CHECK(strcmp(json_object_get_string(get(d, "path")), src[i]) == 0, "disk path %zu", i);
        CHECK(json_object_is_type(get(d, "progress"), json_type_double), "progress is a number");
        CHECK(json_object_object_length(d) == 2, "disk has exactly path and progress");
    }
    CHECK(json_object_get_int(get(o, "disk_count")) == 2, "disk_count");
    CHECK(json_object_is_type(get(o, "failed"), json_type_boolean) &&
          !json_object_get_boolean(get(o, "failed")), "failed false");
    struct json_object *t = get(o, "throttling");
    CHECK(t != ABSENT && get(t, "cpu") == NULL && get(t, "network") == NULL,
          "throttling cpu/network null");
    static const char *const absent[] = { "started", "pid", "last_message", "vm_id",
                                          "return_code", "finished", "status" };
    for (size_t i = 0; i < ELEMENTSOF(absent); i++)
        CHECK(get(o, absent[i]) == ABSENT, "%s absent at first", absent[i]);
    _cleanup_free_ char *text = to_text(&s);
    CHECK(strcmp(text, "{\"disks\":[{\"path\":\"[ds] vm/a.vmdk\",\"progress\":0.0},"
                       "{\"path\":\"[ds] vm/b.vmdk\",\"progress\":0.0}],\"disk_count\":2,"
                       "\"failed\":false,\"throttling\":{\"cpu\":null,\"network\":null},"
                       "\"progress\":0.0,\"progress_by\":\"count\",\"stalled\":false}") == 0,
          "first state: %s", text);

    state_set_started(&s, 4242);
    state_set_disk_progress(&s, 0, 42.5);
    state_set_disk_progress(&s, 1, 10.4166);
    state_set_last_message(&s, "bad/thing", 9);
    state_set_vm_id(&s, "c2e6f1a0", 8);
    state_set_status(&s, "Copying disk 1/2", 16);
    state_set_throttling(&s, "50%", "10 MB/s");
    state_set_return_code(&s, 1);
    state_set_failed(&s);
    state_set_finished(&s);
    json_object_put(o);
    o = state_to_json(&s);
    CHECK(json_object_get_boolean(get(o, "started")), "started");
    CHECK(json_object_get_int(get(o, "pid")) == 4242, "pid");
    struct json_object *lm = get(o, "last_message");
    CHECK(lm != ABSENT && strcmp(json_object_get_string(get(lm, "message")), "bad/thing") == 0 &&
          strcmp(json_object_get_string(get(lm, "type")), "error") == 0, "last_message");
    CHECK(strcmp(json_object_get_string(get(o, "vm_id")), "c2e6f1a0") == 0, "vm_id");
    CHECK(json_object_get_int(get(o, "return_code")) == 1, "return_code");
    CHECK(json_object_get_boolean(get(o, "failed")), "failed");
    CHECK(json_object_get_boolean(get(o, "finished")), "finished");
    CHECK(strcmp(json_object_get_string(get(o, "status")), "Copying disk 1/2") == 0, "status");
    t = get(o, "throttling");
    CHECK(strcmp(json_object_get_string(get(t, "cpu")), "50%") == 0 &&
          strcmp(json_object_get_string(get(t, "network")), "10 MB/s") == 0, "throttling text");
    free(text);
    text = to_text(&s);
    CHECK(strstr(text, "\"progress\":42.5}") && strstr(text, "\"progress\":10.42}") &&
          strstr(text, "\"progress\":26.5,") && strstr(text, "\"message\":\"bad/thing\""),
          "numbers and no slash escapes: %s", text);
    CHECK(strstr(text, "\"progress\":42.5}") && strstr(text, "\"progress\":10.42}") &&
          strstr(text, "\"message\":\"bad/thing\""),
          "numbers and no slash escapes: %s", text);
    state_free(&s);

    /* Without source_disks: no disk_count, no disks. */
    CHECK(state_init(&s, NULL, 0, false) == 0, "init");
    free(text);
    text = to_text(&s);
    CHECK(strcmp(text, "{\"disks\":[],\"failed\":false,\"throttling\":{\"cpu\":null,"
                       "\"network\":null},\"progress\":0.0,\"progress_by\":\"count\","
                       "\"stalled\":false}") == 0, "empty state: %s", text);
    state_free(&s);
}

static void test_generation(void)
{
    struct conversion_state s;
    state_init(&s, NULL, 0, false);
    uint64_t g = s.generation;
#define BUMPS(expr, n)                                                        \
    do {                                                                      \
        uint64_t before = s.generation;                                      \
        expr;                                                                 \
        CHECK(s.generation - before == (n), "%s bumped %llu times", #expr,   \
              (unsigned long long)(s.generation - before));                   \
    } while (0)
    BUMPS(state_set_started(&s, 10), 1);
    BUMPS(state_set_started(&s, 10), 0);
    BUMPS(state_set_disk_count(&s, 2), 1);
    BUMPS(state_set_disk_count(&s, 2), 0);
    BUMPS(state_set_status(&s, "a", 1), 1);
    BUMPS(state_set_status(&s, "a", 1), 0);
    BUMPS(state_set_status(&s, "b", 1), 1);
    BUMPS(state_set_last_message(&s, "e", 1), 1);
    BUMPS(state_set_last_message(&s, "e", 1), 0);
    BUMPS(state_set_vm_id(&s, "u", 1), 1);
    BUMPS(state_set_vm_id(&s, "u", 1), 0);
    BUMPS(state_add_disk_id(&s, "id", 2), 0);           /* not in the file */
    BUMPS(state_set_throttling(&s, NULL, NULL), 0);
    BUMPS(state_set_throttling(&s, "1", NULL), 1);
    BUMPS(state_set_throttling(&s, "1", NULL), 0);
    BUMPS(state_set_disk_progress(&s, 0, 0), 0);        /* "disk 1" exists: disk_count 2 */
    BUMPS(state_set_disk_progress(&s, 0, 0), 0);
    BUMPS(state_set_disk_progress(&s, 0, 30), 1);
    BUMPS(state_set_disk_progress(&s, 0, 20), 0);       /* never backwards */
    BUMPS(state_set_disk_progress(&s, 0, NAN), 0);
    BUMPS(state_set_disk_progress(&s, 0, 150), 1);
    CHECK(s.disks[0].progress == 100, "clamped to 100: %g", s.disks[0].progress);
    BUMPS(state_set_disk_progress(&s, STATE_MAX_DISKS, 50), 0);
    BUMPS(state_set_return_code(&s, 0), 1);
    BUMPS(state_set_return_code(&s, 0), 0);
    BUMPS(state_set_failed(&s), 1);
    BUMPS(state_set_failed(&s), 0);
    BUMPS(state_set_finished(&s), 1);
    BUMPS(state_set_finished(&s), 0);
    CHECK(s.generation > g, "generation moved");

    state_add_disk_id(&s, "id", 2);
    state_add_disk_id(&s, "id2", 3);
    CHECK(s.n_disk_ids == 2, "disk ids once each: %zu", s.n_disk_ids);
    state_free(&s);
}

static size_t count_path(const struct conversion_state *s, const char *path)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_disks; i++)
        n += strcmp(s->disks[i].path, path) == 0;
    return n;
}

static void test_map_disk_path(void)
{
    static const char *const src[] = { "A", "B" };
    struct conversion_state s;
    state_init(&s, src, 2, true);
    CHECK(state_map_disk_path(&s, 0, "B", 1) == 1, "exact match wins over copy order");
    CHECK(state_map_disk_path(&s, 1, "A", 1) == 0, "exact match A");
    CHECK(state_map_disk_path(&s, 0, "C", 1) == 0, "unknown path: copy order");
    CHECK(strcmp(s.disks[0].path, "A") == 0, "a source disk keeps its path");
    uint64_t g = s.generation;
    CHECK(state_map_disk_path(&s, 3, "D", 1) == 3, "new entry at its copy index");
    CHECK(s.n_disks == 4 && strcmp(s.disks[2].path, "disk 3") == 0 &&
          strcmp(s.disks[3].path, "D") == 0, "intermediate entry named disk 3");
    CHECK(s.generation > g, "new entries bump");
    CHECK(state_map_disk_path(&s, 2, "E", 1) == 2 && strcmp(s.disks[2].path, "E") == 0,
          "a placeholder takes the engine's path");
    CHECK(state_map_disk_path(&s, 0, "D", 1) == 3, "match beyond the source disks");
    CHECK(count_path(&s, "A") == 1 && count_path(&s, "B") == 1 && strcmp(s.disks[0].path, "A") == 0 &&
          strcmp(s.disks[1].path, "B") == 0, "source disks once each, in order");
    CHECK(s.disk_count == 2, "disk_count unchanged by mapping");
    state_free(&s);

    CHECK(state_init(&s, NULL, STATE_MAX_DISKS + 1, true) == -E2BIG, "too many source disks");
}

static void test_utf8(void)
{
    struct { const char *in; size_t len, max; const char *out; } cases[] = {
        { "plain", 5, 100, "plain" },
        { "a\xc3\xa9", 3, 2, "a" },                      /* cut before é */
        { "a\xc3\xa9", 3, 3, "a\xc3\xa9" },
        { "\xff", 1, 100, "\xef\xbf\xbd" },
        { "a\0b", 3, 100, "a\xef\xbf\xbd" "b" },
        { "\xc0\x80", 2, 100, "\xef\xbf\xbd\xef\xbf\xbd" }, /* overlong NUL */
        { "\xf0\x9f\x98\x80", 4, 100, "\xf0\x9f\x98\x80" },
        { "\xf0\x9f\x98", 3, 100, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
        { "\xf4\x90\x80\x80", 4, 100, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd" },
        { "\xff", 1, 2, "" },                             /* U+FFFD does not fit */
        { "abc", 3, 0, "" },
    };
    for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
        _cleanup_free_ char *o = utf8_sanitize(cases[i].in, cases[i].len, cases[i].max);
        CHECK(o && strcmp(o, cases[i].out) == 0, "case %zu", i);
    }
    struct conversion_state s;
    state_init(&s, NULL, 0, false);
    char big[3 * STATE_MAX_MESSAGE];
    memset(big, 'm', sizeof big);
    state_set_last_message(&s, big, sizeof big);
    CHECK(strlen(s.last_message) == STATE_MAX_MESSAGE, "last_message bounded");
    state_free(&s);
}

static bool no_temporaries(const char *dir)
{
    _cleanup_closedir_ DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)))
        if (strncmp(e->d_name, ".state.json.", 12) == 0)
            return false;
    return d != NULL;
}

static bool file_is_state(const char *path, const char *expect_status)
{
    _cleanup_json_ struct json_object *o = json_object_from_file(path);
    struct json_object *st;
    if (!o || !json_object_object_get_ex(o, "disks", NULL))
        return false;
    if (!expect_status)
        return true;
    return json_object_object_get_ex(o, "status", &st) &&
           strcmp(json_object_get_string(st), expect_status) == 0;
}

static void test_write_atomic(void)
{
    char dir[] = "/tmp/test-state-XXXXXX";
    CHECK(mkdtemp(dir), "mkdtemp");
    _cleanup_free_ char *path = NULL;
    path = xasprintf("%s/state.json", dir);

    struct conversion_state s;
    static const char *const src[] = { "/a" };
    state_init(&s, src, 1, true);
    state_set_status(&s, "one", 3);
    mode_t old_umask = umask(077);
    CHECK(state_write_atomic(&s, path) == 0, "first write");
    umask(old_umask);
    struct stat st1, st2;
    CHECK(stat(path, &st1) == 0 && (st1.st_mode & 07777) == 0644, "mode 0644 despite umask 077: %o",
          st1.st_mode & 07777);
    CHECK(file_is_state(path, "one"), "content");

    /* Rename semantics: a reader holding the old file keeps the old one. */
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    state_set_status(&s, "two", 3);
    CHECK(state_write_atomic(&s, path) == 0, "second write");
    CHECK(stat(path, &st2) == 0 && st2.st_ino != st1.st_ino, "new inode");
    char buf[4096] = "";
    ssize_t n = read(fd, buf, sizeof buf - 1);
    CHECK(n > 0 && strstr(buf, "\"status\":\"one\""), "old reader sees the old file");
    CHECK(file_is_state(path, "two"), "new content");
    char text[4096] = "";
    _cleanup_close_ int fd2 = open(path, O_RDONLY | O_CLOEXEC);
    n = read(fd2, text, sizeof text - 1);
    _cleanup_free_ char *expect = to_text(&s);
    CHECK(n == (ssize_t)strlen(expect) + 1 && strncmp(text, expect, strlen(expect)) == 0,
          "file is the plain JSON plus newline");
    CHECK(no_temporaries(dir), "no temporary left");

    /* rename fails (the target is a non-empty directory): temp removed. */
    _cleanup_free_ char *blocker = NULL, *inside = NULL;
    blocker = xasprintf("%s/blocked", dir);
    inside = xasprintf("%s/blocked/x", dir);
    mkdir(blocker, 0755);
    close(open(inside, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
    CHECK(state_write_atomic(&s, blocker) < 0, "rename over a directory fails");
    {
        _cleanup_closedir_ DIR *d = opendir(dir);
        struct dirent *e;
        bool left = false;
        while ((e = readdir(d)))
            left |= strncmp(e->d_name, ".blocked.", 9) == 0;
        CHECK(!left, "temporary removed after a failed rename");
    }
    unlink(inside);
    rmdir(blocker);

    CHECK(state_write_atomic(&s, "/nonexistent-dir/x/state.json") == -ENOENT, "missing dir: ENOENT");

    if (geteuid() != 0) {
        /* Directory not writable: fails, old file intact. */
        chmod(dir, 0555);
        state_set_status(&s, "three", 5);
        CHECK(state_write_atomic(&s, path) == -EACCES, "read-only dir: EACCES");
        CHECK(file_is_state(path, "two"), "old file intact");
        chmod(dir, 0755);
    }
    unlink(path);
    rmdir(dir);
    state_free(&s);
}

/* A full file system: the old state file stays intact and valid. */
static int test_full_tmpfs(void)
{
    if (geteuid() != 0) {
        printf("SKIP: the full-tmpfs test needs root (it mounts a 64 KiB tmpfs)\n");
        return 77;
    }
    char dir[] = "/tmp/test-state-tmpfs-XXXXXX";
    CHECK(mkdtemp(dir), "mkdtemp");
    if (mount("tmpfs", dir, "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=0755") < 0) {
        int e = errno;
        rmdir(dir);
        CHECK(false, "mount tmpfs as root: %s", strerror(e));
        return 1;
    }
    _cleanup_free_ char *path = NULL, *filler = NULL;
    path = xasprintf("%s/state.json", dir);
    filler = xasprintf("%s/filler", dir);

    struct conversion_state s;
    state_init(&s, NULL, 0, false);
    state_set_status(&s, "before", 6);
    CHECK(state_write_atomic(&s, path) == 0, "write on tmpfs");

    int fd = open(filler, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
    char block[4096];
    memset(block, 'f', sizeof block);
    while (write(fd, block, sizeof block) > 0)
        ;
    while (write(fd, block, 1) > 0)
        ;
    close(fd);

    char big[STATE_MAX_MESSAGE];
    memset(big, 'x', sizeof big);
    for (size_t i = 0; i < 8; i++)
        state_map_disk_path(&s, i, big, sizeof big);
    state_set_status(&s, "after", 5);
    int r = state_write_atomic(&s, path);
    CHECK(r == -ENOSPC, "full tmpfs: %s", strerror(-r));
    CHECK(file_is_state(path, "before"), "old state file intact and valid");
    CHECK(no_temporaries(dir), "temporary removed on ENOSPC");

    unlink(filler);
    CHECK(state_write_atomic(&s, path) == 0, "write after space came back");
    CHECK(file_is_state(path, "after"), "new state");
    state_free(&s);
    CHECK(umount(dir) == 0, "umount: %m");
    rmdir(dir);
    return 0;
}

/* `test-state full-tmpfs` runs only the root part (its own ctest test, so
 * it shows as skipped, not passed, where it cannot run). */
/* Rates, ETA and bytes with a clock the test moves; the stall warning
 * and its clearing; the bounded warnings list. */
static uint64_t test_now;
static uint64_t test_clock(void)
{
    return test_now;
}

static void test_rates_and_stall(void)
{
    struct conversion_state s;
    state_clock = test_clock;
    test_now = 1000000;
    state_init(&s, NULL, 0, false);
    state_set_disk_count(&s, 2);
    state_set_disk_size(&s, 0, 1000000000);
    state_set_disk_size(&s, 1, 3000000000);
    state_set_disk_progress(&s, 0, 10);
    test_now += 2000000;
    state_set_disk_progress(&s, 0, 30);                  /* 10 %/s of 1 GB */
    CHECK(fabs(state_disk_rate_bps(&s.disks[0]) - 100000000) < 1, "disk rate %g", state_disk_rate_bps(&s.disks[0]));
    CHECK(state_disk_eta_seconds(&s.disks[0]) == 7, "disk eta %lld", (long long)state_disk_eta_seconds(&s.disks[0]));
    CHECK(state_bytes_total(&s) == 4000000000ULL && state_bytes_copied(&s) == 300000000ULL, "bytes");
    CHECK(fabs(state_overall_progress(&s) - 7.5) < 1e-9, "weighted overall %g", state_overall_progress(&s));
    CHECK(fabs(state_rate_bps(&s) - 100000000) < 1, "overall rate %g", state_rate_bps(&s));
    test_now += 1000000;
    state_set_disk_progress(&s, 0, 60);                  /* 30 %/s: smoothed to 20 */
    CHECK(fabs(s.disks[0].rate.per_sec - 20) < 1e-9, "smoothed %g", s.disks[0].rate.per_sec);

    state_set_error(&s, "earlier", 7, NULL);
    state_set_stalled(&s, 600);
    CHECK(s.stalled && s.last_message_warning && strstr(s.last_message, "stalled: no progress"), "stalled");
    struct json_object *o = state_to_json(&s), *lm;
    CHECK(json_object_object_get_ex(o, "last_message", &lm)
          && strcmp(json_object_get_string(json_object_object_get(lm, "type")), "warning") == 0
          && json_object_get_boolean(json_object_object_get(o, "stalled")), "stall in JSON");
    json_object_put(o);
    test_now += 1000000;
    state_set_disk_progress(&s, 0, 61);
    CHECK(!s.stalled && !s.last_message_warning && strcmp(s.last_message, "earlier") == 0, "progress cleared it");

    for (int i = 0; i < STATE_MAX_WARNINGS + 5; i++)
        state_add_warning(&s, "w", 1);
    CHECK(s.n_warnings == STATE_MAX_WARNINGS, "warnings bounded: %zu", s.n_warnings);
    state_free(&s);
}

/* Every class of the vocabulary has a hint; the table's order picks the
 * specific class. */
static void test_error_classes(void)
{
    static const char *const all[] = { "source-auth", "source-unreachable", "tls-thumbprint",
        "no-root-filesystem", "hibernated-windows", "luks-key", "no-space", "output-auth", "killed",
        "cancelled", "timeout", "internal" };
    for (size_t i = 0; i < ELEMENTSOF(all); i++)
        CHECK(error_class_hint(all[i]) && !strchr(error_class_hint(all[i]), '\n'), "hint of %s", all[i]);
    CHECK(error_class_hint("unknown") == NULL, "unknown has no hint");
    const char *m = "internal error: invalid argument: libvirt: authentication failed: x";
    CHECK(strcmp(error_class_of(m, strlen(m)), "source-auth") == 0, "specific before internal");
    m = "nbdcopy: write at offset 1 failed: NO SPACE LEFT ON DEVICE";
    CHECK(strcmp(error_class_of(m, strlen(m)), "no-space") == 0, "case-insensitive");
    CHECK(strcmp(error_class_of("x", 1), "unknown") == 0, "unknown");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "full-tmpfs") == 0) {
        int r = test_full_tmpfs();
        if (r == 77)
            return 77;
        return failures ? 1 : 0;
    }
    test_json_keys();
    test_generation();
    test_map_disk_path();
    test_utf8();
    test_write_atomic();
    test_rates_and_stall();
    test_error_classes();
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("test-state: all passed\n");
    return 0;
}
