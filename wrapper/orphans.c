/* SPDX-License-Identifier: Apache-2.0 */
/* Collection of what dead wrappers left. Only what can be proved ours is
 * trusted: a run directory in our private run root, owned by us and
 * writable by us alone, whose lock file (ours, a regular file with one
 * link, in a directory nobody else can write) is not locked any more. */
#include <dirent.h>
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
#include "common/settings.h"
#include "wrapper/files.h"
#include "wrapper/orphans.h"
#include "wrapper/ssh_agent.h"

#define LOCK_NAME ORPHAN_LOCK_NAME
#define LOCK_TEMP_NAME ".owner.lock.new"
#define STATE_MAX_SIZE (1024 * 1024)

static int owner_lock = -1;          /* inherited by the daemon, never by the engine (CLOEXEC) */

/* The lock gets its name only once it is locked: a wrapper starting at the
 * same time collects every run directory whose lock it can take, and a
 * lock created under its final name and locked a moment later would be
 * taken in that moment, and the live conversion collected. */
int orphan_lock_take(const struct conversion *c)
{
    int run = c->plan.paths.run_fd;
    int fd = openat(run, LOCK_TEMP_NAME, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    if (flock(fd, LOCK_EX | LOCK_NB) < 0 || renameat2(run, LOCK_TEMP_NAME, run, LOCK_NAME, RENAME_NOREPLACE) < 0) {
        int r = -errno;
        unlinkat(run, LOCK_TEMP_NAME, 0);
        close(fd);
        return r;
    }
    owner_lock = fd;
    return 0;
}

/* FD is a regular file of ours with one name. */
static bool is_ours(int fd, bool regular)
{
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_uid != geteuid())
        return false;
    if (regular)
        return S_ISREG(st.st_mode) && st.st_nlink == 1;
    return S_ISDIR(st.st_mode) && !(st.st_mode & 022);
}

/* Read a small file of ours in DIR: NULL when it is not one. */
static char *read_ours(int dir, const char *name, size_t max)
{
    _cleanup_close_ int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || !is_ours(fd, true) || fstat(fd, &st) < 0 || (size_t)st.st_size > max)
        return NULL;
    char *text = calloc(1, (size_t)st.st_size + 1);
    if (text && read(fd, text, (size_t)st.st_size) != st.st_size) {
        free(text);
        return NULL;
    }
    return text;
}

/* "v2v-import-TAG.RANDOM" -> "TAG"; NULL when the name is not one of ours. */
static char *tag_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    size_t pre = strlen(RUN_PREFIX);
    if (strncmp(name, RUN_PREFIX, pre) != 0 || !dot || dot <= name + pre || strlen(dot) != 13)
        return NULL;
    return strndup(name + pre, (size_t)(dot - name - (ptrdiff_t)pre));
}

/* Finish the dead conversion's state file as failed, unless it finished. */
static void finish_state(int state_dir, const char *state_name)
{
    _cleanup_free_ char *text = read_ours(state_dir, state_name, STATE_MAX_SIZE);
    if (!text)
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
    int r = state_file_replace_at(state_dir, state_name, out, len);
    if (r < 0)
        log_warning("Cannot finish the orphaned state file %s: %s", state_name, strerror(-r));
    else
        log_info("Finished the orphaned state file %s as failed", state_name);
}

/* Temporary state files (".NAME.XXXXXX") a killed writer left behind. */
static void remove_state_temps(int state_dir, const char *state_name)
{
    _cleanup_close_ int copy = openat(state_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    _cleanup_closedir_ DIR *d = copy >= 0 ? fdopendir(TAKE_FD(copy)) : NULL;
    size_t n = strlen(state_name);
    struct dirent *de;
    while (d && (de = readdir(d))) {
        struct stat st;
        if (de->d_name[0] == '.' && strncmp(de->d_name + 1, state_name, n) == 0 && de->d_name[n + 1] == '.'
            && fstatat(state_dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)
            && st.st_uid == geteuid())
            unlinkat(state_dir, de->d_name, 0);
    }
}

/* A wrapper killed before its JSON line: nobody knows its logs; remove them. */
static void remove_unannounced_logs(int run, const char *tag)
{
    _cleanup_free_ char *log_dir = read_ours(run, UNANNOUNCED_NAME, 4096);
    if (!log_dir)
        return;
    _cleanup_close_ int fd = open(log_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    const char *suffixes[] = { ".log", "-mr.log", "-wrapper.log" };
    for (size_t i = 0; fd >= 0 && i < ELEMENTSOF(suffixes); i++) {
        char name[512];
        struct stat st;
        snprintf(name, sizeof name, RUN_PREFIX "%s%s", tag, suffixes[i]);
        if (fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            unlinkat(fd, name, 0);
    }
}

static void collect_one(int root, const char *name, const char *state_dir)
{
    _cleanup_free_ char *tag = tag_of(name);
    _cleanup_close_ int run = tag ? openat(root, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
    if (run < 0 || !is_ours(run, false))
        return;
    _cleanup_close_ int lock = openat(run, LOCK_NAME, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (lock < 0 || !is_ours(lock, true) || flock(lock, LOCK_EX | LOCK_NB) < 0)
        return;                          /* collected already, or its wrapper lives */
    log_info("Collecting %s: its wrapper died", name);
    ssh_agent_collect(run);
    _cleanup_close_ int sd = state_dir ? open(state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                                       : openat(run, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    _cleanup_free_ char *state_name = NULL;
    if (asprintf(&state_name, RUN_PREFIX "%s.state", tag) < 0)
        return;
    if (sd >= 0)
        remove_state_temps(sd, state_name);
    _cleanup_close_ int marker = openat(run, UNANNOUNCED_NAME, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (marker >= 0 && is_ours(marker, true)) {
        /* Killed before the client learned any path: nothing of it stays. */
        remove_unannounced_logs(run, tag);
        if (sd >= 0 && state_dir) {
            unlinkat(sd, state_name, 0);
        }
        dir_remove_children(run, 8);
        unlinkat(root, name, AT_REMOVEDIR);
        return;
    }
    const char *subdirs[] = { SECRETS_NAME, AGENT_DIR_NAME };
    for (size_t i = 0; i < ELEMENTSOF(subdirs); i++) {
        _cleanup_close_ int fd = openat(run, subdirs[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd >= 0)
            dir_remove_children(fd, 8);
        unlinkat(run, subdirs[i], AT_REMOVEDIR);
    }
    if (sd >= 0)
        finish_state(sd, state_name);
    unlinkat(run, LOCK_NAME, 0);        /* collected: never again */
}

void orphans_collect(const struct conversion *c)
{
    _cleanup_free_ char *error = NULL;
    int root = -1;
    if (dir_open_private(c->plan.paths.run_root, true, &root, &error) < 0)
        return;                          /* conversion_files_create says why */
    _cleanup_closedir_ DIR *dir = fdopendir(root);
    if (!dir) {
        close(root);
        return;
    }
    struct dirent *de;
    while ((de = readdir(dir)))
        if (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN)
            /* The configured state directory, not this conversion's
             * (which defaults to its own run directory). */
            collect_one(dirfd(dir), de->d_name, settings()->state_dir);
}
