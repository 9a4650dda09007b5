/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenStack output's engine command and environment: -o openstack with
 * server-id, guest-id, -os TYPE, verify-server-certificate=false; no -of/-oa;
 * credentials only as OS_* variables (values formatted like Python's %s),
 * none inherited; the password in no argv and masked in the logged
 * environment; guest id defaults to a random UUID. */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outputs/openstack.h"
#include "outputs/output.h"
#include "tests/check.h"
#include "common/cleanup.h"
#include "wrapper/config.h"
#include "wrapper/conversion.h"
#include "wrapper/engine_argv.h"

#define FP "01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67"

static const char doc[] =
    "{\"vm_name\": \"vm1\", \"transport_method\": \"vddk\", \"vmware_uri\": \"esx://h\","
    " \"vmware_password\": \"vpw\", \"vmware_fingerprint\": \"" FP "\","
    " \"osp_environment\": {\"os_auth_url\": \"http://k:5000/v3\", \"os_username\": \"admin\","
    "   \"os_password\": \"s3cret-osp\", \"os_project_name\": \"admin\", \"os_no_cache\": true,"
    "   \"os_identity_api_version\": \"3\", \"OS-Retries\": 3, \"os_ratio\": 1.5, \"os_nothing\": null,"
    "   \"os_user_domain_name\": \"Default\"},"
    " \"osp_destination_project_id\": \"dest\", \"osp_flavor_id\": \"f1\","
    " \"osp_security_groups_ids\": [\"sg1\"], \"osp_server_id\": \"appliance\","
    " \"osp_guest_id\": \"GID\", \"osp_volume_type_id\": \"fast\", \"insecure_connection\": true,"
    " \"network_mappings\": [{\"source\": \"VM Network\", \"destination\": \"net\","
    "   \"mac_address\": \"52:54:00:01:02:03\", \"ip_address\": \"192.0.2.10\"}]}";

static char *joined(char *const *v)
{
    char *out = NULL;
    size_t size = 0;
    FILE *f = open_memstream(&out, &size);
    for (size_t i = 0; v && v[i]; i++)
        fprintf(f, "%s%s", i ? " " : "", v[i]);
    fclose(f);
    return out;
}

static void test_args(struct conversion *c)
{
    struct strv argv = { 0 };
    _cleanup_free_ char *error = NULL;

    CHECK(output_openstack.append_args(&c->plan.output_in, &c->plan.out, &argv, &error) == 0, "append_args: %s", error);
    _cleanup_free_ char *got = joined(argv.v);
    CHECK(strcmp(got, "-o openstack -oo server-id=appliance -oo guest-id=GID -os fast"
                      " -oo verify-server-certificate=false") == 0, "args: %s", got);
    strv_free(&argv);

    c->plan.output_in.insecure_connection = false;
    c->plan.output_in.osp_volume_type_id = NULL;
    CHECK(output_openstack.append_args(&c->plan.output_in, &c->plan.out, &argv, &error) == 0, "append_args: %s", error);
    free(got);
    got = joined(argv.v);
    CHECK(strcmp(got, "-o openstack -oo server-id=appliance -oo guest-id=GID") == 0, "args: %s", got);
    strv_free(&argv);

    /* The whole command: no password, no -of/-oa, no os-* option. */
    c->cfg.n_network_mappings = 0;          /* (mappings ask the engine for capabilities) */
    c->plan.output_in.n_network_mappings = 0;
    CHECK(engine_argv_build(&c->cfg, &c->plan, &argv, &error) == 0, "engine_argv_build: %s", error);
    free(got);
    got = joined(argv.v);
    CHECK(!strstr(got, "s3cret-osp") && !strstr(got, "os-") && !strstr(got, "-of ") && !strstr(got, "-oa "),
          "command: %s", got);
    CHECK(strstr(got, " -o openstack ") != NULL, "command: %s", got);
    strv_free(&argv);
}

static void test_env(struct conversion *c)
{
    char *base[] = { "PATH=/usr/bin", "OS_TOKEN=inherited", "OS_PASSWORD=inherited", "V2VW_X=1", NULL };
    struct strv env = { 0 };

    setenv("OS_TOKEN", "inherited", 1);              /* the wrapper's own: not passed on */
    CHECK(osp_plan_env(&c->plan.output_in, &c->plan.out) == 0, "osp_plan_env");
    CHECK(engine_env_build(&c->plan, base, &env) == 0, "engine_env_build");
    const char *want[][2] = {
        { "OS_AUTH_URL", "http://k:5000/v3" }, { "OS_USERNAME", "admin" }, { "OS_PASSWORD", "s3cret-osp" },
        { "OS_PROJECT_NAME", "admin" }, { "OS_NO_CACHE", "True" }, { "OS_IDENTITY_API_VERSION", "3" },
        { "OS_RETRIES", "3" }, { "OS_RATIO", "1.5" }, { "OS_NOTHING", "None" },
        { "OS_USER_DOMAIN_NAME", "Default" }, { "LIBGUESTFS_BACKEND", "direct" }, { "PATH", "/usr/bin" },
    };
    for (size_t i = 0; i < ELEMENTSOF(want); i++) {
        const char *v = strv_getenv(&env, want[i][0]);
        CHECK(v && strcmp(v, want[i][1]) == 0, "%s=%s, want %s", want[i][0], v ? v : "(unset)", want[i][1]);
    }
    CHECK(!strv_getenv(&env, "OS_TOKEN"), "inherited OS_TOKEN removed");
    CHECK(!strv_getenv(&env, "V2VW_X"), "V2VW_ variables not passed");
    _cleanup_free_ char *logged = engine_env_for_log(env.v);
    CHECK(logged && !strstr(logged, "s3cret-osp") && strstr(logged, "OS_PASSWORD=*****"), "logged: %s", logged);
    strv_free(&env);
}

static void test_defaults(void)
{
    const char *d = "{\"vm_name\": \"ssh://root@esx/vmfs/volumes/ds/guest one/guest one.vmx\","
                    " \"transport_method\": \"ssh\", \"osp_environment\": {},"
                    " \"osp_destination_project_id\": \"d\", \"osp_flavor_id\": \"f\","
                    " \"osp_security_groups_ids\": [], \"osp_server_id\": \"s\"}";
    struct conversion_config a, b;
    _cleanup_free_ char *ea = NULL, *eb = NULL;
    regex_t uuid;

    CHECK(config_parse(d, strlen(d), &a, &ea) == 0, "parse: %s", ea);
    CHECK(config_parse(d, strlen(d), &b, &eb) == 0, "parse: %s", eb);
    CHECK(a.output == OUTPUT_OPENSTACK, "output %d", a.output);
    regcomp(&uuid, "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", REG_EXTENDED);
    CHECK(a.osp_guest_id && regexec(&uuid, a.osp_guest_id, 0, NULL, 0) == 0, "guest id %s", a.osp_guest_id);
    CHECK(a.osp_guest_id && b.osp_guest_id && strcmp(a.osp_guest_id, b.osp_guest_id) != 0, "random guest ids");
    regfree(&uuid);
    struct conversion x = { .cfg = a };
    conversion_output_input(&x, &x.plan.output_in);
    _cleanup_free_ char *name = osp_server_name(&x.plan.output_in);
    CHECK(name && strcmp(name, "guest one") == 0, "ssh server name %s", name);
    config_free(&a);
    config_free(&b);
}

int main(void)
{
    struct conversion c = { 0 };
    _cleanup_free_ char *error = NULL;

    CHECK(config_parse(doc, strlen(doc), &c.cfg, &error) == 0, "parse: %s", error);
    c.plan.output = output_lookup(OUTPUT_OPENSTACK);
    CHECK(c.plan.output == &output_openstack, "lookup");
    CHECK(output_openstack.identity == IDENTITY_ROOT && output_openstack.backend_direct
          && !output_openstack.default_bridge && strcmp(output_openstack.log_dir, "/var/log/virt-v2v") == 0,
          "identity, backend, log dir");
    CHECK(c.cfg.n_network_mappings == 1 && strcmp(c.cfg.network_mappings[0].ip_address, "192.0.2.10") == 0,
          "ip_address");
    c.plan.paths.mr_log = "/l/mr.log";
    c.plan.secrets.vmware_password = "/s/vmware-password";
    conversion_output_input(&c, &c.plan.output_in);
    test_args(&c);
    test_env(&c);
    test_defaults();
    c.cfg.n_network_mappings = 1;
    output_plan_free(&output_openstack, &c.plan.out);
    config_free(&c.cfg);
    printf("%s\n", failures ? "FAILED" : "all passed");
    return failures ? 1 : 0;
}
