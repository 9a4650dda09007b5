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
#include <unistd.h>

#include "outputs/output.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "wrapper/files.h"
#include "wrapper/orphans.h"

int conversion_identity(struct conversion *c, char **error)
{
    switch (c->output->identity) {
    case IDENTITY_CALLER:
        c->uid = getuid();
        c->gid = getgid();
        break;
    case IDENTITY_ROOT:
        c->uid = 0;
        c->gid = 0;
        break;
    case IDENTITY_VDSM:
        c->uid = VDSM_UID;
        c->gid = VDSM_GID;
        break;
    }
    if (geteuid() != 0 && (c->uid != geteuid() || c->gid != getegid()))
        return error_set(error, -EPERM, "the %s output runs the conversion as uid %u gid %u: "
                    "run virt-v2v-wrapper as root or as that user", c->output->name,
                    (unsigned)c->uid, (unsigned)c->gid);
    struct passwd *pw = getpwuid(c->uid);
    const char *home = pw ? pw->pw_dir : (c->uid == getuid() ? getenv("HOME") : NULL);
    if (c->uid == getuid() && getenv("HOME"))
        home = getenv("HOME");
    c->user_home = strdup(home ? home : "/");
    return c->user_home ? 0 : -ENOMEM;
}

static const char *dir_from_env(const char *var, const char *def)
{
    const char *v = getenv(var);
    return v && *v ? v : def;
}

int conversion_paths_init(struct conversion *c, char **error)
{
    struct conversion_paths *p = &c->paths;
    char stamp[32];
    time_t now = time(NULL);
    struct tm tm;

    localtime_r(&now, &tm);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &tm);
    if (asprintf(&p->tag, "%s-%ld", stamp, (long)getpid()) < 0)
        return -ENOMEM;
    p->log_dir = strdup(dir_from_env("V2VW_LOG_DIR", c->output->log_dir));
    p->state_dir = strdup(dir_from_env("V2VW_STATE_DIR", "/tmp"));
    if (!p->log_dir || !p->state_dir
        || asprintf(&p->v2v_log, "%s/v2v-import-%s.log", p->log_dir, p->tag) < 0
        || asprintf(&p->mr_log, "%s/v2v-import-%s-mr.log", p->log_dir, p->tag) < 0
        || asprintf(&p->wrapper_log, "%s/v2v-import-%s-wrapper.log", p->log_dir, p->tag) < 0
        || asprintf(&p->state_file, "%s/v2v-import-%s.state", p->state_dir, p->tag) < 0
        || asprintf(&p->throttle_file, "%s/v2v-import-%s.throttle", p->state_dir, p->tag) < 0
        || asprintf(&p->secrets_dir, "%s/v2v-import-%s.secrets", p->state_dir, p->tag) < 0)
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

/* A new empty file owned by the conversion user (the engine writes it). */
static int create_owned(const struct conversion *c, const char *path, mode_t mode, char **error)
{
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return error_set(error, -errno, "cannot create %s: %s", path, strerror(errno));
    if (fchown(fd, c->uid, c->gid) < 0 && geteuid() == 0)
        return error_set(error, -errno, "cannot give %s to uid %u: %s", path, (unsigned)c->uid, strerror(errno));
    return 0;
}

int secret_file_write(struct conversion *c, const char *name, const char *data, size_t len,
                      char **path_out, char **error)
{
    _cleanup_free_ char *path = NULL;
    if (asprintf(&path, "%s/%s", c->paths.secrets_dir, name) < 0)
        return -ENOMEM;
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return error_set(error, -errno, "cannot create secret file %s: %s", path, strerror(errno));
    if (geteuid() == 0 && fchown(fd, c->uid, c->gid) < 0) {
        int r = -errno;
        unlink(path);
        return error_set(error, r, "cannot give secret file %s to uid %u: %s", path, (unsigned)c->uid, strerror(-r));
    }
    for (size_t off = 0; off < len;) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int r = n < 0 ? -errno : -EIO;
            unlink(path);
            return error_set(error, r, "cannot write secret file %s: %s", path, strerror(-r));
        }
        off += (size_t)n;
    }
    *path_out = TAKE_PTR(path);
    return 0;
}

static int create_secrets_dir(const struct conversion *c, char **error)
{
    if (mkdir(c->paths.secrets_dir, 0700) < 0)
        return error_set(error, -errno, "cannot create %s: %s", c->paths.secrets_dir, strerror(errno));
    if (geteuid() == 0 && chown(c->paths.secrets_dir, c->uid, c->gid) < 0)
        return error_set(error, -errno, "cannot give %s to uid %u: %s", c->paths.secrets_dir,
                    (unsigned)c->uid, strerror(errno));
    int r = orphan_lock_take(c);
    if (r < 0)
        return error_set(error, r, "cannot lock %s: %s", c->paths.secrets_dir, strerror(-r));
    return 0;
}

static int write_input_secrets(struct conversion *c, char **error)
{
    const struct conversion_config *cfg = &c->cfg;
    int r = 0;

    if (cfg->vmware_password)
        r = secret_file_write(c, "vmware-password", cfg->vmware_password,
                              strlen(cfg->vmware_password), &c->secrets.vmware_password, error);
    if (r >= 0 && cfg->source_password)
        r = secret_file_write(c, "source-password", cfg->source_password,
                              strlen(cfg->source_password), &c->secrets.source_password, error);
    if (r >= 0 && cfg->rhv_password)
        r = secret_file_write(c, "rhv-password", cfg->rhv_password, strlen(cfg->rhv_password),
                              &c->secrets.rhv_password, error);
    if (r >= 0 && cfg->ssh_key)
        r = secret_file_write(c, "ssh-key", cfg->ssh_key, strlen(cfg->ssh_key), &c->secrets.ssh_key, error);
    return r;
}

int conversion_files_create(struct conversion *c, char **error)
{
    const struct conversion_paths *p = &c->paths;
    int r = make_dirs(p->log_dir);

    if (r < 0)
        r = error_set(error, r, "cannot create the log directory %s: %s", p->log_dir, strerror(-r));
    if (r >= 0 && access(p->state_dir, W_OK | X_OK) < 0)
        r = error_set(error, -errno, "cannot write to the state directory %s: %s", p->state_dir, strerror(errno));
    if (r >= 0)
        r = create_owned(c, p->v2v_log, 0644, error);
    if (r >= 0)
        r = create_owned(c, p->mr_log, 0644, error);
    if (r >= 0)
        r = create_secrets_dir(c, error);
    if (r >= 0)
        r = write_input_secrets(c, error);
    if (r < 0)
        conversion_files_remove_all(c);
    return r;
}

static void unlink_freep(char **path)
{
    if (*path) {
        unlink(*path);
        free(*path);
        *path = NULL;
    }
}

void conversion_secrets_remove(struct conversion *c)
{
    struct secret_files *s = &c->secrets;

    unlink_freep(&s->vmware_password);
    unlink_freep(&s->source_password);
    unlink_freep(&s->rhv_password);
    unlink_freep(&s->ssh_key);
    for (size_t i = 0; i < s->n_luks; i++)
        unlink_freep(&s->luks[i].key_file);
    if (!c->paths.secrets_dir)
        return;
    /* Anything else that ended up in there (ssh-agent socket) goes too. */
    _cleanup_closedir_ DIR *d = opendir(c->paths.secrets_dir);
    struct dirent *de;
    while (d && (de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            unlinkat(dirfd(d), de->d_name, 0);
    rmdir(c->paths.secrets_dir);
}

void conversion_files_remove_all(struct conversion *c)
{
    const struct conversion_paths *p = &c->paths;

    conversion_secrets_remove(c);
    const char *files[] = { p->v2v_log, p->mr_log, p->wrapper_log, p->state_file, p->throttle_file };
    for (size_t i = 0; i < ELEMENTSOF(files); i++)
        if (files[i])
            unlink(files[i]);
}

void conversion_paths_free(struct conversion_paths *p)
{
    free(p->tag);
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
