/* The throttling file watch: inotify on the file's directory for that one
 * name. A file is read when its writer closes it (IN_CLOSE_WRITE) or when
 * it is renamed into place (IN_MOVED_TO); IN_CREATE only catches what will
 * never be closed after writing (directories, symlinks, fifos...). The file
 * is read with O_NOFOLLOW|O_NONBLOCK, must be a regular file of at most
 * 64 KiB, and is removed after it was handled, also when it was bad, so
 * each error is reported once. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "throttle/throttle_watch.h"
#include "common/cleanup.h"
#include "common/io.h"
#include "common/log.h"

#define THROTTLE_FILE_MAX (64 * 1024)

struct throttle_watch {
    char *path, *dir, *name;
    throttle_watch_fn fn;
    void *userdata;
    sd_event_source *inotify, *initial;
};

static void __attribute__((format(printf, 2, 3))) report(struct throttle_watch *w, const char *fmt, ...)
{
    _cleanup_free_ char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    log_warning("%s", msg ? msg : "bad throttling file");
    w->fn(w->userdata, NULL, msg ? msg : "bad throttling file");
}

/* Remove what is at the path now, if it is still what we looked at. */
static void remove_if_same(const struct throttle_watch *w, const struct stat *seen)
{
    struct stat now;
    if (lstat(w->path, &now) < 0 || now.st_dev != seen->st_dev || now.st_ino != seen->st_ino)
        return;
    int r = S_ISDIR(now.st_mode) ? rmdir(w->path) : unlink(w->path);
    if (r < 0)
        log_warning("cannot remove the throttling file %s: %s", w->path, strerror(errno));
}

/* Something is not a regular file: an error, removed, never followed. */
static void reject(struct throttle_watch *w, const struct stat *st)
{
    report(w, "the throttling file %s is %s, not a regular file: removed", w->path, S_ISDIR(st->st_mode) ? "a directory"
           : S_ISLNK(st->st_mode) ? "a symbolic link" : "a special file");
    remove_if_same(w, st);
}

static int read_file(struct throttle_watch *w, int fd, const struct stat *st, char **buf, size_t *len)
{
    if (st->st_size > THROTTLE_FILE_MAX)
        return -EFBIG;
    _cleanup_free_ char *b = malloc(THROTTLE_FILE_MAX + 1);
    size_t n = 0;
    if (!b)
        return -ENOMEM;
    int r = read_all(fd, b, THROTTLE_FILE_MAX + 1, &n);
    if (r < 0)
        return r;
    if (n > THROTTLE_FILE_MAX)
        return -EFBIG;
    b[n] = '\0';
    *buf = TAKE_PTR(b);
    *len = n;
    return 0;
}

static void handle(struct throttle_watch *w)
{
    struct stat st;
    if (lstat(w->path, &st) < 0)
        return; /* gone already (we removed it, or the writer renamed it away) */
    if (!S_ISREG(st.st_mode)) {
        reject(w, &st);
        return;
    }
    _cleanup_close_ int fd = open(w->path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT)
            report(w, "cannot open the throttling file %s: %s", w->path, strerror(errno));
        return;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        reject(w, &st);
        return;
    }
    _cleanup_free_ char *buf = NULL, *error = NULL;
    size_t len = 0;
    struct throttle_request req;
    int r = read_file(w, fd, &st, &buf, &len);
    if (r == -EFBIG)
        report(w, "the throttling file %s is larger than %s: removed", w->path, "64 KiB");
    else if (r < 0)
        report(w, "cannot read the throttling file %s: %s", w->path, strerror(-r));
    else if (throttle_request_parse(buf, len, &req, &error) < 0)
        report(w, "bad throttling file %s: %s", w->path, error ? error : "invalid");
    else
        w->fn(w->userdata, &req, NULL);
    remove_if_same(w, &st);
}

static int on_inotify(sd_event_source *s, const struct inotify_event *ev, void *userdata)
{
    struct throttle_watch *w = userdata;
    if (ev->mask & IN_Q_OVERFLOW) {
        handle(w);
        return 0;
    }
    if (ev->len == 0 || strcmp(ev->name, w->name) != 0)
        return 0;
    if (ev->mask & IN_CREATE) {
        struct stat st;
        /* A regular file is read when its writer closes it. */
        if (lstat(w->path, &st) == 0 && !S_ISREG(st.st_mode))
            reject(w, &st);
        return 0;
    }
    handle(w);
    return 0;
}

static int on_initial(sd_event_source *s, void *userdata)
{
    struct throttle_watch *w = userdata;
    w->initial = sd_event_source_disable_unref(w->initial);
    handle(w);
    return 0;
}

int throttle_watch_new(sd_event *e, const char *path, throttle_watch_fn fn, void *userdata,
                       struct throttle_watch **out)
{
    _cleanup_free_ char *copy1 = strdup(path), *copy2 = strdup(path);
    struct throttle_watch *w = calloc(1, sizeof *w);
    if (!w || !copy1 || !copy2) {
        free(w);
        return -ENOMEM;
    }
    w->fn = fn;
    w->userdata = userdata;
    w->path = strdup(path);
    w->dir = strdup(dirname(copy1));
    w->name = strdup(basename(copy2));
    int r = -ENOMEM;
    if (!w->path || !w->dir || !w->name)
        goto fail;
    r = sd_event_add_inotify(e, &w->inotify, w->dir,
                             IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ONLYDIR, on_inotify, w);
    if (r < 0)
        goto fail;
    struct stat st;
    if (lstat(path, &st) == 0 || errno != ENOENT) {
        if ((r = sd_event_add_defer(e, &w->initial, on_initial, w)) < 0)
            goto fail;
    }
    *out = w;
    return 0;
fail:
    throttle_watch_free(w);
    return r;
}

void throttle_watch_free(struct throttle_watch *w)
{
    if (!w)
        return;
    sd_event_source_disable_unref(w->inotify);
    sd_event_source_disable_unref(w->initial);
    free(w->path);
    free(w->dir);
    free(w->name);
    free(w);
}
