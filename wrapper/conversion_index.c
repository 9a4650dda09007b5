/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "wrapper/conversion.h"
#include "wrapper/conversion_index.h"
#include "common/log.h"
#include "common/settings.h"

static const char *index_dir(void)
{
    const struct settings *set = settings();
    if (set->index_dir)
        return set->index_dir;
    if (set->state_dir)
        return set->state_dir;
    return "/run/virt-v2v-wrapper/conversions";
}

static int mkdir_parents(const char *dir)
{
    _cleanup_free_ char *p = strdup(dir);
    if (!p)
        return -ENOMEM;
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0755) < 0 && errno != EEXIST)
                return -errno;
            *s = '/';
        }
    return mkdir(p, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

/* Links to state files that no longer exist. */
static void prune(const char *dir)
{
    _cleanup_closedir_ DIR *d = opendir(dir);
    struct dirent *e;
    struct stat st;
    while (d && (e = readdir(d)))
        if (strncmp(e->d_name, "v2v-import-", 11) == 0 && fstatat(dirfd(d), e->d_name, &st, 0) < 0
            && errno == ENOENT && fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
            && S_ISLNK(st.st_mode))
            unlinkat(dirfd(d), e->d_name, 0);
}

void conversion_index_add(const struct conversion *c)
{
    const struct settings *set = settings();
    if (!set->index_dir && set->state_dir)
        return;                        /* the index is the state directory itself */
    const char *dir = index_dir();
    _cleanup_free_ char *real_index = NULL, *real_state = NULL, *link = NULL;
    int r = mkdir_parents(dir);
    if (r < 0) {
        log_warning("Cannot create the conversion index %s: %s", dir, strerror(-r));
        return;
    }
    real_index = realpath(dir, NULL);
    real_state = realpath(c->plan.paths.state_dir, NULL);
    if (real_index && real_state && strcmp(real_index, real_state) == 0)
        return;                        /* the admin command reads the state directory */
    prune(dir);
    if (asprintf(&link, "%s/v2v-import-%s.state", dir, c->plan.paths.tag) < 0)
        return;
    if (symlink(c->plan.paths.state_file, link) < 0 && errno != EEXIST)
        log_warning("Cannot add the conversion to the index %s: %s", dir, strerror(errno));
}
