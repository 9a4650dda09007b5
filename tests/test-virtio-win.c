/* Drivers ISO (CONTRACT §7) and the RHV host checks on a fake
 * /rhev/data-center/mnt tree ($V2VW_RHEV_MNT): ISO domain discovery (data
 * domain and blockSD skipped), every priority and version ordering,
 * absolute / bare / missing virtio_win, check-rhv-guest-tools and
 * check-rhv-version (this host has no VDSM; fake rpm/dpkg for the rest). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outputs/checks.h"
#include "outputs/virtio_win.h"
#include "common/cleanup.h"

static int failures;
static char root[64] = "/tmp/v2vw-isotest.XXXXXX";
static char isodir[512];

#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL %s:%d: ", __FILE__, __LINE__); \
    printf(__VA_ARGS__); printf("\n"); failures++; } } while (0)

static void mkdirs(const char *path)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(buf, 0755);
            *p = '/';
        }
    mkdir(buf, 0755);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[768];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
}

static void make_domain(const char *rel, const char *class)
{
    char dir[512], md[600], text[128];
    snprintf(dir, sizeof dir, "%s/%s", root, rel);
    snprintf(md, sizeof md, "%s/dom_md", dir);
    mkdirs(md);
    snprintf(text, sizeof text, "DESCRIPTION=test\nCLASS=%s\nROLE=Regular\n", class);
    write_file(md, "metadata", text);
    snprintf(md, sizeof md, "%s/" ISO_DOMAIN_IMAGES, dir);
    mkdirs(md);
}

static void expect_best(const char *add, const char *expected)
{
    _cleanup_free_ char *best = NULL;
    if (add)
        write_file(isodir, add, "iso");
    int r = virtio_win_best(isodir, &best);
    const char *name = best ? strrchr(best, '/') + 1 : "(none)";
    CHECK(r == 0 && !strcmp(name, expected), "after adding %s: best %s, expected %s", add, name, expected);
}

static void test_priorities(void)
{
    static const struct { const char *name; int prio; const char *ver; } t[] = {
        { "RHV-toolsSetup_4.3_10.iso", 7, "4.3_10" }, { "rhv-toolssetup_4.4_1.ISO", 7, "4.4_1" },
        { "rhv-tools-setup.iso", 6, "" }, { "RHV-Tools-Setup.iso", 6, "" },
        { "RHEV-toolsSetup_4.1_3.iso", 5, "4.1_3" }, { "rhev-tools-setup.iso", 4, "" },
        { "oVirt-toolsSetup_4.2_1.iso", 3, "4.2_1" }, { "ovirt-tools-setup.iso", 2, "" },
        { "virtio-win-0.1.171.iso", 1, "0.1.171" }, { "virtio-win.iso", 0, "" },
        { "virtio-win.iso.bak", -1, NULL }, { "RHV-toolsSetup_.iso", -1, NULL },
        { "RHV-toolsSetup_x1.iso", -1, NULL }, { "my-virtio-win.iso", -1, NULL },
        { "virtio-win-0.1.171.img", -1, NULL }, { "rhv-tools-setup", -1, NULL },
    };
    for (size_t i = 0; i < ELEMENTSOF(t); i++) {
        const char *ver = NULL;
        size_t len = 0;
        int p = virtio_win_priority(t[i].name, &ver, &len);
        CHECK(p == t[i].prio, "%s: priority %d, expected %d", t[i].name, p, t[i].prio);
        if (p >= 0 && t[i].ver)
            CHECK(len == strlen(t[i].ver) && !strncmp(ver, t[i].ver, len), "%s: version %.*s",
                  t[i].name, (int)len, ver);
    }
}

static void test_best(void)
{
    expect_best(NULL, "(none)");
    expect_best("readme.txt", "(none)");
    expect_best("virtio-win.iso", "virtio-win.iso");
    expect_best("VIRTIO-WIN-0.1.171.iso", "VIRTIO-WIN-0.1.171.iso");
    expect_best("virtio-win-0.1.185.iso", "virtio-win-0.1.185.iso");
    expect_best("virtio-win-0.1.99.iso", "virtio-win-0.1.99.iso");     /* string order */
    expect_best("virtio-win-0.1.100.iso", "virtio-win-0.1.99.iso");
    expect_best("ovirt-tools-setup.iso", "ovirt-tools-setup.iso");
    expect_best("oVirt-toolsSetup_4.2_1.iso", "oVirt-toolsSetup_4.2_1.iso");
    expect_best("oVirt-toolsSetup_4.3_5.iso", "oVirt-toolsSetup_4.3_5.iso");
    expect_best("oVirt-toolsSetup_4.3_1.iso", "oVirt-toolsSetup_4.3_5.iso");
    expect_best("rhev-tools-setup.iso", "rhev-tools-setup.iso");
    expect_best("RHEV-toolsSetup_4.1_3.iso", "RHEV-toolsSetup_4.1_3.iso");
    expect_best("RHEV-toolsSetup_3.6_9.iso", "RHEV-toolsSetup_4.1_3.iso");
    expect_best("rhv-tools-setup.iso", "rhv-tools-setup.iso");
    expect_best("RHV-toolsSetup_4.3_10.iso", "RHV-toolsSetup_4.3_10.iso");
    expect_best("RHV-toolsSetup_4.2_8.iso", "RHV-toolsSetup_4.3_10.iso");
    expect_best("rhv-toolssetup_4.4_1.iso", "rhv-toolssetup_4.4_1.iso");
    /* A directory with the best name is no ISO. */
    char dir[600];
    snprintf(dir, sizeof dir, "%s/RHV-toolsSetup_9.9_9.iso", isodir);
    mkdir(dir, 0755);
    expect_best(NULL, "rhv-toolssetup_4.4_1.iso");
}

static void resolve(const char *virtio_win, bool install, int want_r, const char *want_path,
                    const char *want_error)
{
    struct output_input in = { .virtio_win = virtio_win, .install_drivers = install };
    struct output_plan c = { 0 };
    _cleanup_free_ char *error = NULL;
    int r = virtio_win_resolve(&in, &output_rhv_upload, &c, &error);
    CHECK(r == want_r, "resolve(%s): %d, expected %d (%s)", virtio_win, r, want_r, error);
    CHECK((!want_path && !c.virtio_win) || (want_path && c.virtio_win && !strcmp(want_path, c.virtio_win)),
          "resolve(%s): path %s, expected %s", virtio_win, c.virtio_win, want_path);
    CHECK((!want_error && !error) || (want_error && error && strstr(error, want_error)),
          "resolve(%s): error \"%s\", expected \"%s\"", virtio_win, error, want_error);
    free(c.virtio_win);
}

static void test_resolve(void)
{
    char abs[700], missing[700], named[700], empty[700];
    snprintf(abs, sizeof abs, "%s/drivers.iso", root);
    write_file(root, "drivers.iso", "iso");
    snprintf(missing, sizeof missing, "%s/missing.iso", root);
    snprintf(named, sizeof named, "%s/virtio-win.iso", isodir);

    resolve(NULL, false, 0, NULL, NULL);
    resolve(abs, false, 0, abs, NULL);
    resolve(missing, false, -ENOENT, NULL, "is not a regular file");
    resolve(root, false, -ENOENT, NULL, "is not a regular file");
    resolve("virtio-win.iso", false, 0, named, NULL);
    resolve("nothere.iso", false, -ENOENT, NULL, "is not a file in the ISO domain");
    resolve("sub/virtio-win.iso", false, -EINVAL, NULL, "must be an absolute path or a file name");
    resolve("..", false, -EINVAL, NULL, "must be an absolute path or a file name");
    char best[700];
    snprintf(best, sizeof best, "%s/rhv-toolssetup_4.4_1.iso", isodir);
    resolve(NULL, true, 0, best, NULL);

    /* No ISO domain at all. */
    snprintf(empty, sizeof empty, "%s/empty", root);
    mkdirs(empty);
    setenv("V2VW_RHEV_MNT", empty, 1);
    resolve("virtio-win.iso", false, -ENOENT, NULL, "there is no ISO domain under");
    resolve(NULL, true, 0, NULL, NULL);         /* warning only */
    resolve(abs, true, 0, abs, NULL);
    setenv("V2VW_RHEV_MNT", root, 1);
}

static char *run_check(int (*check)(FILE *), int *rc)
{
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    *rc = check(out);
    fclose(out);
    return text;
}

static void fake_tool(const char *name, const char *script)
{
    write_file(root, name, script);
    char path[700];
    snprintf(path, sizeof path, "%s/%s", root, name);
    chmod(path, 0755);
}

static void test_checks(void)
{
    int rc;
    _cleanup_free_ char *tools = run_check(check_rhv_guest_tools, &rc);
    CHECK(rc == 0 && strstr(tools, "rhv-toolssetup_4.4_1.iso"), "check-rhv-guest-tools: %d %s", rc, tools);
    setenv("V2VW_RHEV_MNT", "/nonexistent", 1);
    _cleanup_free_ char *none = run_check(check_rhv_guest_tools, &rc);
    CHECK(rc == 1 && strstr(none, "No ISO domain found under /nonexistent"), "no ISO domain: %d %s", rc, none);
    setenv("V2VW_RHEV_MNT", root, 1);

    /* This host: no VDSM (the real rpm/dpkg-query). */
    _cleanup_free_ char *host = run_check(check_rhv_version, &rc);
    CHECK(rc == 1 && strstr(host, "VDSM is not installed on this host"), "rhv-version here: %d %s", rc, host);

    char tool[700];
    snprintf(tool, sizeof tool, "%s/rpm", root);
    setenv("V2VW_RPM", tool, 1);
    fake_tool("rpm", "#!/bin/sh\n[ \"$*\" = \"-q --qf %{VERSION}-%{RELEASE} vdsm\" ] || exit 3\necho 4.40.80.6-1.el8ev\n");
    _cleanup_free_ char *new = run_check(check_rhv_version, &rc);
    CHECK(rc == 0 && strstr(new, "VDSM 4.40.80.6 (from rpm) is at least 4.20.31"), "new vdsm: %d %s", rc, new);
    fake_tool("rpm", "#!/bin/sh\necho 4.20.30-1.el7ev\n");
    _cleanup_free_ char *old = run_check(check_rhv_version, &rc);
    CHECK(rc == 1 && strstr(old, "VDSM 4.20.30 (from rpm) is older than the required 4.20.31"), "old vdsm: %d %s", rc, old);
    fake_tool("rpm", "#!/bin/sh\necho 4.20.31-1.el7ev\n");
    _cleanup_free_ char *same = run_check(check_rhv_version, &rc);
    CHECK(rc == 0, "vdsm 4.20.31: %d %s", rc, same);
    fake_tool("rpm", "#!/bin/sh\necho package vdsm is not installed\nexit 1\n");
    snprintf(tool, sizeof tool, "%s/dpkg-query", root);
    setenv("V2VW_DPKG_QUERY", tool, 1);
    fake_tool("dpkg-query", "#!/bin/sh\nprintf '1:4.30.0-2'\n");
    _cleanup_free_ char *deb = run_check(check_rhv_version, &rc);
    CHECK(rc == 0 && strstr(deb, "VDSM 4.30.0 (from dpkg)"), "dpkg vdsm: %d %s", rc, deb);
    unsetenv("V2VW_RPM");
    unsetenv("V2VW_DPKG_QUERY");
}

int main(void)
{
    if (!mkdtemp(root)) {
        perror("mkdtemp");
        return 2;
    }
    setenv("V2VW_RHEV_MNT", root, 1);
    /* Sorted before the ISO domain: a data domain and a blockSD ISO domain. */
    make_domain("aaa.example.com:_data/5d1f0a2e-0000-4000-8000-000000000001", "Data");
    make_domain("blockSD/5d1f0a2e-0000-4000-8000-000000000002", "Iso");
    make_domain("iso.example.com:_exports_iso/5d1f0a2e-0000-4000-8000-000000000003", "Iso");
    snprintf(isodir, sizeof isodir, "%s/iso.example.com:_exports_iso/5d1f0a2e-0000-4000-8000-000000000003/"
             ISO_DOMAIN_IMAGES, root);

    _cleanup_free_ char *found = NULL;
    int r = iso_domain_find(root, &found);
    CHECK(r == 0 && found && !strcmp(found, isodir), "ISO domain %s, expected %s", found, isodir);

    test_priorities();
    test_best();
    test_resolve();
    test_checks();

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    if (system(cmd) != 0)
        printf("warning: could not remove %s\n", root);
    printf("%s\n", failures ? "FAILED" : "all passed");
    return failures ? 1 : 0;
}
