/* SPDX-License-Identifier: Apache-2.0 */
#include <assert.h>
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
#include "common/settings.h"

const char *engine_path(void)
{
    return settings()->engine;
}

#define TRY(x) do { int _r = (x); if (_r < 0) return _r; } while (0)

/* The input password file: `--password-file` (the contract's spelling,
 * known to every engine up to 2.7), `-ip` from 2.8 on, which removed the
 * long form. */
static const char *input_password_option(const struct conversion_plan *plan)
{
    return plan->engine_version >= ENGINE_VERSION(2, 8) ? "-ip" : "--password-file";
}

static int append_input(const struct conversion_config *cfg, const struct conversion_plan *plan,
                        struct strv *a)
{
    _cleanup_free_ char *thumbprint = NULL;

    switch (cfg->transport) {
    case TRANSPORT_VDDK:
        if (asprintf(&thumbprint, "vddk-thumbprint=%s", cfg->vmware_fingerprint) < 0)
            return -ENOMEM;
        return strv_push_all(a, "-i", "libvirt", "-ic", cfg->vmware_uri, "-it", "vddk",
                             "-io", "vddk-libdir=" VDDK_LIBDIR, "-io", thumbprint,
                             input_password_option(plan), plan->secrets.vmware_password, NULL);
    case TRANSPORT_SSH:
        return strv_push_all(a, "-i", "vmx", "-it", "ssh", NULL);
    case TRANSPORT_DISK:
    case TRANSPORT_OVA:
    case TRANSPORT_LIBVIRTXML:
        if (plan->out.output_name)        /* the output passes its own -on */
            return strv_push_all(a, "-i", transport_name(cfg->transport), NULL);
        return strv_push_all(a, "-i", transport_name(cfg->transport), "-on", cfg->vm_name, NULL);
    case TRANSPORT_LIBVIRT:
        TRY(strv_push_all(a, "-i", "libvirt", "-ic", cfg->source_uri, NULL));
        if (plan->secrets.source_password)
            TRY(strv_push_all(a, input_password_option(plan), plan->secrets.source_password, NULL));
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

static bool has_capability(const struct strv *caps, const char *cap)
{
    for (size_t i = 0; i < caps->n; i++)
        if (strcmp(caps->v[i], cap) == 0)
            return true;
    return false;
}

bool engine_argv_needs_capabilities(const struct conversion_config *cfg)
{
    for (size_t i = 0; i < cfg->n_network_mappings; i++)
        if (cfg->network_mappings[i].mac_address)
            return true;
    return false;
}

bool engine_argv_needs_version(const struct conversion_config *cfg)
{
    return cfg->transport == TRANSPORT_VDDK || (cfg->transport == TRANSPORT_LIBVIRT && cfg->source_password);
}

static int append_mappings(const struct conversion_config *cfg, const struct conversion_plan *plan,
                           struct strv *a)
{
    bool mac_option = has_capability(&plan->capabilities, "mac-option");

    for (size_t i = 0; i < cfg->n_network_mappings; i++) {
        const struct network_mapping *m = &cfg->network_mappings[i];
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

int engine_argv_build(const struct conversion_config *cfg, const struct conversion_plan *plan,
                      struct strv *a, char **error)
{
    TRY(strv_push_all(a, engine_path(), "-v", "-x", positional_source(cfg), "--root", "first", NULL));
    TRY(strv_pushf(a, "--machine-readable=file:%s", plan->paths.mr_log));
    TRY(append_input(cfg, plan, a));
    TRY(append_mappings(cfg, plan, a));
    for (size_t i = 0; i < plan->secrets.n_luks; i++) {
        TRY(strv_push(a, "--key"));
        TRY(strv_pushf(a, "%s:file:%s", plan->secrets.luks[i].device, plan->secrets.luks[i].key_file));
    }
    if (plan->output->default_bridge)
        TRY(strv_push_all(a, "--bridge", "ovirtmgmt", NULL));
    return plan->output->append_args(&plan->output_in, &plan->out, a, error);
}

/* Variables the wrapper itself uses are not the engine's business. */
static bool wrapper_private_var(const char *entry)
{
    return strncmp(entry, "V2VW_", 5) == 0;
}

int engine_env_build(const struct conversion_plan *plan, char *const *base, struct strv *env)
{
    for (size_t i = 0; base && base[i]; i++)
        if (!wrapper_private_var(base[i]))
            TRY(strv_push(env, base[i]));
    TRY(strv_setenv(env, "LANG", "C"));
    TRY(strv_setenv(env, "LC_ALL", NULL));
    if (plan->output->backend_direct)
        TRY(strv_setenv(env, "LIBGUESTFS_BACKEND", "direct"));
    if (plan->out.virtio_win)
        TRY(strv_setenv(env, "VIRTIO_WIN", plan->out.virtio_win));
    if (plan->uid != 0)
        TRY(strv_setenv(env, "XDG_RUNTIME_DIR", NULL));
    /* The output's: NAME=VALUE sets, a bare NAME removes. */
    for (size_t i = 0; i < plan->out.env.n; i++) {
        const char *e = plan->out.env.v[i], *eq = strchr(e, '=');
        _cleanup_free_ char *name = strndup(e, eq ? (size_t)(eq - e) : strlen(e));
        if (!name)
            return -ENOMEM;
        TRY(strv_setenv(env, name, eq ? eq + 1 : NULL));
    }
    return 0;
}

/* A NAME whose value is likely a secret: PASSWORD, SECRET, TOKEN, KEY,
 * CREDENTIAL, AUTH (but not a socket path like SSH_AUTH_SOCK). */
static bool names_secret(const char *s, size_t len)
{
    static const char *const words[] = { "passw", "passphrase", "secret", "token", "key", "cred", "auth" };
    if (len >= 5 && strncasecmp(s + len - 5, "_SOCK", 5) == 0)
        return false;
    for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
        size_t n = strlen(words[w]);
        for (size_t i = 0; i + n <= len; i++)
            if (strncasecmp(s + i, words[w], n) == 0)
                return true;
    }
    return false;
}

/* "scheme://user:PASSWORD@host..." -> the length of the part before the
 * password and where it ends, when there is one. */
static bool uri_password(const char *s, size_t *start, size_t *end)
{
    const char *scheme = strstr(s, "://");
    if (!scheme)
        return false;
    const char *auth = scheme + 3;
    size_t host = strcspn(auth, "/?#");
    const char *at = memrchr(auth, '@', host);
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (!colon)
        return false;
    *start = (size_t)(colon + 1 - s);
    *end = (size_t)(at - s);
    return true;
}

/* NAME=VALUE with a secret-looking NAME -> NAME=*****; a URI's password
 * -> *****; else the string. */
static int push_masked(struct strv *out, const char *s)
{
    const char *eq = strchr(s, '=');
    size_t start, end;
    if (eq && !strstr(s, "://") && names_secret(s, (size_t)(eq - s)))
        return strv_pushf(out, "%.*s=*****", (int)(eq - s), s);
    if (uri_password(s, &start, &end))
        return strv_pushf(out, "%.*s*****%s", (int)start, s, s + end);
    return strv_push(out, s);
}

char *uri_for_log(const char *uri)
{
    size_t start, end;
    char *out = NULL;
    if (!uri_password(uri, &start, &end))
        return strdup(uri);
    return asprintf(&out, "%.*s*****%s", (int)start, uri, uri + end) < 0 ? NULL : out;
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

int engine_capabilities_read(struct strv *caps)
{
    return engine_lines(engine_path(), "--machine-readable", caps);
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

unsigned engine_version_read(const struct strv *caps)
{
    _cleanup_(strv_free) struct strv lines = { 0 };
    int r = engine_lines(engine_path(), "--version", &lines);
    unsigned v = r >= 0 && lines.n > 0 ? engine_version_parse(lines.v[0]) : 0;

    /* No usable --version: a 2.x engine still says so in its capabilities. */
    if (v == 0 && has_capability(caps, "virt-v2v-2.0"))
        v = ENGINE_VERSION(2, 0);
    return v;
}
