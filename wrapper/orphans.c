#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "state/state.h"
#include "common/cleanup.h"
#include "common/io.h"
#include "common/log.h"
#include "wrapper/orphans.h"

#define PREFIX "v2v-import-"
#define SUFFIX ".secrets"
#define LOCK_NAME "owner.lock"
#define STATE_MAX_SIZE (1024 * 1024)

static int owner_lock = -1;          /* inherited by the daemon, never by the engine (CLOEXEC) */

int orphan_lock_take(const struct conversion *c)
{
    _cleanup_free_ char *path = NULL;
    if (asprintf(&path, "%s/" LOCK_NAME, c->paths.secrets_dir) < 0)
        return -ENOMEM;
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int r = -errno;
        close(fd);
        return r;
    }
    owner_lock = fd;
    return 0;
}

static bool is_secrets_dir_name(const char *name)
{
    size_t len = strlen(name);
    return len > strlen(PREFIX) + strlen(SUFFIX) && strncmp(name, PREFIX, strlen(PREFIX)) == 0
           && strcmp(name + len - strlen(SUFFIX), SUFFIX) == 0;
}

/* Finish the dead conversion's state file as failed, unless it finished. */
static void finish_state(const char *state_dir, int parent, const char *secrets_name)
{
    char state_name[512];
    size_t stem = strlen(secrets_name) - strlen(SUFFIX);
    snprintf(state_name, sizeof state_name, "%.*s.state", (int)stem, secrets_name);

    _cleanup_close_ int fd = openat(parent, state_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > STATE_MAX_SIZE)
        return;
    _cleanup_free_ char *text = calloc(1, (size_t)st.st_size + 1);
    size_t n;
    if (!text || read_all(fd, text, (size_t)st.st_size, &n) < 0 || n != (size_t)st.st_size)
        return;
    _cleanup_json_ struct json_object *o = json_tokener_parse(text);
    struct json_object *v;
    if (!o || !json_object_is_type(o, json_type_object)
        || (json_object_object_get_ex(o, "finished", &v) && json_object_get_boolean(v)))
        return;
    _cleanup_json_ struct json_object *msg = json_object_new_object();
    json_object_object_add(msg, "message", json_object_new_string(
        "virt-v2v-wrapper died while the conversion ran; a later wrapper cleaned up after it"));
    json_object_object_add(msg, "type", json_object_new_string("error"));
    json_object_object_add(o, "last_message", json_object_get(msg));
    json_object_object_add(o, "failed", json_object_new_boolean(1));
    json_object_object_add(o, "finished", json_object_new_boolean(1));
    size_t len;
    const char *out = json_object_to_json_string_length(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);
    _cleanup_free_ char *path = NULL;
    if (asprintf(&path, "%s/%s", state_dir, state_name) < 0)
        return;
    int r = state_file_replace(path, out, len);
    if (r < 0)
        log_warning("Cannot finish the orphaned state file %s: %s", state_name, strerror(-r));
    else
        log_info("Finished the orphaned state file %s as failed", state_name);
}

static void collect_one(const char *state_dir, int parent, const char *name)
{
    _cleanup_close_ int d = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d < 0)
        return;
    _cleanup_close_ int lock = openat(d, LOCK_NAME, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0)
        return;                          /* no lock yet, or its wrapper lives */
    log_info("Collecting %s: its wrapper died", name);
    _cleanup_closedir_ DIR *dir = fdopendir(TAKE_FD(d));
    struct dirent *de;
    while (dir && (de = readdir(dir)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            unlinkat(dirfd(dir), de->d_name, 0);
    unlinkat(parent, name, AT_REMOVEDIR);
    finish_state(state_dir, parent, name);
}

void orphans_collect(const char *state_dir)
{
    _cleanup_closedir_ DIR *dir = opendir(state_dir);
    struct dirent *de;
    while (dir && (de = readdir(dir)))
        if (is_secrets_dir_name(de->d_name) && (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN))
            collect_one(state_dir, dirfd(dir), de->d_name);
}
