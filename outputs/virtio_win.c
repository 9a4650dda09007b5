#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "outputs/virtio_win.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/error.h"

#define MAX_DEPTH 8

struct iso_pattern {
    const char *prefix;      /* case-insensitive */
    bool has_version;        /* prefix VER ".iso", else prefix is the whole name */
};

/* Index = priority. */
static const struct iso_pattern patterns[] = {
    { "virtio-win.iso", false },
    { "virtio-win-", true },
    { "ovirt-tools-setup.iso", false },
    { "oVirt-toolsSetup_", true },
    { "rhev-tools-setup.iso", false },
    { "RHEV-toolsSetup_", true },
    { "rhv-tools-setup.iso", false },
    { "RHV-toolsSetup_", true },
};

const char *vdsm_mounts_root(void)
{
    const char *root = getenv("V2VW_RHEV_MNT");
    return root && *root ? root : VDSM_MOUNTS;
}

static bool is_regular(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir_nofollow(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* VER: a digit, then digits, letters, '.', '_' or '-'. */
static bool valid_version(const char *v, size_t len)
{
    if (len == 0 || v[0] < '0' || v[0] > '9')
        return false;
    for (size_t i = 0; i < len; i++)
        if (!strchr("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ._-", v[i]))
            return false;
    return true;
}

int virtio_win_priority(const char *name, const char **ver, size_t *ver_len)
{
    size_t len = strlen(name);
    for (int prio = (int)ELEMENTSOF(patterns) - 1; prio >= 0; prio--) {
        const struct iso_pattern *p = &patterns[prio];
        size_t plen = strlen(p->prefix);
        if (!p->has_version) {
            if (strcasecmp(name, p->prefix) == 0) {
                *ver = name + len;
                *ver_len = 0;
                return prio;
            }
            continue;
        }
        if (len < plen + 4 || strncasecmp(name, p->prefix, plen) != 0 ||
            strcasecmp(name + len - 4, ".iso") != 0)
            continue;
        if (!valid_version(name + plen, len - plen - 4))
            continue;
        *ver = name + plen;
        *ver_len = len - plen - 4;
        return prio;
    }
    return -1;
}

static bool metadata_is_iso(const char *path)
{
    _cleanup_fclose_ FILE *f = fopen(path, "re");
    _cleanup_free_ char *line = NULL;
    size_t cap = 0;
    ssize_t n;

    if (!f)
        return false;
    while ((n = getline(&line, &cap, f)) >= 0) {
        while (n > 0 && strchr(" \t\r\n", line[n - 1]))
            line[--n] = '\0';
        if (strcmp(line, "CLASS=Iso") == 0)
            return true;
    }
    return false;
}

static int find_in(const char *dir, int depth, char **images_dir)
{
    _cleanup_free_ char *dom_md = NULL;
    if (asprintf(&dom_md, "%s/dom_md", dir) < 0)
        return -ENOMEM;
    if (is_dir_nofollow(dom_md)) {
        /* A storage domain: look at its metadata only, never inside. */
        _cleanup_free_ char *metadata = NULL;
        if (asprintf(&metadata, "%s/metadata", dom_md) < 0)
            return -ENOMEM;
        if (!metadata_is_iso(metadata))
            return 0;
        if (asprintf(images_dir, "%s/" ISO_DOMAIN_IMAGES, dir) < 0)
            return -ENOMEM;
        return 1;
    }
    if (depth >= MAX_DEPTH)
        return 0;

    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0)
        return 0;            /* unreadable: not ours to judge */
    int r = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (r == 0 && strcmp(name, ".") && strcmp(name, "..") && strcmp(name, "blockSD")) {
            _cleanup_free_ char *sub = NULL;
            if (asprintf(&sub, "%s/%s", dir, name) < 0)
                r = -ENOMEM;
            else if (is_dir_nofollow(sub))
                r = find_in(sub, depth + 1, images_dir);
        }
        free(names[i]);
    }
    free(names);
    return r;
}

int iso_domain_find(const char *root, char **images_dir)
{
    *images_dir = NULL;
    int r = find_in(root, 0, images_dir);
    return r < 0 ? r : 0;
}

int virtio_win_best(const char *dir, char **path)
{
    _cleanup_closedir_ DIR *d = opendir(dir);
    _cleanup_free_ char *best = NULL;
    int best_prio = -1;
    const char *best_ver = NULL;
    size_t best_ver_len = 0;
    struct dirent *e;

    *path = NULL;
    if (!d)
        return errno == ENOENT ? 0 : -errno;
    while ((e = readdir(d))) {
        const char *ver;
        size_t ver_len;
        int prio = virtio_win_priority(e->d_name, &ver, &ver_len);
        if (prio < 0 || prio < best_prio)
            continue;
        _cleanup_free_ char *full = NULL;
        if (asprintf(&full, "%s/%s", dir, e->d_name) < 0)
            return -ENOMEM;
        if (!is_regular(full))
            continue;
        if (prio == best_prio) {
            size_t m = ver_len < best_ver_len ? ver_len : best_ver_len;
            int c = memcmp(ver, best_ver, m);
            if (c == 0)
                c = ver_len == best_ver_len ? strcmp(full, best) : ver_len > best_ver_len ? 1 : -1;
            if (c <= 0)
                continue;
        }
        free(best);
        best = TAKE_PTR(full);
        best_prio = prio;
        /* Point into our own copy: readdir's buffer does not last. */
        best_ver = best + strlen(best) - 4 - ver_len;
        best_ver_len = ver_len;
    }
    *path = TAKE_PTR(best);
    return 0;
}

static int resolve_named(struct output_plan *plan, const char *name, char **error)
{
    const char *root = vdsm_mounts_root();
    _cleanup_free_ char *dir = NULL;
    _cleanup_free_ char *path = NULL;

    if (strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..") || !*name) {
        return error_set(error, -EINVAL, "virtio_win \"%s\" must be an absolute path or a file "
                                         "name in the ISO domain",
                                         name);
    }
    int r = iso_domain_find(root, &dir);
    if (r < 0)
        return r;
    if (!dir) {
        return error_set(error, -ENOENT, "virtio_win \"%s\" is a file name but there is no ISO "
                                         "domain under %s",
                                         name, root);
    }
    if (asprintf(&path, "%s/%s", dir, name) < 0)
        return -ENOMEM;
    if (!is_regular(path)) {
        return error_set(error, -ENOENT, "virtio_win \"%s\" is not a file in the ISO domain %s",
                                         name, dir);
    }
    plan->virtio_win = TAKE_PTR(path);
    return 0;
}

static int resolve_best(struct output_plan *plan)
{
    const char *root = vdsm_mounts_root();
    _cleanup_free_ char *dir = NULL;

    int r = iso_domain_find(root, &dir);
    if (r < 0)
        return r;
    if (!dir) {
        log_warning("No ISO domain under %s: drivers will not be installed", root);
        return 0;
    }
    r = virtio_win_best(dir, &plan->virtio_win);
    if (r < 0)
        return r;
    if (plan->virtio_win)
        log_info("Using drivers ISO %s", plan->virtio_win);
    else
        log_warning("No guest tools ISO in the ISO domain %s: drivers will not be installed", dir);
    return 0;
}

/* Outputs without an ISO domain take an absolute path only. */
static int resolve_path_only(const struct output_input *in, const char *output,
                             struct output_plan *plan, char **error)
{
    const char *iso = in->virtio_win;

    if (!iso)
        return 0;
    if (iso[0] != '/') {
        return error_set(error, -ENOENT, "\"virtio_win\": the file name \"%s\" is looked up in an "
                                         "oVirt ISO domain, which the %s output does not have; "
                                         "give an absolute path", iso, output);
    }
    if (!is_regular(iso))
        return error_set(error, -ENOENT, "\"virtio_win\": %s is not a regular file", iso);
    plan->virtio_win = strdup(iso);
    return plan->virtio_win ? 0 : -ENOMEM;
}

int virtio_win_resolve(const struct output_input *in, const struct output_ops *ops,
                       struct output_plan *plan, char **error)
{
    const char *v = in->virtio_win;

    free(plan->virtio_win);
    plan->virtio_win = NULL;
    if (!ops->iso_domain)
        return resolve_path_only(in, ops->name, plan, error);
    if (!v)
        return in->install_drivers ? resolve_best(plan) : 0;
    if (v[0] != '/')
        return resolve_named(plan, v, error);
    if (!is_regular(v)) {
        return error_set(error, -ENOENT, "virtio_win \"%s\" is not a regular file", v);
    }
    plan->virtio_win = strdup(v);
    return plan->virtio_win ? 0 : -ENOMEM;
}
