#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "outputs/output.h"
#include "common/cleanup.h"
#include "wrapper/engine_argv.h"
#include "common/log.h"

const char *engine_path(void)
{
    const char *p = getenv("V2VW_ENGINE");
    return p && *p ? p : ENGINE_DEFAULT_PATH;
}

#define TRY(x) do { int _r = (x); if (_r < 0) return _r; } while (0)

/* The input password file: `--password-file` (the contract's spelling,
 * known to every engine up to 2.7), `-ip` from 2.8 on, which removed the
 * long form. */
static const char *input_password_option(const struct conversion *c)
{
    return engine_version((struct conversion *)c) >= ENGINE_VERSION(2, 8) ? "-ip" : "--password-file";
}

static int append_input(const struct conversion *c, struct strv *a)
{
    const struct conversion_config *cfg = &c->cfg;
    _cleanup_free_ char *thumbprint = NULL;

    switch (cfg->transport) {
    case TRANSPORT_VDDK:
        if (asprintf(&thumbprint, "vddk-thumbprint=%s", cfg->vmware_fingerprint) < 0)
            return -ENOMEM;
        return strv_push_all(a, "-i", "libvirt", "-ic", cfg->vmware_uri, "-it", "vddk",
                             "-io", "vddk-libdir=" VDDK_LIBDIR, "-io", thumbprint,
                             input_password_option(c), c->secrets.vmware_password, NULL);
    case TRANSPORT_SSH:
        return strv_push_all(a, "-i", "vmx", "-it", "ssh", NULL);
    case TRANSPORT_DISK:
    case TRANSPORT_OVA:
    case TRANSPORT_LIBVIRTXML:
        if (c->plan.output_name)     /* the output passes its own -on */
            return strv_push_all(a, "-i", transport_name(cfg->transport), NULL);
        return strv_push_all(a, "-i", transport_name(cfg->transport), "-on", cfg->vm_name, NULL);
    case TRANSPORT_LIBVIRT:
        TRY(strv_push_all(a, "-i", "libvirt", "-ic", cfg->source_uri, NULL));
        if (c->secrets.source_password)
            TRY(strv_push_all(a, input_password_option(c), c->secrets.source_password, NULL));
        return 0;
    }
    return -EINVAL;
}

static const char *positional_source(const struct conversion_config *cfg)
{
    switch (cfg->transport) {
    case TRANSPORT_DISK:
    case TRANSPORT_OVA:
    case TRANSPORT_LIBVIRTXML:
        return cfg->source_path;
    default:
        return cfg->vm_name;
    }
}

static int append_mappings(const struct conversion *c, struct strv *a)
{
    bool mac_option = false;
    bool asked = false;

    for (size_t i = 0; i < c->cfg.n_network_mappings; i++) {
        const struct network_mapping *m = &c->cfg.network_mappings[i];
        if (m->mac_address && !asked) {
            mac_option = engine_has_capability((struct conversion *)c, "mac-option");
            asked = true;
        }
        if (m->mac_address && mac_option) {
            TRY(strv_push(a, "--mac"));
            TRY(strv_pushf(a, "%s:bridge:%s", m->mac_address, m->destination));
        } else {
            TRY(strv_push(a, "--bridge"));
            TRY(strv_pushf(a, "%s:%s", m->source, m->destination));
        }
    }
    return 0;
}

int engine_argv_build(const struct conversion *c, struct strv *a, char **error)
{
    *error = NULL;
    TRY(strv_push_all(a, engine_path(), "-v", "-x", positional_source(&c->cfg), "--root", "first", NULL));
    TRY(strv_pushf(a, "--machine-readable=file:%s", c->paths.mr_log));
    TRY(append_input(c, a));
    TRY(append_mappings(c, a));
    for (size_t i = 0; i < c->secrets.n_luks; i++) {
        TRY(strv_push(a, "--key"));
        TRY(strv_pushf(a, "%s:file:%s", c->secrets.luks[i].device, c->secrets.luks[i].key_file));
    }
    if (c->output->default_bridge)
        TRY(strv_push_all(a, "--bridge", "ovirtmgmt", NULL));
    return c->output->append_args(&c->output_in, &c->plan, a, error);
}

/* Variables the wrapper itself uses are not the engine's business. */
static bool wrapper_private_var(const char *entry)
{
    return strncmp(entry, "V2VW_", 5) == 0;
}

int engine_env_build(const struct conversion *c, char *const *base, struct strv *env)
{
    for (size_t i = 0; base && base[i]; i++)
        if (!wrapper_private_var(base[i]))
            TRY(strv_push(env, base[i]));
    TRY(strv_setenv(env, "LANG", "C"));
    TRY(strv_setenv(env, "LC_ALL", NULL));
    if (c->output->backend_direct)
        TRY(strv_setenv(env, "LIBGUESTFS_BACKEND", "direct"));
    if (c->plan.virtio_win)
        TRY(strv_setenv(env, "VIRTIO_WIN", c->plan.virtio_win));
    if (c->uid != 0)
        TRY(strv_setenv(env, "XDG_RUNTIME_DIR", NULL));
    return 0;
}

static bool names_password(const char *s, size_t len)
{
    for (size_t i = 0; i + 8 <= len; i++)
        if (strncasecmp(s + i, "password", 8) == 0)
            return true;
    return false;
}

/* NAME=VALUE with "password" in NAME -> NAME=*****, else the string. */
static int push_masked(struct strv *out, const char *s)
{
    const char *eq = strchr(s, '=');
    if (eq && names_password(s, (size_t)(eq - s)))
        return strv_pushf(out, "%.*s=*****", (int)(eq - s), s);
    return strv_push(out, s);
}

static char *join_masked(char *const *v, bool quote)
{
    _cleanup_(strv_free) struct strv masked = { 0 };
    char *line = NULL;
    size_t size = 0;
    _cleanup_fclose_ FILE *f = open_memstream(&line, &size);
    if (!f)
        return NULL;
    for (size_t i = 0; v && v[i]; i++)
        if (push_masked(&masked, v[i]) < 0)
            return NULL;
    for (size_t i = 0; i < masked.n; i++) {
        const char *s = masked.v[i];
        bool plain = s[0] && !s[strcspn(s, " \t\n'\"\\$`;&|<>()*?[]{}!#~")];
        if (i)
            fputc(' ', f);
        if (!quote || plain) {
            fputs(s, f);
            continue;
        }
        fputc('\'', f);
        for (; *s; s++)
            *s == '\'' ? fputs("'\\''", f) : fputc(*s, f);
        fputc('\'', f);
    }
    if (fclose(TAKE_PTR(f)) != 0) {
        free(line);
        return NULL;
    }
    return line;
}

char *engine_command_for_log(char *const *argv)
{
    return join_masked(argv, true);
}

char *engine_env_for_log(char *const *env)
{
    return join_masked(env, true);
}

/* Run `ENGINE ARG` and collect its non-empty stdout lines. The child gets
 * default signal handling and no blocked signals (the wrapper ignores
 * SIGPIPE and blocks what its event loop reads). */
static int engine_lines(const char *engine, const char *arg, struct strv *lines)
{
    int pipefd[2];
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none, pipe_only;
    pid_t pid;
    char *const argv[] = { (char *)engine, (char *)arg, NULL };

    if (pipe2(pipefd, O_CLOEXEC) < 0)
        return -errno;
    sigemptyset(&none);
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    posix_spawnattr_init(&attr);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &pipe_only);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    int r = posix_spawn(&pid, engine, &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(pipefd[1]);
    if (r != 0) {
        close(pipefd[0]);
        return -r;
    }
    _cleanup_fclose_ FILE *f = fdopen(pipefd[0], "r");
    _cleanup_free_ char *line = NULL;
    size_t size = 0;
    r = f ? 0 : -errno;
    while (f && r >= 0 && getline(&line, &size, f) > 0) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0])
            r = strv_push(lines, line);
    }
    if (f)
        fclose(TAKE_PTR(f));          /* an engine still writing gets EPIPE, not a deadlock */
    else
        close(pipefd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return r;
}

static int read_capabilities(const char *engine, char ***out)
{
    _cleanup_(strv_free) struct strv caps = { 0 };
    int r = engine_lines(engine, "--machine-readable", &caps);
    if (r < 0)
        return r;
    if (!caps.v && strv_push(&caps, "") < 0)
        return -ENOMEM;
    *out = TAKE_PTR(caps.v);
    caps.n = caps.cap = 0;
    return 0;
}

bool engine_has_capability(struct conversion *c, const char *cap)
{
    if (!c->capabilities) {
        int r = read_capabilities(engine_path(), &c->capabilities);
        if (r < 0) {
            log_warning("Cannot read the engine's capabilities: %s", strerror(-r));
            return false;
        }
    }
    for (size_t i = 0; c->capabilities[i]; i++)
        if (strcmp(c->capabilities[i], cap) == 0)
            return true;
    return false;
}

/* "virt-v2v 2.5.6rhel=9,release=4.el9" -> 2005; 0 when it is not that. */
unsigned engine_version_parse(const char *line)
{
    const char *p = strrchr(line, ' ');
    char *end;

    p = p ? p + 1 : line;
    if (*p < '0' || *p > '9')
        return 0;
    unsigned long major = strtoul(p, &end, 10);
    if (*end != '.' || end[1] < '0' || end[1] > '9' || major == 0 || major > 999)
        return 0;
    unsigned long minor = strtoul(end + 1, &end, 10);
    if (minor > 999)
        return 0;
    return (unsigned)(major * 1000 + minor);
}

unsigned engine_version(struct conversion *c)
{
    if (!c->engine_version_asked) {
        _cleanup_(strv_free) struct strv lines = { 0 };
        c->engine_version_asked = true;
        int r = engine_lines(engine_path(), "--version", &lines);
        c->engine_version = r >= 0 && lines.n > 0 ? engine_version_parse(lines.v[0]) : 0;
        /* No usable --version: a 2.x engine still says so in its capabilities. */
        if (c->engine_version == 0 && engine_has_capability(c, "virt-v2v-2.0"))
            c->engine_version = 2000;
        if (c->engine_version)
            log_info("Engine version %u.%u", c->engine_version / 1000, c->engine_version % 1000);
        else
            log_warning("Cannot tell the engine's version (%s --version): assuming 1.x", engine_path());
    }
    return c->engine_version;
}
