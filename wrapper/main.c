/* virt-v2v-wrapper: one JSON document in, one JSON line out, then the
 * conversion runs as a daemon and reports through the state file. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs/output.h"
#include "version.h"
#include "wrapper/checks.h"
#include "common/cleanup.h"
#include "wrapper/config.h"
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

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: virt-v2v-wrapper < INPUT.json\n"
            "       virt-v2v-wrapper --checks | --check-NAME\n"
            "       virt-v2v-wrapper --version | --help\n"
            "\n"
            "Reads one JSON document on stdin describing a conversion (see examples/),\n"
            "prints one JSON line with the paths of its logs, state file and throttling\n"
            "file, then runs virt-v2v as a daemon (unless \"daemonize\": false).\n");
}

static int cli(int argc, char **argv)
{
    const char *a = argv[1];
    if (argc != 2) {
        usage(stderr);
        return 1;
    }
    if (strcmp(a, "--version") == 0) {
        printf("virt-v2v-wrapper %s\n", WRAPPER_VERSION);
        return 0;
    }
    if (strcmp(a, "--help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(a, "--checks") == 0) {
        checks_list(stdout);
        return 0;
    }
    if (strncmp(a, "--check-", 8) == 0)
        return checks_run(a + 8, stdout);
    fprintf(stderr, "virt-v2v-wrapper: unknown option %s (see --help)\n", a);
    return 1;
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
    return r;
}

static int die(const char *error)
{
    fprintf(stderr, "virt-v2v-wrapper: %s\n", error ? error : "out of memory");
    return 1;
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

    c->output = output_lookup(c->cfg.output);
    if (!c->output) {
        return error_set(error, -EOPNOTSUPP, "the %s output is not supported by this build",
                                             output_kind_name(c->cfg.output));
    }
    if ((r = conversion_identity(c, error)) < 0)
        return r;
    if (access(engine_path(), X_OK) < 0) {
        return error_set(error, -ENOENT, "cannot run the engine %s: %s",
                                         engine_path(), strerror(errno));
    }
    if (c->output->needs_capabilities)
        (void)engine_has_capability(c, "");  /* reads c->capabilities */
    conversion_output_input(c, &c->output_in);
    return output_plan_make(c->output, &c->output_in, &c->plan, error);
}

static int init_state(struct conversion *c)
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

static int print_paths(const struct conversion *c)
{
    _cleanup_json_ struct json_object *o = json_object_new_object();
    if (!o)
        return -ENOMEM;
    json_object_object_add(o, "v2v_log", json_object_new_string(c->paths.v2v_log));
    json_object_object_add(o, "wrapper_log", json_object_new_string(c->paths.wrapper_log));
    json_object_object_add(o, "state_file", json_object_new_string(c->paths.state_file));
    json_object_object_add(o, "throttling_file", json_object_new_string(c->paths.throttle_file));
    const char *line = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    if (printf("%s\n", line) < 0 || fflush(stdout) != 0)
        return -EPIPE;
    return 0;
}

static void log_start(const struct conversion *c)
{
    log_info("virt-v2v-wrapper %s: converting \"%s\" (transport %s, output %s)", WRAPPER_VERSION,
             c->cfg.vm_name, transport_name(c->cfg.transport), c->output->name);
    for (size_t i = 0; i < c->cfg.unknown_keys.n; i++)
        log_debug("Ignoring the unknown input key \"%s\"", c->cfg.unknown_keys.v[i]);
}

static void conversion_free(struct conversion *c)
{
    config_free(&c->cfg);
    conversion_secrets_free(&c->secrets);
    conversion_paths_free(&c->paths);
    state_free(&c->state);
    free(c->user_home);
    output_plan_free(&c->plan);
    for (size_t i = 0; c->capabilities && c->capabilities[i]; i++)
        free(c->capabilities[i]);
    free(c->capabilities);
}

int main(int argc, char **argv)
{
    _cleanup_secret_buf_ struct secret_buf input = { 0 };
    _cleanup_free_ char *error = NULL;
    _cleanup_(conversion_free) struct conversion c = { 0 };
    size_t len = 0;
    int r;

    protect_process();
    if (argc > 1)
        return cli(argc, argv);
    log_hold_until_open();
    if ((r = read_input(&input, &len)) < 0)
        return die(strerror(-r));
    if (config_parse(input.p, len, &c.cfg, &error) < 0)
        return die(error);
    secret_buf_free(&input);
    if (prepare(&c, &error) < 0 || conversion_paths_init(&c, &error) < 0)
        return die(error);

    orphans_collect(c.paths.state_dir);
    if (conversion_files_create(&c, &error) < 0)
        return die(error);
    if (luks_secrets_create(&c, &error) < 0) {
        conversion_files_remove_all(&c);
        return die(error);
    }
    conversion_output_input(&c, &c.output_in);     /* now with the password file */
    if ((r = log_open(c.paths.wrapper_log)) < 0 || (r = init_state(&c)) < 0
        || (r = conversion_write_state(&c)) < 0) {
        conversion_files_remove_all(&c);
        error_set(&error, r, "cannot write the wrapper log or the state file in %s or %s: %s",
                  c.paths.log_dir, c.paths.state_dir, strerror(-r));
        return die(error);
    }
    log_start(&c);
    if (!c.cfg.daemonize)
        signal(SIGPIPE, SIG_IGN);     /* a closed stdout must not end a foreground conversion */
    if (print_paths(&c) < 0) {
        if (!c.cfg.daemonize) {
            log_warning("Cannot print the paths on stdout: going on (the state file has everything)");
        } else {
            conversion_files_remove_all(&c);
            return die("cannot print the paths on stdout");
        }
    }
    if (c.cfg.daemonize) {
        if ((r = daemonize()) < 0) {
            /* The client has the paths already: tell it through the state. */
            log_error("Cannot daemonize: %s", strerror(-r));
            conversion_secrets_remove(&c);
            state_set_last_message(&c.state, "virt-v2v-wrapper could not become a daemon", 42);
            state_set_failed(&c.state);
            state_set_finished(&c.state);
            conversion_write_state(&c);
            return 1;
        }
    } else {
        log_mirror_to_stdout(true);
    }
    r = conversion_run(&c);
    log_close();
    return c.cfg.daemonize ? 0 : r;
}
