/* Atomic replacement of the state file: temporary in the same directory,
 * written, fsync'd, chmod 0644, renamed over the old file. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/state.h"
#include "common/cleanup.h"
#include "common/io.h"

/* "DIR/NAME" -> "DIR/.NAME.XXXXXX" (mkostemp template). */
static char *temp_template(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    int dirlen = (int)(name - path);
    char *t = NULL;
    if (*name == '\0')
        return NULL;
    if (asprintf(&t, "%.*s.%s.XXXXXX", dirlen, path, name) < 0)
        return NULL;
    return t;
}

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

int state_file_replace(const char *path, const char *text, size_t len)
{
    _cleanup_free_ char *tmp = temp_template(path);
    if (!tmp)
        return -EINVAL;
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return -errno;

    int r = fill_temp(fd, text, len);
    if (close(fd) < 0 && r == 0)
        r = -errno;
    if (r == 0 && rename(tmp, path) < 0)
        r = -errno;
    if (r < 0)
        unlink(tmp);
    return r;
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
