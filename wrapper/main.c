/* SPDX-License-Identifier: Apache-2.0 */
/* virt-v2v-wrapper: one JSON document in, one JSON line out, then the
 * conversion runs as a daemon and reports through the state file. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "outputs/output.h"
#include "version.h"
#include "wrapper/checks.h"
#include "common/cleanup.h"
#include "wrapper/config.h"
#include "wrapper/conversion_index.h"
#include "wrapper/log_journal.h"
#include "wrapper/daemon.h"
#include "wrapper/engine_argv.h"
#include "wrapper/files.h"
#include "wrapper/lifecycle.h"
#include "wrapper/luks_keys.h"
#include "common/log.h"
#include "wrapper/orphans.h"
#include "common/error.h"
#include "common/io.h"
#include "common/secret.h"
#include "common/strv.h"

static int die(const char *error)
{
    fprintf(stderr, "virt-v2v-wrapper: %s\n", error ? error : "out of memory");
    return 1;
}

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: virt-v2v-wrapper < INPUT.json\n"
            "       virt-v2v-wrapper --checks | --check-NAME\n"
            "       virt-v2v-wrapper -V | --version\n"
            "       virt-v2v-wrapper -h | --help\n"
            "       virt-v2v-wrapper list|watch|show|cancel|throttle|metrics ... (see `list --help`)\n"
            "\n"
            "Reads one JSON document on stdin describing a conversion (see\n"
            "man virt-v2v-wrapper and /usr/share/doc/virt-v2v-wrapper/examples),\n"
            "prints one JSON line with the paths of its logs, state file and throttling\n"
            "file, then runs virt-v2v as a daemon (unless \"daemonize\": false).\n"
            "\n"
            "Options:\n"
            "  -h, --help        show this help and exit\n"
            "  -V, --version     show the version and exit\n"
            "  --checks          list the host checks, one per line\n"
            "  --check-NAME      run one host check (exit status 0 when it passes)\n"
            "\n"
            "Exit status:\n"
            "  0  the conversion started (daemon) or succeeded (\"daemonize\": false)\n"
            "  1  an error before the conversion started (one line on stderr),\n"
            "     a bad option, or a failed check\n"
            "  2  a conversion in the foreground (\"daemonize\": false) failed\n");
}

/* The admin commands are a separate small program: beside this binary
 * (a build tree), else where it is installed. */
static const char *const admin_commands[] = { "list", "watch", "show", "cancel", "throttle", "metrics" };

static bool is_admin_command(const char *a)
{
    for (size_t i = 0; i < ELEMENTSOF(admin_commands); i++)
        if (strcmp(a, admin_commands[i]) == 0)
            return true;
    return false;
}

static int run_admin(char **argv)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 32);
    if (n > 0) {
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash) {
            strcpy(slash + 1, "virt-v2v-wrapper-admin");
            execv(self, argv);
        }
    }
    execv(V2VW_ADMIN_PATH, argv);
    fprintf(stderr, "virt-v2v-wrapper: cannot run %s: %s\n", V2VW_ADMIN_PATH, strerror(errno));
    return 1;
}

enum { OPT_CHECKS = 0x100, OPT_CHECK_FIRST = 0x200 };

/* One action per call: -h, -V, --checks or one --check-NAME. Returns the
 * exit status, or -1 when there is no action (`--` alone): convert. */
static int cli(int argc, char **argv)
{
    static const struct option fixed[] = {
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { "checks", no_argument, NULL, OPT_CHECKS },
    };
    size_t nfixed = ELEMENTSOF(fixed), n = nfixed + checks_count();
    _cleanup_free_ struct option *opts = calloc(n + 1, sizeof *opts);
    _cleanup_(strv_free) struct strv names = { 0 };
    int action = 0, opt;

    if (argc > 1 && is_admin_command(argv[1]))
        return run_admin(argv);
    if (!opts)
        return die(NULL);
    memcpy(opts, fixed, sizeof fixed);
    for (size_t i = 0; i < checks_count(); i++)
        if (strv_pushf(&names, "check-%s", checks_name(i)) < 0)
            return die(NULL);
    for (size_t i = 0; i < checks_count(); i++)
        opts[nfixed + i] = (struct option){ names.v[i], no_argument, NULL, OPT_CHECK_FIRST + (int)i };

    while ((opt = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
        if (opt == '?') {
            fprintf(stderr, "Try 'virt-v2v-wrapper --help' for more information.\n");
            return 1;
        }
        if (action) {
            fprintf(stderr, "virt-v2v-wrapper: one option at a time (see --help)\n");
            return 1;
        }
        action = opt;
    }
    if (optind < argc) {
        fprintf(stderr, "virt-v2v-wrapper: unexpected argument \"%s\": the input is read from stdin "
                        "(see --help)\n", argv[optind]);
        return 1;
    }
    switch (action) {
    case 0:
        return -1;
    case 'h':
        usage(stdout);
        return fflush(stdout) == 0 ? 0 : 1;
    case 'V':
        printf("virt-v2v-wrapper %s\n", WRAPPER_VERSION);
        return fflush(stdout) == 0 ? 0 : 1;
    case OPT_CHECKS:
        checks_list(stdout);
        return fflush(stdout) == 0 ? 0 : 1;
    default:
        return checks_run(checks_name((size_t)(action - OPT_CHECK_FIRST)), stdout);
    }
}

/* All of stdin, at most CONFIG_MAX_INPUT + 1 bytes (so "too large" shows). */
static int read_input(struct secret_buf *in, size_t *len)
{
    in->size = CONFIG_MAX_INPUT + 2;
    in->p = malloc(in->size);
    if (!in->p)
        return -ENOMEM;
    int r = read_all(STDIN_FILENO, in->p, in->size - 1, len);
    in->p[*len] = '\0';
    in->size = *len + 1;    /* the rest was never written: wiping it would fault in 1 MiB */
    return r;
}

/* Before daemonizing, on stderr; and into the wrapper log once it opens. */
static void warn_unknown_keys(const struct conversion_config *cfg)
{
    for (size_t i = 0; i < cfg->warnings.n; i++) {
        fprintf(stderr, "virt-v2v-wrapper: warning: %s\n", cfg->warnings.v[i]);
        log_warning("%s", cfg->warnings.v[i]);
    }
    fflush(stderr);
}

/* The wrapper holds secrets in memory: no core dumps, no ptrace by others. */
static void protect_process(void)
{
    struct rlimit none = { 0, 0 };
    setrlimit(RLIMIT_CORE, &none);
    prctl(PR_SET_DUMPABLE, 0);
}

/* Everything that can fail before the conversion starts: exit 1. */
static int prepare(struct conversion *c, char **error)
{
    int r;

    c->plan.output = output_lookup(c->cfg.output);
    if (!c->plan.output) {
        return error_set(error, -EOPNOTSUPP, "the %s output is not supported by this build",
                                             output_kind_name(c->cfg.output));
    }
    if ((r = conversion_identity(c, error)) < 0)
        return r;
    if (access(engine_path(), X_OK) < 0) {
        return error_set(error, -ENOENT, "cannot run the engine %s: %s",
                                         engine_path(), strerror(errno));
    }
    if (c->plan.output->needs_capabilities && (r = engine_capabilities_read(&c->plan.capabilities)) < 0)
        return error_set(error, r, "cannot read the capabilities of the engine %s: %s",
                         engine_path(), strerror(-r));
    conversion_output_input(c, &c->plan.output_in);
    return output_plan_make(c->plan.output, &c->plan.output_in, &c->plan.out, error);
}

static int init_state_disks(struct conversion *c)
{
    const struct conversion_config *cfg = &c->cfg;

    /* A local disk is its own one source disk when the client named none. */
    if (!cfg->source_disks && cfg->transport == TRANSPORT_DISK) {
        const char *one[] = { cfg->source_path };
        return state_init(&c->state, one, 1, true);
    }
    return state_init(&c->state, (const char *const *)cfg->source_disks, cfg->n_source_disks,
                      cfg->source_disks != NULL);
}

/* The first state: disks, identity (EXT), and where its files are. */
static int init_state(struct conversion *c)
{
    int r = init_state_disks(c);
    if (r < 0)
        return r;
    state_set_identity(&c->state, c->cfg.vm_name, c->plan.output->name, getpid());
    if (c->plan.out.output_name)
        state_set_output_name(&c->state, c->plan.out.output_name);
    state_set_started_at(&c->state, (int64_t)time(NULL));
    state_set_files(&c->state, c->plan.paths.v2v_log, c->plan.paths.wrapper_log, c->plan.paths.throttle_file);
    return 0;
}

static int print_paths(const struct conversion *c)
{
    _cleanup_json_ struct json_object *o = json_object_new_object();
    if (!o)
        return -ENOMEM;
    json_object_object_add(o, "v2v_log", json_object_new_string(c->plan.paths.v2v_log));
    json_object_object_add(o, "wrapper_log", json_object_new_string(c->plan.paths.wrapper_log));
    json_object_object_add(o, "state_file", json_object_new_string(c->plan.paths.state_file));
    json_object_object_add(o, "throttling_file", json_object_new_string(c->plan.paths.throttle_file));
    const char *line = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (printf("%s\n", line) < 0 || fflush(stdout) != 0)
        return -EPIPE;
    return 0;
}

static void log_start(const struct conversion *c)
{
    log_info("virt-v2v-wrapper %s: converting \"%s\" (transport %s, output %s)", WRAPPER_VERSION,
             c->cfg.vm_name, transport_name(c->cfg.transport), c->plan.output->name);
}

static void conversion_free(struct conversion *c)
{
    config_free(&c->cfg);
    conversion_secrets_free(&c->plan.secrets);
    conversion_paths_free(&c->plan.paths);
    state_free(&c->state);
    free(c->plan.user_home);
    output_plan_free(c->plan.output, &c->plan.out);
    strv_free(&c->plan.capabilities);
}

/* Stdin to the validated input: the input's bytes are wiped once parsed. */
static int read_config(struct conversion *c, char **error)
{
    _cleanup_secret_buf_ struct secret_buf input = { 0 };
    size_t len = 0;
    int r;

    if (isatty(STDIN_FILENO))
        fprintf(stderr, "virt-v2v-wrapper: reading the input JSON document from the terminal; "
                        "end it with Ctrl-D (see --help)\n");
    if ((r = read_input(&input, &len)) < 0)
        return error_set(error, r, "cannot read the input from stdin: %s", strerror(-r));
    if ((r = config_parse(input.p, len, &c->cfg, error)) < 0)
        return r;
    warn_unknown_keys(&c->cfg);
    return 0;
}

/* The conversion's files, secrets, log and first state, then the client's
 * JSON line. On failure what was created is removed again: the input was
 * bad or the host cannot run it, and nothing is left behind (exit 1). */
static int announce(struct conversion *c, char **error)
{
    int r;

    if ((r = conversion_files_create(c, error)) < 0)
        return r;
    if ((r = luks_secrets_create(c, error)) < 0)
        goto fail;
    conversion_output_input(c, &c->plan.output_in);     /* now with the password file */
    if ((r = log_open_at(c->plan.paths.log_fd, strrchr(c->plan.paths.wrapper_log, '/') + 1)) < 0) {
        error_set(error, r, "cannot create %s: %s", c->plan.paths.wrapper_log, strerror(-r));
        goto fail;
    }
    if ((r = init_state(c)) < 0 || (r = conversion_write_state(c)) < 0) {
        error_set(error, r, "cannot write the state file in %s: %s",
                  c->plan.paths.state_dir ? c->plan.paths.state_dir : c->plan.paths.run_root, strerror(-r));
        goto fail;
    }
    if ((r = print_paths(c)) < 0 && c->cfg.output == OUTPUT_KUBEVIRT) {
        /* A pod's stdout is only its log: the annotations carry the result. */
        log_warning("Cannot print the paths on stdout: going on (the state file has everything)");
    } else if (r < 0) {
        error_set(error, r, "cannot print the paths on stdout");
        goto fail;
    }
    conversion_announced(c);
    return 0;
fail:
    conversion_files_remove_all(c);
    return r;
}

/* What the client's line need not wait for. */
static void after_announce(struct conversion *c)
{
    /* For the admin command. */
    conversion_index_add(c);
    /* The journal loads libsystemd. */
    log_journal_start(c->plan.paths.tag, c->cfg.vm_name);
    log_start(c);
    /* What dead wrappers left. */
    orphans_collect(c);
}

/* Into the background (daemonize) or stay and mirror the log to stdout.
 * A failure is the conversion's end, told through the state: the client
 * has the paths already. */
static int go_background(struct conversion *c)
{
    int r;

    if (!c->cfg.daemonize) {
        log_mirror_to_stdout(true);
        return 0;
    }
    if ((r = daemonize()) < 0) {
        log_error("Cannot daemonize: %s", strerror(-r));
        conversion_secrets_remove(c);
        state_set_last_message(&c->state, "virt-v2v-wrapper could not become a daemon", 42);
        state_set_failed(&c->state);
        state_set_finished(&c->state);
        conversion_write_state(c);
        conversion_run_dir_release(c);
    }
    return r;
}

int main(int argc, char **argv)
{
    _cleanup_free_ char *error = NULL;
    _cleanup_(conversion_free) struct conversion c = { 0 };
    int r;

    protect_process();
    if (argc > 1 && (r = cli(argc, argv)) >= 0)
        return r;
    /* A reader of stdout that goes away (foreground mode: the JSON line is
     * followed by log lines) must not stop the conversion: write errors
     * are handled where they happen. Children get SIGPIPE back. */
    signal(SIGPIPE, SIG_IGN);
    log_hold_until_open();
    if (read_config(&c, &error) < 0 || prepare(&c, &error) < 0 ||
        conversion_paths_init(&c, &error) < 0 || announce(&c, &error) < 0)
        return die(error);
    after_announce(&c);
    if (go_background(&c) < 0)
        return 1;
    r = conversion_run(&c);
    conversion_run_dir_release(&c);
    if (log_stdout_dropped())
        log_info("%zu log lines were not copied to stdout: it was not being read", log_stdout_dropped());
    log_close();
    return c.cfg.daemonize ? 0 : r;
}
