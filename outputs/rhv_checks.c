#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outputs/checks.h"
#include "outputs/rpmvercmp.h"
#include "outputs/virtio_win.h"
#include "common/cleanup.h"

extern char **environ;

int check_rhv_guest_tools(FILE *out)
{
    const char *root = vdsm_mounts_root();
    _cleanup_free_ char *dir = NULL;
    _cleanup_free_ char *iso = NULL;

    if (iso_domain_find(root, &dir) < 0 || !dir) {
        fprintf(out, "No ISO domain found under %s\n", root);
        return 1;
    }
    if (virtio_win_best(dir, &iso) < 0 || !iso) {
        fprintf(out, "No guest tools ISO found in the ISO domain %s\n", dir);
        return 1;
    }
    fprintf(out, "Guest tools ISO: %s\n", iso);
    return 0;
}

/* Run argv (no shell), return its stdout (trailing whitespace removed) if it
 * exited 0 with some output; NULL otherwise. */
static char *run_query(char *const argv[])
{
    int pipefd[2];
    posix_spawn_file_actions_t fa;
    pid_t pid;

    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return NULL;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    int r = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipefd[1]);
    if (r != 0) {
        close(pipefd[0]);
        return NULL;
    }

    char buf[256];
    size_t len = 0;
    ssize_t n;
    while ((n = read(pipefd[0], buf + len, sizeof buf - 1 - len)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            len += (size_t)n;
    close(pipefd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return NULL;
    while (len > 0 && strchr(" \t\r\n", buf[len - 1]))
        len--;
    if (len == 0)
        return NULL;
    return strndup(buf, len);
}

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}

/* "VERSION-RELEASE" from rpm, or the Debian version (epoch and revision
 * removed) from dpkg: the upstream version in a new string. */
static char *vdsm_version(const char **source)
{
    char *rpm_argv[] = { (char *)env_or("V2VW_RPM", "rpm"), "-q", "--qf",
                         "%{VERSION}-%{RELEASE}", "vdsm", NULL };
    char *v = run_query(rpm_argv);
    if (v) {
        *source = "rpm";
        char *dash = strrchr(v, '-');
        if (dash)
            *dash = '\0';
        return v;
    }
    char *dpkg_argv[] = { (char *)env_or("V2VW_DPKG_QUERY", "dpkg-query"), "-W",
                          "-f=${Version}", "vdsm", NULL };
    v = run_query(dpkg_argv);
    if (v) {
        *source = "dpkg";
        char *colon = strchr(v, ':');
        if (colon)
            memmove(v, colon + 1, strlen(colon));
        char *dash = strrchr(v, '-');
        if (dash)
            *dash = '\0';
    }
    return v;
}

int check_rhv_version(FILE *out)
{
    const char *source = NULL;
    _cleanup_free_ char *version = vdsm_version(&source);

    if (!version || !*version) {
        fprintf(out, "VDSM is not installed on this host (neither rpm nor dpkg knows the package vdsm): "
                     "it is not an oVirt/RHV host\n");
        return 1;
    }
    if (rpmvercmp(version, RHV_MIN_VDSM_VERSION) < 0) {
        fprintf(out, "VDSM %s (from %s) is older than the required %s\n", version, source,
                RHV_MIN_VDSM_VERSION);
        return 1;
    }
    fprintf(out, "VDSM %s (from %s) is at least %s\n", version, source, RHV_MIN_VDSM_VERSION);
    return 0;
}
