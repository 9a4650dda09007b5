/* SPDX-License-Identifier: Apache-2.0 */
/* Atomic replacement of the state file: temporary in the same directory
 * (relative to its descriptor, O_EXCL|O_NOFOLLOW), written, fsync'd,
 * chmod 0644, renamed over the old file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/random.h>
#include <unistd.h>

#include "state/state.h"
#include "common/cleanup.h"
#include "common/io.h"

/* Write, sync, chmod and close the temporary; negative errno. */
static int fill_temp(int fd, const char *text, size_t len)
{
    int r = write_all(fd, text, len);
    if (r < 0)
        return r;
    r = write_all(fd, "\n", 1);
    if (r < 0)
        return r;
    if (fsync(fd) < 0)
        return -errno;
    if (fchmod(fd, 0644) < 0)
        return -errno;
    return 0;
}

/* A new temporary ".NAME.XXXXXX" in DIR: never an existing file, never
 * through a link. */
static int open_temp(int dir, const char *name, char *tmp, size_t size)
{
    static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    for (int attempt = 0; attempt < 64; attempt++) {
        unsigned char rnd[6];
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
            return -errno;
        int n = snprintf(tmp, size, ".%s.", name);
        if (n < 0 || (size_t)n + 7 > size)
            return -ENAMETOOLONG;
        for (int i = 0; i < 6; i++)
            tmp[n + i] = chars[rnd[i] % (sizeof chars - 1)];
        tmp[n + 6] = '\0';
        int fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0 || errno != EEXIST)
            return fd >= 0 ? fd : -errno;
    }
    return -EEXIST;
}

int state_file_replace_at(int dir, const char *name, const char *text, size_t len)
{
    char tmp[NAME_MAX + 1];
    int fd = open_temp(dir, name, tmp, sizeof tmp);
    if (fd < 0)
        return fd;

    int r = fill_temp(fd, text, len);
    if (close(fd) < 0 && r == 0)
        r = -errno;
    if (r == 0 && renameat(dir, tmp, dir, name) < 0)
        r = -errno;
    if (r < 0)
        unlinkat(dir, tmp, 0);
    return r;
}

int state_file_replace(const char *path, const char *text, size_t len)
{
    const char *slash = strrchr(path, '/');
    _cleanup_free_ char *dir = slash ? strndup(path, (size_t)(slash - path)) : strdup(".");
    const char *name = slash ? slash + 1 : path;
    if (!dir)
        return -ENOMEM;
    if (*name == '\0')
        return -EINVAL;
    _cleanup_close_ int fd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    return state_file_replace_at(fd, name, text, len);
}

static int state_text(const struct conversion_state *s, struct json_object **o, const char **text, size_t *len)
{
    *o = state_to_json(s);
    if (!*o)
        return -ENOMEM;
    *text = json_object_to_json_string_length(*o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, len);
    return *text ? 0 : -ENOMEM;
}

int state_write_atomic_at(const struct conversion_state *s, int dir, const char *name)
{
    _cleanup_json_ struct json_object *o = NULL;
    const char *text;
    size_t len = 0;
    int r = state_text(s, &o, &text, &len);
    return r < 0 ? r : state_file_replace_at(dir, name, text, len);
}

int state_write_atomic(const struct conversion_state *s, const char *path)
{
    _cleanup_json_ struct json_object *o = state_to_json(s);
    if (!o)
        return -ENOMEM;
    size_t len = 0;
    const char *text = json_object_to_json_string_length(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    if (!text)
        return -ENOMEM;
    return state_file_replace(path, text, len);
}
