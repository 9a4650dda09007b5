/* Class minors, allocated race-free between concurrent wrappers: under an
 * flock on RUNDIR/lock, each taken minor is a file RUNDIR/class-MMMM saying
 * who owns it ("PID START_TIME NETNS OWNS_CGROUPS TAG"), so that a later
 * wrapper can tell a dead owner and collect what it left. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "throttle/throttle_int.h"
#include "common/cleanup.h"

const char *throttle_rundir(void)
{
    const char *dir = getenv("V2VW_THROTTLE_RUNDIR");
    return dir && *dir ? dir : "/run/virt-v2v-wrapper";
}

int alloc_lock(int *out)
{
    _cleanup_free_ char *path = NULL;
    if (mkdir(throttle_rundir(), 0755) < 0 && errno != EEXIST)
        return -errno;
    if (asprintf(&path, "%s/throttle.lock", throttle_rundir()) < 0)
        return -ENOMEM;
    _cleanup_close_ int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        return -errno;
    while (flock(fd, LOCK_EX) < 0)
        if (errno != EINTR)
            return -errno;
    *out = TAKE_FD(fd);
    return 0;
}

/* The start time of `pid`, and whether it is a zombie (dead, not reaped). */
static int start_time(pid_t pid, unsigned long long *t, bool *zombie)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n <= 0)
        return -EIO;
    buf[n] = '\0';
    /* Fields after "(comm)": state is field 3, start time field 22. */
    char *p = strrchr(buf, ')');
    if (!p)
        return -EIO;
    p++;
    *zombie = p[0] == ' ' && (p[1] == 'Z' || p[1] == 'X');
    for (int field = 3; field < 22; field++) {
        p = strchr(p + 1, ' ');
        if (!p)
            return -EIO;
    }
    *t = strtoull(p + 1, NULL, 10);
    return 0;
}

unsigned long long alloc_netns(void)
{
    struct stat st;
    return stat("/proc/self/ns/net", &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

static int entry_path(uint32_t minor, char **path)
{
    return asprintf(path, "%s/class-%04x", throttle_rundir(), minor) < 0 ? -ENOMEM : 0;
}

int alloc_reserve(const char *tag, bool owns_cgroups, uint32_t *minor)
{
    unsigned long long me = 0;
    bool zombie;
    int r = start_time(getpid(), &me, &zombie);
    if (r < 0)
        return r;
    for (uint32_t m = THROTTLE_MINOR_FIRST; m <= THROTTLE_MINOR_LAST; m++) {
        _cleanup_free_ char *path = NULL;
        if ((r = entry_path(m, &path)) < 0)
            return r;
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
        if (fd < 0 && errno == EEXIST)
            continue;
        if (fd < 0)
            return -errno;
        _cleanup_fclose_ FILE *f = fdopen(TAKE_FD(fd), "w");
        if (!f)
            return -errno;
        fprintf(f, "%d %llu %llu %d %s\n", (int)getpid(), me, alloc_netns(), owns_cgroups ? 1 : 0, tag);
        if (fflush(f) != 0) {
            r = -errno;
            unlink(path);
            return r;
        }
        *minor = m;
        return 0;
    }
    return -ENOSPC;
}

void alloc_release(uint32_t minor)
{
    _cleanup_free_ char *path = NULL;
    if (entry_path(minor, &path) == 0)
        unlink(path);
}

int alloc_read(uint32_t minor, struct alloc_entry *e)
{
    _cleanup_free_ char *path = NULL;
    int r = entry_path(minor, &path);
    if (r < 0)
        return r;
    _cleanup_fclose_ FILE *f = fopen(path, "re");
    if (!f)
        return -errno;
    int pid, owns;
    *e = (struct alloc_entry){ 0 };
    if (fscanf(f, "%d %llu %llu %d %127s", &pid, &e->start_time, &e->netns, &owns, e->tag) != 5)
        return -EBADMSG;
    e->pid = pid;
    e->owns_cgroups = owns != 0;
    return 0;
}

bool alloc_owner_alive(const struct alloc_entry *e)
{
    unsigned long long t;
    bool zombie = false;
    if (e->pid <= 0 || (kill(e->pid, 0) < 0 && errno == ESRCH))
        return false;
    /* A zombie is dead: it waits only for its parent to reap it. */
    if (start_time(e->pid, &t, &zombie) < 0)
        return true;
    return !zombie && t == e->start_time;
}
