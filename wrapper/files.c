/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <dirent.h>
#include <stdint.h>
#include <sys/random.h>
#include <unistd.h>

#include "outputs/output.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/settings.h"
#include "wrapper/files.h"
#include "wrapper/orphans.h"

int conversion_identity(struct conversion *c, char **error)
{
    switch (c->plan.output->identity) {
    case IDENTITY_CALLER:
        c->plan.uid = getuid();
        c->plan.gid = getgid();
        break;
    case IDENTITY_ROOT:
        c->plan.uid = 0;
        c->plan.gid = 0;
        break;
    case IDENTITY_VDSM:
        c->plan.uid = VDSM_UID;
        c->plan.gid = VDSM_GID;
        break;
    }
    if (geteuid() != 0 && (c->plan.uid != geteuid() || c->plan.gid != getegid()))
        return error_set(error, -EPERM, "the %s output runs the conversion as uid %u gid %u: "
                    "run virt-v2v-wrapper as root or as that user", c->plan.output->name,
                    (unsigned)c->plan.uid, (unsigned)c->plan.gid);
    /* The conversion user's home (default ssh keys, the LUKS vault): our
     * own $HOME when the conversion runs as us, else the password
     * database's entry (an NSS lookup, skipped when not needed: it is
     * the slowest step before the client gets its line). */
    const char *home = c->plan.uid == getuid() ? getenv("HOME") : NULL;
    if (!home || home[0] != '/') {
        struct passwd *pw = getpwuid(c->plan.uid);
        home = pw && pw->pw_dir && pw->pw_dir[0] == '/' ? pw->pw_dir : NULL;
    }
    c->plan.user_home = strdup(home ? home : "/");
    return c->plan.user_home ? 0 : -ENOMEM;
}

/* Where the private run directories live: root's /run, else a directory
 * of the user's own. V2VW_RUN_DIR moves it (tests). */
static char *run_root_default(void)
{
    char *s = NULL;
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (settings()->run_root)
        return strdup(settings()->run_root);
    if (geteuid() == 0)
        return strdup(RUN_ROOT);
    if (xdg && *xdg)
        return asprintf(&s, "%s/virt-v2v-wrapper", xdg) < 0 ? NULL : s;
    return asprintf(&s, "/tmp/virt-v2v-wrapper-%u", (unsigned)geteuid()) < 0 ? NULL : s;
}

int conversion_paths_init(struct conversion *c, char **error)
{
    struct conversion_paths *p = &c->plan.paths;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;

    p->root_fd = p->run_fd = p->secrets_fd = p->state_fd = p->log_fd = -1;
    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
    if (asprintf(&p->tag, "%s-%ld", stamp, (long)getpid()) < 0)
        return -ENOMEM;
    const struct settings *set = settings();
    p->log_dir = strdup(set->log_dir ? set->log_dir : c->plan.output->log_dir);
    p->run_root = run_root_default();
    if (set->state_dir)
        p->state_dir = strdup(set->state_dir);
    if (!p->log_dir || !p->run_root || (set->state_dir && !p->state_dir)
        || asprintf(&p->v2v_log, "%s/v2v-import-%s.log", p->log_dir, p->tag) < 0
        || asprintf(&p->mr_log, "%s/v2v-import-%s-mr.log", p->log_dir, p->tag) < 0
        || asprintf(&p->wrapper_log, "%s/v2v-import-%s-wrapper.log", p->log_dir, p->tag) < 0
        || asprintf(&p->state_name, "v2v-import-%s.state", p->tag) < 0
        || asprintf(&p->throttle_name, "v2v-import-%s.throttle", p->tag) < 0)
        return error_set(error, -ENOMEM, "out of memory");
    return 0;
}

/* mkdir -p for the log directory (oVirt hosts may not have it yet). */
static int make_dirs(const char *path)
{
    _cleanup_free_ char *copy = strdup(path);
    if (!copy)
        return -ENOMEM;
    for (char *s = copy + 1; *s; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(copy, 0755) < 0 && errno != EEXIST)
            return -errno;
        *s = '/';
    }
    if (mkdir(copy, 0755) < 0 && errno != EEXIST)
        return -errno;
    return 0;
}

int dir_open_private(const char *path, bool create, int *out, char **error)
{
    struct stat st;
    if (create && mkdir(path, 0755) < 0 && errno != EEXIST)
        return error_set(error, -errno, "cannot create the run directory %s: %s", path, strerror(errno));
    _cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return error_set(error, -errno, "cannot open the run directory %s: %s%s", path, strerror(errno),
                         errno == ELOOP || errno == ENOTDIR ? " (it must be a real directory, not a link)" : "");
    if (fstat(fd, &st) < 0)
        return -errno;
    if (st.st_uid != geteuid() || (st.st_mode & 022))
        return error_set(error, -EPERM, "the run directory %s is owned by uid %u with mode %04o: it must "
                         "belong to uid %u and be writable by it alone; refusing to keep secrets there",
                         path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777), (unsigned)geteuid());
    *out = TAKE_FD(fd);
    return 0;
}

/* A directory inside one of ours: root's, searchable by the conversion's
 * group when the conversion runs as another user, never its own. */
static int make_private_subdir(const struct conversion *c, int parent, const char *name, int *out)
{
    if (mkdirat(parent, name, 0700) < 0)
        return -errno;
    _cleanup_close_ int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (c->plan.uid != geteuid() && (fchown(fd, (uid_t)-1, c->plan.gid) < 0 || fchmod(fd, 0710) < 0))
        return -errno;
    *out = TAKE_FD(fd);
    return 0;
}

/* RUN_ROOT/v2v-import-TAG.RANDOM: nobody can guess or squat the name. */
static int create_run_dir(struct conversion *c, char **error)
{
    struct conversion_paths *p = &c->plan.paths;
    int r = dir_open_private(p->run_root, true, &p->root_fd, error);
    if (r < 0)
        return r;
    for (int attempt = 0; attempt < 16; attempt++) {
        uint8_t rnd[6];
        char name[256];
        if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
            return error_set(error, -errno, "cannot get random bytes: %s", strerror(errno));
        snprintf(name, sizeof name, RUN_PREFIX "%s.%02x%02x%02x%02x%02x%02x", p->tag,
                 rnd[0], rnd[1], rnd[2], rnd[3], rnd[4], rnd[5]);
        r = make_private_subdir(c, p->root_fd, name, &p->run_fd);
        if (r == -EEXIST)
            continue;
        if (r < 0)
            return error_set(error, r, "cannot create a run directory in %s: %s", p->run_root, strerror(-r));
        if (asprintf(&p->run_dir, "%s/%s", p->run_root, name) < 0)
            return -ENOMEM;
        return 0;
    }
    return error_set(error, -EEXIST, "cannot create a run directory in %s: every name is taken", p->run_root);
}

/* Remember, until the JSON line is out, which logs to remove should we be
 * killed before (nobody would ever learn their names). */
static int mark_unannounced(struct conversion *c)
{
    _cleanup_close_ int fd = openat(c->plan.paths.run_fd, UNANNOUNCED_NAME,
                                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    size_t n = strlen(c->plan.paths.log_dir);
    return write(fd, c->plan.paths.log_dir, n) == (ssize_t)n ? 0 : -EIO;
}

void conversion_announced(struct conversion *c)
{
    if (c->plan.paths.run_fd >= 0)
        unlinkat(c->plan.paths.run_fd, UNANNOUNCED_NAME, 0);
}

/* A new empty log owned by the conversion user (the engine writes it):
 * nothing that was there before is reused, followed or waited on. */
static int create_log(const struct conversion *c, const char *path, char **error)
{
    const char *name = strrchr(path, '/') + 1;
    _cleanup_close_ int fd = openat(c->plan.paths.log_fd, name,
                                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0640);
    if (fd < 0)
        return error_set(error, -errno, "cannot create %s: %s", path, strerror(errno));
    if (fchown(fd, c->plan.uid, c->plan.gid) < 0 && geteuid() == 0)
        return error_set(error, -errno, "cannot give %s to uid %u: %s", path, (unsigned)c->plan.uid, strerror(errno));
    return 0;
}

int secret_file_write(struct conversion *c, const char *name, const char *data, size_t len,
                      char **path_out, char **error)
{
    _cleanup_free_ char *path = NULL;
    if (asprintf(&path, "%s/%s", c->plan.paths.secrets_dir, name) < 0)
        return -ENOMEM;
    _cleanup_close_ int fd = openat(c->plan.paths.secrets_fd, name,
                                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return error_set(error, -errno, "cannot create secret file %s: %s", path, strerror(errno));
    if (geteuid() == 0 && fchown(fd, c->plan.uid, c->plan.gid) < 0) {
        int r = -errno;
        unlinkat(c->plan.paths.secrets_fd, name, 0);
        return error_set(error, r, "cannot give secret file %s to uid %u: %s", path, (unsigned)c->plan.uid, strerror(-r));
    }
    for (size_t off = 0; off < len;) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int r = n < 0 ? -errno : -EIO;
            unlinkat(c->plan.paths.secrets_fd, name, 0);
            return error_set(error, r, "cannot write secret file %s: %s", path, strerror(-r));
        }
        off += (size_t)n;
    }
    *path_out = TAKE_PTR(path);
    return 0;
}

static int write_input_secrets(struct conversion *c, char **error)
{
    const struct conversion_config *cfg = &c->cfg;
    int r = 0;

    if (cfg->vmware_password)
        r = secret_file_write(c, "vmware-password", cfg->vmware_password,
                              strlen(cfg->vmware_password), &c->plan.secrets.vmware_password, error);
    if (r >= 0 && cfg->source_password)
        r = secret_file_write(c, "source-password", cfg->source_password,
                              strlen(cfg->source_password), &c->plan.secrets.source_password, error);
    if (r >= 0 && cfg->rhv_password)
        r = secret_file_write(c, "rhv-password", cfg->rhv_password, strlen(cfg->rhv_password),
                              &c->plan.secrets.rhv_password, error);
    if (r >= 0 && cfg->ssh_key)
        r = secret_file_write(c, "ssh-key", cfg->ssh_key, strlen(cfg->ssh_key), &c->plan.secrets.ssh_key, error);
    return r;
}

/* The private run directory, its lock and secrets directory, and where the
 * state file goes (the run directory, or $V2VW_STATE_DIR). */
static int create_private_dirs(struct conversion *c, char **error)
{
    struct conversion_paths *p = &c->plan.paths;
    int r = create_run_dir(c, error);
    if (r < 0)
        return r;
    if ((r = orphan_lock_take(c)) < 0)
        return error_set(error, r, "cannot lock %s: %s", p->run_dir, strerror(-r));
    if ((r = mark_unannounced(c)) < 0)
        return error_set(error, r, "cannot write into %s: %s", p->run_dir, strerror(-r));
    if ((r = make_private_subdir(c, p->run_fd, SECRETS_NAME, &p->secrets_fd)) < 0)
        return error_set(error, r, "cannot create the secrets directory in %s: %s", p->run_dir, strerror(-r));
    if (asprintf(&p->secrets_dir, "%s/" SECRETS_NAME, p->run_dir) < 0)
        return -ENOMEM;
    if (!p->state_dir && !(p->state_dir = strdup(p->run_dir)))
        return -ENOMEM;
    p->state_fd = open(p->state_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (p->state_fd < 0)
        return error_set(error, -errno, "cannot open the state directory %s: %s", p->state_dir, strerror(errno));
    if (asprintf(&p->state_file, "%s/%s", p->state_dir, p->state_name) < 0
        || asprintf(&p->throttle_file, "%s/%s", p->state_dir, p->throttle_name) < 0)
        return -ENOMEM;
    return 0;
}

int conversion_files_create(struct conversion *c, char **error)
{
    struct conversion_paths *p = &c->plan.paths;
    int r = create_private_dirs(c, error);

    if (r >= 0 && (r = make_dirs(p->log_dir)) < 0)
        r = error_set(error, r, "cannot create the log directory %s: %s", p->log_dir, strerror(-r));
    if (r >= 0 && (p->log_fd = open(p->log_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        r = error_set(error, -errno, "cannot open the log directory %s: %s", p->log_dir, strerror(errno));
    if (r >= 0)
        r = create_log(c, p->v2v_log, error);
    if (r >= 0)
        r = create_log(c, p->mr_log, error);
    if (r >= 0)
        r = write_input_secrets(c, error);
    if (r < 0)
        conversion_files_remove_all(c);
    return r;
}

/* Empty the directory DFD: entries are removed, never followed; a
 * directory someone planted is emptied (by descriptor) and removed. */
void dir_remove_children(int dfd, int depth)
{
    _cleanup_close_ int copy = dfd >= 0 ? openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (copy < 0)
        return;
    _cleanup_closedir_ DIR *d = fdopendir(TAKE_FD(copy));
    struct dirent *de;
    while (d && (de = readdir(d))) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (unlinkat(dfd, de->d_name, 0) == 0 || (errno != EISDIR && errno != EPERM) || depth <= 0)
            continue;
        _cleanup_close_ int sub = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub >= 0)
            dir_remove_children(sub, depth - 1);
        unlinkat(dfd, de->d_name, AT_REMOVEDIR);
    }
}

static void remove_subdir(int parent, const char *name)
{
    if (parent < 0)
        return;
    _cleanup_close_ int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0)
        dir_remove_children(fd, 8);
    unlinkat(parent, name, AT_REMOVEDIR);
}

void conversion_secrets_remove(struct conversion *c)
{
    struct conversion_paths *p = &c->plan.paths;

    if (p->secrets_fd >= 0) {
        dir_remove_children(p->secrets_fd, 8);
        close(p->secrets_fd);
        p->secrets_fd = -1;
    }
    remove_subdir(p->run_fd, SECRETS_NAME);
    remove_subdir(p->run_fd, AGENT_DIR_NAME);
}

void conversion_run_dir_release(struct conversion *c)
{
    struct conversion_paths *p = &c->plan.paths;
    if (p->run_fd < 0)
        return;
    conversion_secrets_remove(c);
    if (p->state_dir && strcmp(p->state_dir, p->run_dir) == 0) {
        unlinkat(p->run_fd, ORPHAN_LOCK_NAME, 0);   /* finished: nothing to collect */
        return;
    }
    dir_remove_children(p->run_fd, 8);
    unlinkat(p->root_fd, strrchr(p->run_dir, '/') + 1, AT_REMOVEDIR);
}

void conversion_files_remove_all(struct conversion *c)
{
    struct conversion_paths *p = &c->plan.paths;
    const char *logs[] = { p->v2v_log, p->mr_log, p->wrapper_log };

    conversion_secrets_remove(c);
    for (size_t i = 0; p->log_fd >= 0 && i < ELEMENTSOF(logs); i++) {
        struct stat st;
        const char *name = logs[i] ? strrchr(logs[i], '/') + 1 : NULL;
        /* Ours only: what a neighbour planted under the name stays. */
        if (name && fstatat(p->log_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode)
            && st.st_nlink == 1 && (st.st_uid == c->plan.uid || st.st_uid == geteuid()))
            unlinkat(p->log_fd, name, 0);
    }
    if (p->state_fd >= 0 && p->state_name) {
        unlinkat(p->state_fd, p->state_name, 0);
        unlinkat(p->state_fd, p->throttle_name, 0);
    }
    if (p->run_fd >= 0) {
        dir_remove_children(p->run_fd, 8);
        unlinkat(p->root_fd, strrchr(p->run_dir, '/') + 1, AT_REMOVEDIR);
    }
}

void conversion_paths_free(struct conversion_paths *p)
{
    if (p->tag) {
        int fds[] = { p->root_fd, p->run_fd, p->secrets_fd, p->state_fd, p->log_fd };
        for (size_t i = 0; i < ELEMENTSOF(fds); i++)
            if (fds[i] >= 0)
                close(fds[i]);
    }
    free(p->tag);
    free(p->run_root);
    free(p->run_dir);
    free(p->state_name);
    free(p->throttle_name);
    free(p->log_dir);
    free(p->state_dir);
    free(p->v2v_log);
    free(p->mr_log);
    free(p->wrapper_log);
    free(p->state_file);
    free(p->throttle_file);
    free(p->secrets_dir);
    *p = (struct conversion_paths){ 0 };
}

void conversion_secrets_free(struct secret_files *s)
{
    free(s->vmware_password);
    free(s->source_password);
    free(s->rhv_password);
    free(s->ssh_key);
    for (size_t i = 0; i < s->n_luks; i++) {
        free(s->luks[i].device);
        free(s->luks[i].key_file);
    }
    free(s->luks);
    *s = (struct secret_files){ 0 };
}
