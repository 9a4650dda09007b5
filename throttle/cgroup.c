/* The conversion's cgroups: finding the hierarchies, creating
 * virt-v2v-wrapper/TAG in them, writing limits, removing them. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "throttle/throttle_int.h"
#include "common/cleanup.h"
#include "common/log.h"

/* Mount points in mountinfo escape space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
    char *w = s;
    for (char *r = s; *r; ) {
        if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
            r[3] >= '0' && r[3] <= '7') {
            *w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
            r += 4;
        } else
            *w++ = *r++;
    }
    *w = '\0';
}

static bool has_option(const char *opts, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = opts; p && *p; ) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        if (n == len && strncmp(p, name, len) == 0)
            return true;
        p = comma ? comma + 1 : NULL;
    }
    return false;
}

static int set_once(char **slot, const char *value)
{
    if (*slot)
        return 0;
    *slot = strdup(value);
    return *slot ? 0 : -ENOMEM;
}

/* One mountinfo line: "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS ... - FSTYPE SOURCE SUPEROPTS". */
static int parse_mount_line(char *line, struct cg_mounts *m)
{
    char *fields[5], *save = NULL, *p = line;
    for (size_t i = 0; i < ELEMENTSOF(fields); i++, p = NULL) {
        fields[i] = strtok_r(p, " ", &save);
        if (!fields[i])
            return 0;
    }
    char *sep = strstr(save ? save : "", " - ");
    if (!sep)
        return 0;
    char *fstype = strtok_r(sep + 3, " ", &save);
    char *source = strtok_r(NULL, " ", &save);
    char *superopts = strtok_r(NULL, " \n", &save);
    if (!fstype || !source || !superopts)
        return 0;
    char *mnt = fields[4];
    unescape_octal(mnt);
    if (strcmp(fstype, "cgroup2") == 0)
        return set_once(&m->v2, mnt);
    if (strcmp(fstype, "cgroup") != 0)
        return 0;
    int r = 0;
    if (has_option(superopts, "cpu"))
        r = set_once(&m->v1_cpu, mnt);
    if (r == 0 && has_option(superopts, "net_cls"))
        r = set_once(&m->v1_netcls, mnt);
    return r;
}

int cg_find_mounts(struct cg_mounts *m)
{
    *m = (struct cg_mounts){ 0 };
    _cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f)
        return -errno;
    _cleanup_free_ char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        int r = parse_mount_line(line, m);
        if (r < 0) {
            cg_mounts_free(m);
            return r;
        }
    }
    return 0;
}

void cg_mounts_free(struct cg_mounts *m)
{
    free(m->v2);
    free(m->v1_cpu);
    free(m->v1_netcls);
    *m = (struct cg_mounts){ 0 };
}

int cg_read(const char *dir, const char *file, char *buf, size_t size)
{
    _cleanup_free_ char *path = NULL;
    if (asprintf(&path, "%s/%s", dir, file) < 0)
        return -ENOMEM;
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, size - 1);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    return (int)n;
}

int cg_write(const char *dir, const char *file, const char *value)
{
    _cleanup_free_ char *path = NULL;
    if (asprintf(&path, "%s/%s", dir, file) < 0)
        return -ENOMEM;
    _cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t len = strlen(value);
    ssize_t n = write(fd, value, len);
    if (n < 0)
        return -errno;
    return (size_t)n == len ? 0 : -EIO;
}

static bool word_in(const char *list, const char *word)
{
    size_t len = strlen(word);
    for (const char *p = list; (p = strstr(p, word)); p += len)
        if ((p == list || p[-1] == ' ') && (p[len] == '\0' || p[len] == ' ' || p[len] == '\n'))
            return true;
    return false;
}

bool cg_v2_has_cpu(const char *v2root)
{
    char buf[512];
    return cg_read(v2root, "cgroup.controllers", buf, sizeof buf) >= 0 && word_in(buf, "cpu");
}

/* Make `cpu` available to the children of dir. */
static int enable_cpu(const char *dir)
{
    char buf[512];
    if (cg_read(dir, "cgroup.subtree_control", buf, sizeof buf) >= 0 && word_in(buf, "cpu"))
        return 0;
    return cg_write(dir, "cgroup.subtree_control", "+cpu");
}

int cg_create(const char *root, const char *tag, bool v2_cpu, char **dir)
{
    _cleanup_free_ char *parent = NULL, *path = NULL;
    int r;
    if (asprintf(&parent, "%s/" THROTTLE_CGROUP_PARENT, root) < 0 ||
        asprintf(&path, "%s/%s", parent, tag) < 0)
        return -ENOMEM;
    if (v2_cpu && (r = enable_cpu(root)) < 0)
        return r;
    if (mkdir(parent, 0755) < 0 && errno != EEXIST)
        return -errno;
    if (v2_cpu && (r = enable_cpu(parent)) < 0)
        return r;
    if (mkdir(path, 0755) < 0 && errno != EEXIST)
        return -errno;
    *dir = TAKE_PTR(path);
    return 0;
}

static void kill_listed(const char *dir)
{
    _cleanup_free_ char *path = NULL;
    if (asprintf(&path, "%s/cgroup.procs", dir) < 0)
        return;
    _cleanup_fclose_ FILE *f = fopen(path, "re");
    long pid;
    while (f && fscanf(f, "%ld", &pid) == 1)
        if (pid > 1 && pid != getpid())
            kill((pid_t)pid, SIGKILL);
}

int cg_remove(const char *dir, bool v2)
{
    /* Up to ~2 s: killed processes leave their cgroup when they have exited. */
    for (int attempt = 0; attempt < 200; attempt++) {
        if (rmdir(dir) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY)
            return -errno;
        if (attempt == 0)
            log_info("cgroup %s still has processes: killing them", dir);
        if (!(v2 && cg_write(dir, "cgroup.kill", "1") == 0))
            kill_listed(dir);
        nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
    }
    return -EBUSY;
}

/* The cgroup id that bpf_skb_cgroup_id() reports is the kernfs node id,
 * which name_to_handle_at() hands out as the file handle. */
int cg_id(const char *dir, uint64_t *id)
{
    struct {
        struct file_handle fh;
        uint64_t id;
    } h = { .fh.handle_bytes = sizeof(uint64_t) };
    int mount_id;
    if (name_to_handle_at(AT_FDCWD, dir, &h.fh, &mount_id, 0) == 0 && h.fh.handle_bytes == 8) {
        memcpy(id, h.fh.f_handle, sizeof *id);
        return 0;
    }
    struct stat st;
    if (stat(dir, &st) < 0)
        return -errno;
    *id = st.st_ino;
    return 0;
}
