#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <guestfs.h>

#include "outputs/checks.h"
#include "throttle/throttle.h"
#include "wrapper/checks.h"
#include "common/cleanup.h"
#include "wrapper/engine_argv.h"
#include "wrapper/runner.h"

static int check_virt_v2v(FILE *out)
{
    const char *engine = engine_path();
    if (access(engine, X_OK) < 0) {
        fprintf(out, "virt-v2v: %s: %s\n", engine, strerror(errno));
        return 1;
    }
    struct conversion c = { 0 };
    if (!engine_has_capability(&c, "input:disk") && !c.capabilities) {
        fprintf(out, "virt-v2v: %s does not answer --machine-readable\n", engine);
        return 1;
    }
    unsigned v = engine_version(&c);
    if (v)
        fprintf(out, "virt-v2v: %s (version %u.%u)\ncapabilities:", engine, v / 1000, v % 1000);
    else
        fprintf(out, "virt-v2v: %s (version unknown)\ncapabilities:", engine);
    for (size_t i = 0; c.capabilities[i]; i++)
        fprintf(out, " %s", c.capabilities[i]);
    fputc('\n', out);
    for (size_t i = 0; c.capabilities[i]; i++)
        free(c.capabilities[i]);
    free(c.capabilities);
    return 0;
}

/* Launch the appliance once; NULL settings = libguestfs' defaults. Runs in
 * the calling process (a child of check_appliance). */
static int launch_once(const char *forced, char *err, size_t errsize)
{
    guestfs_h *g = guestfs_create_flags(GUESTFS_CREATE_NO_CLOSE_ON_EXIT);
    if (!g) {
        snprintf(err, errsize, "cannot create a libguestfs handle");
        return -1;
    }
    guestfs_set_error_handler(g, NULL, NULL);
    if (forced) {
        char *settings[] = { (char *)forced, NULL };
        guestfs_set_backend_settings(g, settings);
    }
    int r = guestfs_add_drive_scratch(g, 1024 * 1024, -1);
    if (r == 0)
        r = guestfs_launch(g);
    if (r < 0)
        snprintf(err, errsize, "%s", guestfs_last_error(g) ? guestfs_last_error(g) : "unknown error");
    else
        guestfs_shutdown(g);
    guestfs_close(g);
    return r;
}

/* A KVM launch can hang instead of failing (nested virtualization without
 * working KVM): each attempt runs in its own process group with a deadline. */
static int try_launch(const char *forced, unsigned seconds, char *err, size_t errsize)
{
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) < 0) {
        snprintf(err, errsize, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errsize, "fork: %s", strerror(errno));
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    if (pid == 0) {
        setpgid(0, 0);
        close(pipefd[0]);
        char msg[1024] = "";
        int r = launch_once(forced, msg, sizeof msg);
        ssize_t n = write(pipefd[1], msg, strlen(msg));
        (void)n;
        _exit(r < 0 ? 1 : 0);
    }
    close(pipefd[1]);
    int status = -1;
    for (unsigned i = 0; i < seconds * 10; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
        status = -1;
        usleep(100 * 1000);
    }
    if (status == -1) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        snprintf(err, errsize, "the appliance did not come up within %u s", seconds);
        close(pipefd[0]);
        return -1;
    }
    ssize_t n = read(pipefd[0], err, errsize - 1);
    err[n > 0 ? n : 0] = '\0';
    close(pipefd[0]);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static int check_appliance(FILE *out)
{
    char err[1024];
    int kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm >= 0)
        close(kvm);
    const char *env = getenv("LIBGUESTFS_BACKEND_SETTINGS");
    bool tcg_forced = env && strstr(env, "force_tcg");

    if (kvm >= 0 && !tcg_forced) {
        if (try_launch(NULL, 60, err, sizeof err) == 0) {
            fprintf(out, "appliance: launches with KVM\n");
            return 0;
        }
        fprintf(out, "appliance: KVM launch failed: %s\n", err);
    } else {
        fprintf(out, "appliance: %s\n", tcg_forced ? "TCG forced by LIBGUESTFS_BACKEND_SETTINGS"
                                                    : "/dev/kvm is not usable");
    }
    if (try_launch("force_tcg", 600, err, sizeof err) == 0) {
        fprintf(out, "appliance: launches with TCG only (software emulation: slow)%s\n",
                tcg_forced ? "" : "; set LIBGUESTFS_BACKEND_SETTINGS=force_tcg for virt-v2v");
        return 0;
    }
    fprintf(out, "appliance: TCG launch failed too: %s\n", err);
    return 1;
}

static int check_throttling(FILE *out)
{
    return throttle_check(out) == 0 ? 0 : 1;
}

static int check_systemd(FILE *out)
{
    return runner_systemd_check(out) == 0 ? 0 : 1;
}

static const struct {
    const char *name;
    int (*run)(FILE *out);
} checks[] = {
    { "rhv-guest-tools", check_rhv_guest_tools },
    { "rhv-version", check_rhv_version },
    { "virt-v2v", check_virt_v2v },
    { "appliance", check_appliance },
    { "throttling", check_throttling },
    { "systemd", check_systemd },
};

size_t checks_count(void)
{
    return ELEMENTSOF(checks);
}

const char *checks_name(size_t i)
{
    return i < ELEMENTSOF(checks) ? checks[i].name : NULL;
}

void checks_list(FILE *out)
{
    for (size_t i = 0; i < ELEMENTSOF(checks); i++)
        fprintf(out, "%s\n", checks[i].name);
}

int checks_run(const char *name, FILE *out)
{
    for (size_t i = 0; i < ELEMENTSOF(checks); i++)
        if (strcmp(name, checks[i].name) == 0)
            return checks[i].run(out);
    fprintf(stderr, "virt-v2v-wrapper: unknown check \"%s\" (see --checks)\n", name);
    return 1;
}
