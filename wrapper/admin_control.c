/* Steering one conversion: cancel (SIGTERM to its wrapper, as CONTRACT
 * §8 says) and throttle (its throttling file, written atomically), each
 * waiting until the state file shows the effect. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wrapper/admin.h"
#include "common/cleanup.h"

static double timeout_seconds(void)
{
    const char *v = getenv("V2VW_ADMIN_TIMEOUT");
    double t = v ? strtod(v, NULL) : 0;
    return t > 0 ? t : 120;
}

bool admin_wait_change(struct admin_conversion *c, double deadline)
{
    _cleanup_free_ char *dir = strdup(c->state_file), *base = strdup(c->state_file);
    _cleanup_close_ int fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (!dir || !base || fd < 0 || inotify_add_watch(fd, dirname(dir), IN_CLOSE_WRITE | IN_MOVED_TO) < 0)
        return false;
    const char *name = basename(base);
    _cleanup_free_ char *before = strdup(json_object_to_json_string(c->state));
    for (;;) {
        /* Re-read after the watch exists: nothing is missed in between. */
        if (admin_reload(c) && before && strcmp(before, json_object_to_json_string(c->state)) != 0)
            return true;
        double left = deadline - admin_now();
        if (left <= 0)
            return false;
        struct pollfd p = { .fd = fd, .events = POLLIN };
        if (poll(&p, 1, (int)(left * 1000) + 1) < 0 && errno != EINTR)
            return false;
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        ssize_t n;
        bool ours = false;
        while ((n = read(fd, buf, sizeof buf)) > 0)
            for (char *q = buf; q < buf + n;) {
                struct inotify_event *e = (struct inotify_event *)q;
                if (e->len && strcmp(e->name, name) == 0)
                    ours = true;
                q += sizeof *e + e->len;
            }
        (void)ours;                    /* reloaded at the top either way */
    }
}

/* The PID is a live virt-v2v-wrapper (its comm is cut to 15 bytes). */
static bool is_wrapper(pid_t pid)
{
    char path[64], comm[32] = "";
    snprintf(path, sizeof path, "/proc/%ld/comm", (long)pid);
    _cleanup_fclose_ FILE *f = fopen(path, "re");
    return f && fgets(comm, sizeof comm, f) && strncmp(comm, "virt-v2v-wrappe", 15) == 0;
}

static struct admin_conversion *lookup(struct admin_list *l, const char *tag)
{
    int r = admin_load(l, true);
    if (r < 0)
        fprintf(stderr, "virt-v2v-wrapper: cannot read %s: %s\n", admin_index_dir(), strerror(-r));
    struct admin_conversion *c = admin_find(l, tag);
    if (!c)
        fprintf(stderr, "virt-v2v-wrapper: no conversion %s on this host (see `virt-v2v-wrapper list`)\n", tag);
    return c;
}

int admin_cmd_cancel(const char *tag)
{
    _cleanup_(admin_list_free) struct admin_list l = { 0 };
    struct admin_conversion *c = lookup(&l, tag);
    if (!c)
        return ADMIN_NOT_FOUND;
    if (admin_bool(c->state, "finished")) {
        admin_render_line(stdout, c);
        return ADMIN_OK;
    }
    pid_t pid = (pid_t)admin_num(c->state, "wrapper_pid", 0);
    if (pid <= 0 || !is_wrapper(pid)) {
        fprintf(stderr, "virt-v2v-wrapper: the wrapper of %s is not running (pid %ld)\n", tag, (long)pid);
        return ADMIN_FAILED;
    }
    if (kill(pid, SIGTERM) < 0) {
        fprintf(stderr, "virt-v2v-wrapper: cannot signal the wrapper of %s (pid %ld): %s\n", tag, (long)pid,
                strerror(errno));
        return ADMIN_FAILED;
    }
    double deadline = admin_now() + timeout_seconds();
    while (!admin_bool(c->state, "finished"))
        if (!admin_wait_change(c, deadline)) {
            fprintf(stderr, "virt-v2v-wrapper: %s did not finish within %.0f s\n", tag, timeout_seconds());
            return ADMIN_TIMEOUT;
        }
    admin_render_line(stdout, c);
    return ADMIN_OK;
}

/* Write `text` to `path` atomically: a temporary beside it, renamed. */
static int replace_file(const char *path, const char *text)
{
    _cleanup_free_ char *tmp = NULL;
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    if (asprintf(&tmp, "%.*s.%s.XXXXXX", dirlen, path, path + dirlen) < 0)
        return -ENOMEM;
    _cleanup_close_ int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t len = strlen(text);
    if (write(fd, text, len) != (ssize_t)len || fchmod(fd, 0644) < 0 || fsync(fd) < 0
        || rename(tmp, path) < 0) {
        int e = errno ? errno : EIO;
        unlink(tmp);
        return -e;
    }
    return 0;
}

static bool throttling_is(struct json_object *state, const char *key, const char *want)
{
    struct json_object *t = NULL;
    if (!want)
        return true;
    json_object_object_get_ex(state, "throttling", &t);
    const char *have = admin_str(t, key);
    if (strcmp(want, "unlimited") == 0)
        return !have || strcmp(have, "unlimited") == 0;
    return have && strcmp(have, want) == 0;
}

static const char *message_of(struct json_object *state)
{
    struct json_object *lm = NULL;
    json_object_object_get_ex(state, "last_message", &lm);
    return admin_str(lm, "message");
}

int admin_cmd_throttle(const char *tag, int argc, char **argv)
{
    const char *cpu = NULL, *net = NULL;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "cpu=", 4) == 0 && argv[i][4])
            cpu = argv[i] + 4;
        else if (strncmp(argv[i], "network=", 8) == 0 && argv[i][8])
            net = argv[i] + 8;
        else {
            fprintf(stderr, "virt-v2v-wrapper: throttle: \"%s\" is not cpu=LIMIT or network=LIMIT\n", argv[i]);
            return ADMIN_USAGE;
        }
    }
    if (!cpu && !net) {
        fprintf(stderr, "virt-v2v-wrapper: throttle: give cpu=LIMIT and/or network=LIMIT\n");
        return ADMIN_USAGE;
    }
    _cleanup_(admin_list_free) struct admin_list l = { 0 };
    struct admin_conversion *c = lookup(&l, tag);
    if (!c)
        return ADMIN_NOT_FOUND;
    const char *file = admin_str(c->state, "throttling_file");
    if (admin_bool(c->state, "finished") || !file) {
        fprintf(stderr, "virt-v2v-wrapper: %s is %s\n", tag,
                file ? "finished: nothing to throttle" : "from an older wrapper (no throttling_file in its state)");
        return ADMIN_FAILED;
    }
    _cleanup_json_ struct json_object *req = json_object_new_object();
    if (cpu)
        json_object_object_add(req, "cpu", json_object_new_string(cpu));
    if (net)
        json_object_object_add(req, "network", json_object_new_string(net));
    _cleanup_free_ char *before = message_of(c->state) ? strdup(message_of(c->state)) : NULL;
    int r = replace_file(file, json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN));
    if (r < 0) {
        fprintf(stderr, "virt-v2v-wrapper: cannot write %s: %s\n", file, strerror(-r));
        return ADMIN_FAILED;
    }
    double deadline = admin_now() + timeout_seconds();
    for (;;) {
        if (throttling_is(c->state, "cpu", cpu) && throttling_is(c->state, "network", net)) {
            admin_render_line(stdout, c);
            return ADMIN_OK;
        }
        const char *now = message_of(c->state);
        if (now && (!before || strcmp(now, before) != 0)) {
            fprintf(stderr, "virt-v2v-wrapper: %s: %s\n", tag, now);
            return ADMIN_FAILED;
        }
        if (admin_bool(c->state, "finished")) {
            fprintf(stderr, "virt-v2v-wrapper: %s finished before the limits were applied\n", tag);
            return ADMIN_FAILED;
        }
        if (!admin_wait_change(c, deadline)) {
            fprintf(stderr, "virt-v2v-wrapper: %s did not apply the limits within %.0f s\n", tag, timeout_seconds());
            return ADMIN_TIMEOUT;
        }
    }
}
