/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/io.h"
#include "common/log.h"

static int log_fd = -1;
static log_sink_fn log_sink;

void log_set_sink(log_sink_fn sink)
{
    log_sink = sink;
}
static bool log_stdout;

/* Lines logged before the log file exists (input checks, oVirt lookups)
 * wait here and go into the log when it is opened. */
static bool early_hold;
static char early[16384];
static size_t early_len;

void log_hold_until_open(void)
{
    early_hold = true;
}

static const char *const level_names[] = {
    [LOG_LEVEL_DEBUG] = "DEBUG",
    [LOG_LEVEL_INFO] = "INFO",
    [LOG_LEVEL_WARNING] = "WARNING",
    [LOG_LEVEL_ERROR] = "ERROR",
};

/* Foreground mode copies lines to stdout, whose reader may be gone (EPIPE:
 * the wrapper ignores SIGPIPE) or stuck (a full pipe). Neither may stop
 * the conversion: a line that cannot be written now is dropped, and after
 * the first write error stdout is left alone for good (the wrapper log
 * keeps every line). */
static size_t stdout_dropped;

static void mirror_to_stdout(const char *line, size_t len)
{
    struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };

    if (poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT) || (p.revents & (POLLERR | POLLNVAL))) {
        if (p.revents & (POLLERR | POLLNVAL))
            log_stdout = false;
        stdout_dropped++;
        return;
    }
    /* A free pipe slot takes PIPE_BUF bytes without blocking: longer
     * lines are cut there. */
    char cut[PIPE_BUF];
    if (len > PIPE_BUF) {
        memcpy(cut, line, PIPE_BUF - 1);
        cut[PIPE_BUF - 1] = '\n';
        line = cut;
        len = PIPE_BUF;
    }
    if (write_all(STDOUT_FILENO, line, len) < 0) {
        log_stdout = false;
        return;
    }
}

void log_stdout_copy(const char *text, size_t len)
{
    while (log_stdout && len > 0) {
        size_t n = len < PIPE_BUF ? len : PIPE_BUF;
        mirror_to_stdout(text, n);
        text += n;
        len -= n;
    }
}

size_t log_stdout_dropped(void)
{
    return stdout_dropped;
}

bool log_stdout_mirrored(void)
{
    return log_stdout;
}

static void log_use(int fd)
{
    if (log_fd >= 0)
        close(log_fd);
    log_fd = fd;
    (void)write_all(log_fd, early, early_len);
    early_len = 0;
}

int log_open(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -errno;
    log_use(fd);
    return 0;
}

int log_open_at(int dir, const char *name)
{
    struct stat st;
    int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0600);
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || fcntl(fd, F_SETFL, O_WRONLY | O_APPEND) < 0) {
        close(fd);
        return -EBADF;
    }
    log_use(fd);
    return 0;
}

void log_mirror_to_stdout(bool on)
{
    log_stdout = on;
}

void log_close(void)
{
    if (log_fd >= 0)
        close(log_fd);
    log_fd = -1;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    char line[8192];
    struct timespec ts;
    struct tm tm;
    int saved_errno = errno;

    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm);
    size_t off = strftime(line, sizeof line, "%Y-%m-%d %H:%M:%S", &tm);
    off += (size_t)snprintf(line + off, sizeof line - off, ".%03ld:%s: ",
                            ts.tv_nsec / 1000000, level_names[level]);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line + off, sizeof line - off - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    size_t text_at = off;
    off += (size_t)n < sizeof line - off - 1 ? (size_t)n : sizeof line - off - 2;
    if (log_sink)
        log_sink(level, line + text_at, off - text_at);
    line[off++] = '\n';

    if (log_fd >= 0) {
        (void)write_all(log_fd, line, off);
    } else if (early_hold) {
        if (early_len + off <= sizeof early) {
            memcpy(early + early_len, line, off);
            early_len += off;
        }
    } else if (level >= LOG_LEVEL_INFO) {
        (void)write_all(STDERR_FILENO, line, off);
    }
    if (log_stdout) {
        mirror_to_stdout(line, off);
        if (!log_stdout && log_fd >= 0) {
            static const char note[] = "(stdout is gone: log lines go to this log only from here on)\n";
            (void)write_all(log_fd, note, sizeof note - 1);
        }
    }
    errno = saved_errno;
}
