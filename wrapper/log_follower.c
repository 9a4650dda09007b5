#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "common/log.h"
#include "wrapper/log_follower.h"

#define FOLLOW_CHUNK (64 * 1024)
#define FOLLOW_BUDGET (8 * 1024 * 1024)   /* bytes per wake-up before yielding */

struct log_follower {
    int fd;
    sd_event_source *watch;
    sd_event_source *more;                /* defer source when the budget ran out */
    follower_feed_fn feed;
    void *userdata;
    char buf[FOLLOW_CHUNK];
};

/* Read up to `budget` bytes; true when EOF was reached. */
static bool follow_read(struct log_follower *f, size_t budget)
{
    size_t done = 0;
    while (budget == 0 || done < budget) {
        ssize_t n = read(f->fd, f->buf, sizeof f->buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return true;
        f->feed(f->userdata, f->buf, (size_t)n);
        done += (size_t)n;
    }
    return false;
}

static int on_more(sd_event_source *s, void *userdata)
{
    struct log_follower *f = userdata;
    if (follow_read(f, FOLLOW_BUDGET))
        sd_event_source_set_enabled(f->more, SD_EVENT_OFF);
    return 0;
}

static int on_modified(sd_event_source *s, const struct inotify_event *ev, void *userdata)
{
    struct log_follower *f = userdata;
    if (!follow_read(f, FOLLOW_BUDGET))
        sd_event_source_set_enabled(f->more, SD_EVENT_ON);
    return 0;
}

int log_follower_new(sd_event *event, const char *path, follower_feed_fn feed, void *userdata,
                     struct log_follower **out)
{
    struct log_follower *f = calloc(1, sizeof *f);
    if (!f)
        return -ENOMEM;
    f->feed = feed;
    f->userdata = userdata;
    f->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    int r = f->fd < 0 ? -errno : 0;
    if (r >= 0)
        r = sd_event_add_inotify(event, &f->watch, path, IN_MODIFY, on_modified, f);
    if (r >= 0)
        r = sd_event_add_defer(event, &f->more, on_more, f);
    if (r >= 0)
        r = sd_event_source_set_enabled(f->more, SD_EVENT_OFF);
    if (r < 0) {
        log_follower_free(f);
        return r;
    }
    *out = f;
    return 0;
}

void log_follower_drain(struct log_follower *f)
{
    if (f)
        follow_read(f, 0);
}

void log_follower_free(struct log_follower *f)
{
    if (!f)
        return;
    sd_event_source_disable_unref(f->watch);
    sd_event_source_disable_unref(f->more);
    if (f->fd >= 0)
        close(f->fd);
    free(f);
}
