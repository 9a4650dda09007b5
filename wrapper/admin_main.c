/* virt-v2v-wrapper-admin: what `virt-v2v-wrapper list|watch|show|cancel|
 * throttle|metrics` runs (main.c hands these commands over). It reads the
 * state files of this host's conversions and links json-c only. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "state/state_metrics.h"
#include "wrapper/admin.h"
#include "common/cleanup.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: virt-v2v-wrapper list [--json] [--all]\n"
            "       virt-v2v-wrapper watch [TAG]\n"
            "       virt-v2v-wrapper show TAG\n"
            "       virt-v2v-wrapper cancel TAG\n"
            "       virt-v2v-wrapper throttle TAG [cpu=LIMIT] [network=LIMIT]\n"
            "       virt-v2v-wrapper metrics\n"
            "\n"
            "The conversions of this host: running ones and those finished in the\n"
            "last day (--all: every one). TAG is the part of the state file's name\n"
            "between \"v2v-import-\" and \".state\" (e.g. 20261122T101500-4242).\n"
            "LIMIT is what the throttling file takes: cpu=50%% network=10485760 or\n"
            "unlimited. Conversions are found in $V2VW_INDEX_DIR (default: the state\n"
            "directory $V2VW_STATE_DIR, else /run/virt-v2v-wrapper/conversions).\n"
            "\n"
            "Exit status: 0 done; 1 bad command line; 2 no such conversion;\n"
            "3 the wrapper refused or could not do it; 4 no answer in time\n"
            "($V2VW_ADMIN_TIMEOUT seconds, default 120).\n");
}

static int cmd_list(int argc, char **argv)
{
    bool json = false, all = false;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--all") == 0)
            all = true;
        else if (strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return ADMIN_OK;
        }
        else {
            fprintf(stderr, "virt-v2v-wrapper: list: unknown option %s\n", argv[i]);
            return ADMIN_USAGE;
        }
    }
    _cleanup_(admin_list_free) struct admin_list l = { 0 };
    int r = admin_load(&l, all);
    if (r < 0) {
        fprintf(stderr, "virt-v2v-wrapper: cannot read %s: %s\n", admin_index_dir(), strerror(-r));
        return ADMIN_FAILED;
    }
    if (json) {
        _cleanup_json_ struct json_object *a = admin_list_json(&l);
        printf("%s\n", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    } else {
        admin_render_list(stdout, &l, 0);
    }
    return ADMIN_OK;
}

static int cmd_show(const char *tag)
{
    _cleanup_(admin_list_free) struct admin_list l = { 0 };
    admin_load(&l, true);
    struct admin_conversion *c = admin_find(&l, tag);
    if (!c) {
        fprintf(stderr, "virt-v2v-wrapper: no conversion %s on this host (see `virt-v2v-wrapper list`)\n", tag);
        return ADMIN_NOT_FOUND;
    }
    admin_render_show(stdout, c, 12);
    return ADMIN_OK;
}

int admin_cmd_metrics(void)
{
    _cleanup_(admin_list_free) struct admin_list l = { 0 };
    admin_load(&l, false);
    _cleanup_free_ struct metrics_conversion *m = calloc(l.n ? l.n : 1, sizeof *m);
    if (!m)
        return ADMIN_FAILED;
    for (size_t i = 0; i < l.n; i++)
        m[i] = (struct metrics_conversion){ .tag = l.v[i].tag, .state = l.v[i].state };
    if (state_metrics_write(stdout, m, l.n) < 0 || fflush(stdout) != 0)
        return ADMIN_FAILED;
    return ADMIN_OK;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : NULL;
    if (!cmd || strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0) {
        usage(cmd ? stdout : stderr);
        return cmd ? ADMIN_OK : ADMIN_USAGE;
    }
    if (strcmp(cmd, "list") == 0)
        return cmd_list(argc - 2, argv + 2);
    if (strcmp(cmd, "metrics") == 0 && argc == 2)
        return admin_cmd_metrics();
    if (strcmp(cmd, "watch") == 0 && argc <= 3)
        return admin_cmd_watch(argc == 3 ? argv[2] : NULL);
    if (strcmp(cmd, "show") == 0 && argc == 3)
        return cmd_show(argv[2]);
    if (strcmp(cmd, "cancel") == 0 && argc == 3)
        return admin_cmd_cancel(argv[2]);
    if (strcmp(cmd, "throttle") == 0 && argc >= 3)
        return admin_cmd_throttle(argv[2], argc - 3, argv + 3);
    usage(stderr);
    return ADMIN_USAGE;
}
