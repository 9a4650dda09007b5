#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/io.h"
#include "common/log.h"

static int log_fd = -1;
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

int log_open(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return -errno;
    if (log_fd >= 0)
        close(log_fd);
    log_fd = fd;
    (void)write_all(log_fd, early, early_len);
    early_len = 0;
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
    off += (size_t)n < sizeof line - off - 1 ? (size_t)n : sizeof line - off - 2;
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
    if (log_stdout)
        (void)write_all(STDOUT_FILENO, line, off);
    errno = saved_errno;
}
