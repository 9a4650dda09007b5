/* SPDX-License-Identifier: Apache-2.0 */
/* Kubernetes pod mode, the pure parts: the RFC 1123 name made from vm_name,
 * virt-v2v's disk letters, the engine mode from capabilities, the metadata
 * cut to the annotation budget, the in-cluster configuration. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outputs/kube_annotations.h"
#include "outputs/kube_config.h"
#include "common/settings.h"
#include "outputs/kube_name.h"
#include "outputs/kubevirt.h"
#include "tests/check.h"

static void name_is(const char *vm, const char *want)
{
    char *got = kube_name_from_vm(vm);
    CHECK(got && strcmp(got, want) == 0, "\"%s\" -> \"%s\", want \"%s\"", vm, got ? got : "(null)", want);
    CHECK(got && kube_name_valid(got), "\"%s\" is not RFC 1123", got ? got : "(null)");
    free(got);
}

static void test_names(void)
{
    char long_name[300], want[64];
    name_is("win2k22", "win2k22");
    name_is("Win2k22 Server", "win2k22-server");
    name_is("My_VM (prod) #1", "my-vm-prod-1");
    name_is("--leading and trailing--", "leading-and-trailing");
    name_is("a...b", "a-b");
    name_is("web.example.com", "web-example-com");
    name_is("ÄÖÜ-vm-日本", "vm");                    /* non-ASCII runs become one '-', then trimmed */
    name_is("日本語", KUBE_NAME_FALLBACK);
    name_is("", KUBE_NAME_FALLBACK);
    name_is("---", KUBE_NAME_FALLBACK);
    name_is("0123", "0123");
    name_is("ssh://root@esx.example.com/vmfs/volumes/datastore1/Web VM/Web VM.vmx", "web-vm");
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    memset(want, 'x', 63);
    want[63] = '\0';
    name_is(long_name, want);
    /* A cut that lands on a '-' does not leave it at the end. */
    memset(long_name, 'a', 62);
    strcpy(long_name + 62, " tail");
    memset(want, 'a', 62);
    want[62] = '\0';
    name_is(long_name, want);
}

static void test_valid(void)
{
    CHECK(kube_name_valid("a"), "a");
    CHECK(kube_name_valid("a.b-c.d9"), "dotted");
    CHECK(!kube_name_valid("A"), "uppercase");
    CHECK(!kube_name_valid("-a"), "leading dash");
    CHECK(!kube_name_valid("a-"), "trailing dash");
    CHECK(!kube_name_valid("a..b"), "empty label");
    CHECK(!kube_name_valid(""), "empty");
    CHECK(!kube_name_valid("a_b"), "underscore");
}

static void letters_are(size_t i, const char *want)
{
    char got[8];
    kube_drive_letters(i, got);
    CHECK(strcmp(got, want) == 0, "%zu -> %s, want %s", i, got, want);
}

static void test_letters(void)
{
    letters_are(0, "a");
    letters_are(1, "b");
    letters_are(25, "z");
    letters_are(26, "aa");
    letters_are(27, "ab");
    letters_are(701, "zz");
    letters_are(702, "aaa");
}

static void test_mode(void)
{
    char *v1[] = { "virt-v2v-1.42", "output:json", "output:local", NULL };
    char *v2[] = { "virt-v2v-2.0", "output:kubevirt", "output:local", NULL };
    char *both[] = { "output:kubevirt", "output:json", NULL };
    char *none[] = { "output:local", NULL };
    CHECK(kube_engine_mode(v1) == KUBE_ENGINE_JSON, "1.x");
    CHECK(kube_engine_mode(v2) == KUBE_ENGINE_KUBEVIRT, "2.x");
    CHECK(kube_engine_mode(both) == KUBE_ENGINE_JSON, "json first");
    CHECK(kube_engine_mode(none) == KUBE_ENGINE_NONE, "none");
    CHECK(kube_engine_mode(NULL) == KUBE_ENGINE_NONE, "unknown");
}

static void test_fit(void)
{
    const char *m = "line1\nline2\nline3\n";
    CHECK(kube_metadata_fit(m, 100) == strlen(m), "all fits");
    CHECK(kube_metadata_fit(m, strlen(m)) == strlen(m), "exactly");
    CHECK(kube_metadata_fit(m, 13) == 12, "two whole lines: %zu", kube_metadata_fit(m, 13));
    CHECK(kube_metadata_fit(m, 5) == 0, "no whole line");
    CHECK(kube_metadata_fit(m, 0) == 0, "no room");
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

static void test_config(void)
{
    char dir[] = "/tmp/test-kube-XXXXXX";
    struct kube_config cfg;
    char *error = NULL, *token = NULL;

    if (!mkdtemp(dir)) {
        CHECK(0, "mkdtemp");
        return;
    }
    setenv("V2VW_KUBE_SERVICEACCOUNT_DIR", dir, 1);
    settings_reload();
    unsetenv("POD_NAME");
    setenv("HOSTNAME", "pod-from-hostname", 1);
    unsetenv("KUBERNETES_SERVICE_HOST");
    setenv("KUBERNETES_SERVICE_PORT", "443", 1);
    CHECK(kube_config_in_cluster(&cfg, &error) < 0 && error && strstr(error, "KUBERNETES_SERVICE_HOST"),
          "no host: %s", error ? error : "(no error)");
    free(error);
    error = NULL;

    setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
    CHECK(kube_config_in_cluster(&cfg, &error) < 0 && error && strstr(error, "namespace"),
          "no namespace file: %s", error ? error : "(no error)");
    free(error);
    error = NULL;

    write_file(dir, "namespace", "conversions\n");
    write_file(dir, "token", "abc.def.ghi\n");
    write_file(dir, "ca.crt", "-----BEGIN CERTIFICATE-----\n");
    CHECK(kube_config_in_cluster(&cfg, &error) == 0, "complete: %s", error ? error : "");
    CHECK(cfg.server && strcmp(cfg.server, "https://10.96.0.1:443") == 0, "server %s", cfg.server);
    CHECK(cfg.namespace && strcmp(cfg.namespace, "conversions") == 0, "namespace %s", cfg.namespace);
    CHECK(cfg.pod_name && strcmp(cfg.pod_name, "pod-from-hostname") == 0, "HOSTNAME: %s", cfg.pod_name);
    CHECK(kube_config_read_token(&cfg, &token) == 0 && strcmp(token, "abc.def.ghi") == 0, "token");
    free(token);
    write_file(dir, "token", "rotated\n");
    CHECK(kube_config_read_token(&cfg, &token) == 0 && strcmp(token, "rotated") == 0, "token re-read");
    free(token);
    kube_config_free(&cfg);

    setenv("POD_NAME", "pod-from-downward-api", 1);
    setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
    CHECK(kube_config_in_cluster(&cfg, &error) == 0, "ipv6");
    CHECK(cfg.server && strcmp(cfg.server, "https://[fd00::1]:443") == 0, "ipv6 server %s", cfg.server);
    CHECK(cfg.pod_name && strcmp(cfg.pod_name, "pod-from-downward-api") == 0, "POD_NAME wins");
    kube_config_free(&cfg);

    setenv("KUBERNETES_SERVICE_PORT", "443/evil", 1);
    CHECK(kube_config_in_cluster(&cfg, &error) < 0, "bad port refused");
    free(error);

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0, "cleanup");
}

int main(void)
{
    test_names();
    test_valid();
    test_letters();
    test_mode();
    test_fit();
    test_config();
    if (failures)
        fprintf(stderr, "%d failures\n", failures);
    return failures ? 1 : 0;
}
