/* The LUKS keys vault: every way a vault file can be wrong gives one
 * sentence naming the vault and the problem and never a key; good vaults
 * give the current VM's keys in file order. Needs root (chown). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "luks/vault.h"
#include "common/cleanup.h"

#define KEY1 "Sekrit-Key-One-4f2a9c"
#define KEY2 "Sekrit-Key-Two-81bd07"
#define OTHER_KEY "Sekrit-Other-VM-c0ffee"
#define NOBODY 65534

static char dir[] = "/tmp/test-vault.XXXXXX";
static int failures;

#define CHECK(cond, ...) do { \
    if (!(cond)) { \
        fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
        fprintf(stderr, __VA_ARGS__); \
        fputc('\n', stderr); \
        failures++; \
    } \
} while (0)

static char *vault_path(const char *name)
{
    char *p;
    if (asprintf(&p, "%s/%s", dir, name) < 0)
        abort();
    return p;
}

static char *write_vault(const char *name, mode_t mode, const char *content)
{
    char *p = vault_path(name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || write(fd, content, strlen(content)) != (ssize_t)strlen(content) ||
        fchmod(fd, mode) < 0 || close(fd) < 0) {
        perror(p);
        exit(1);
    }
    return p;
}

static bool has_secret(const char *s)
{
    return strstr(s, KEY1) || strstr(s, KEY2) || strstr(s, OTHER_KEY) || strstr(s, "Sekrit");
}

/* Load must fail with a sentence "LUKS keys vault PATH ... PROBLEM". */
static void expect_error(const char *path, uid_t uid, const char *problem)
{
    struct vault_entry *e = NULL;
    size_t n = 99;
    char *error = NULL;
    int r = vault_load(path, true, "vm1", uid, &e, &n, &error);
    CHECK(r < 0, "%s: expected an error with \"%s\", got r=%d", path, problem, r);
    CHECK(e == NULL && n == 0, "%s: entries returned with an error", path);
    if (!error) {
        CHECK(error != NULL, "%s: no error sentence", path);
        return;
    }
    CHECK(strncmp(error, "LUKS keys vault ", 16) == 0, "sentence does not start right: %s", error);
    CHECK(strstr(error, path) != NULL, "sentence does not name the path: %s", error);
    CHECK(strstr(error, problem) != NULL, "sentence lacks \"%s\": %s", problem, error);
    CHECK(!has_secret(error), "sentence shows a key: %s", error);
    CHECK(!strchr(error, '\n'), "sentence has a newline: %s", error);
    printf("ok: %s\n", error);
    free(error);
}

static void expect_shape_error(const char *name, const char *content, const char *problem)
{
    _cleanup_free_ char *p = write_vault(name, 0600, content);
    expect_error(p, 0, problem);
}

static void test_permissions(void)
{
    const char *good = "{\"vm1\": [{\"device\": \"/dev/sda1\", \"key\": \"" KEY1 "\"}]}";
    _cleanup_free_ char *owner = write_vault("owner.json", 0600, good);
    if (chown(owner, NOBODY, NOBODY) < 0)
        perror("chown");
    expect_error(owner, 0, "must be owned by the conversion user (uid 0), not uid 65534");

    /* Root reading a vault that the (non-root) conversion user owns is fine. */
    struct vault_entry *e;
    size_t n;
    char *error = NULL;
    CHECK(vault_load(owner, true, "vm1", NOBODY, &e, &n, &error) == 0, "%s", error);
    CHECK(n == 1 && e && strcmp(e[0].key, KEY1) == 0, "n=%zu", n);
    vault_entries_free(e, n);

    _cleanup_free_ char *g = write_vault("group.json", 0640, good);
    expect_error(g, 0, "must not be readable by group or others (mode 0640)");
    _cleanup_free_ char *o = write_vault("other.json", 0604, good);
    expect_error(o, 0, "must not be readable by group or others (mode 0604)");
    _cleanup_free_ char *w = write_vault("groupw.json", 0620, good);
    expect_error(w, 0, "must not give group or others any permission (mode 0620)");
    _cleanup_free_ char *x = write_vault("otherx.json", 0601, good);
    expect_error(x, 0, "must not give group or others any permission (mode 0601)");
}

static void test_file_types(void)
{
    const char *good = "{\"vm1\": [{\"device\": \"/dev/sda1\", \"key\": \"" KEY1 "\"}]}";
    _cleanup_free_ char *target = write_vault("target.json", 0600, good);
    _cleanup_free_ char *link = vault_path("link.json");
    if (symlink(target, link) < 0)
        perror("symlink");
    expect_error(link, 0, "is a symbolic link");
    _cleanup_free_ char *dangling = vault_path("dangling.json");
    if (symlink("/nonexistent/vault", dangling) < 0)
        perror("symlink");
    expect_error(dangling, 0, "is a symbolic link");

    _cleanup_free_ char *d = vault_path("dir.json");
    if (mkdir(d, 0700) < 0)
        perror("mkdir");
    expect_error(d, 0, "is not a regular file (it is a directory)");

    /* Without O_NONBLOCK this would hang (ctest's timeout would catch it). */
    _cleanup_free_ char *fifo = vault_path("fifo.json");
    if (mkfifo(fifo, 0600) < 0)
        perror("mkfifo");
    expect_error(fifo, 0, "is not a regular file (it is a FIFO)");

    expect_error("/dev/null", 0, "is not a regular file (it is a character device)");

    _cleanup_free_ char *sub = vault_path("target.json/sub");
    expect_error(sub, 0, "cannot be opened: Not a directory");
}

static void test_shapes(void)
{
    expect_shape_error("invalid.json", "{\"vm1\": [{\"device\": \"/dev/sda1\", \"key\": \"" KEY1 "\"",
                       "is not valid JSON");
    expect_shape_error("invalid2.json", "{\"vm1\": [{\"key\": '" KEY1 "'}]}", "is not valid JSON");
    expect_shape_error("trailing.json", "{} " KEY1, "is not valid JSON");
    expect_shape_error("empty.json", " \n", "is empty");
    expect_shape_error("number.json", "42", "is not a JSON object");
    expect_shape_error("array.json", "[{\"device\": \"/dev/sda\", \"key\": \"" KEY1 "\"}]",
                       "is not a JSON object");
    expect_shape_error("notlist.json", "{\"vm1\": {\"device\": \"/dev/sda\"}}",
                       "the value of VM \"vm1\" is not a list");
    expect_shape_error("strings.json", "{\"vm1\": [\"" KEY1 "\"]}",
                       "entry 1 of VM \"vm1\" is not an object");
    expect_shape_error("vda.json",
                       "{\"vm1\": [{\"device\": \"/dev/sda\", \"key\": \"" KEY1 "\"},"
                       " {\"device\": \"/dev/vda\", \"key\": \"" KEY2 "\"}]}",
                       "entry 2 of VM \"vm1\" has device \"/dev/vda\"; expected /dev/sdX or /dev/sdXN");
    expect_shape_error("sda1x.json", "{\"vm1\": [{\"device\": \"/dev/sda1x\", \"key\": \"" KEY1 "\"}]}",
                       "has device \"/dev/sda1x\"");
    expect_shape_error("upper.json", "{\"vm1\": [{\"device\": \"/dev/sdA\", \"key\": \"" KEY1 "\"}]}",
                       "has device \"/dev/sdA\"");
    expect_shape_error("bare.json", "{\"vm1\": [{\"device\": \"/dev/sd\", \"key\": \"" KEY1 "\"}]}",
                       "has device \"/dev/sd\"");
    expect_shape_error("zero.json", "{\"vm1\": [{\"device\": \"/dev/sda0\", \"key\": \"" KEY1 "\"}]}",
                       "has device \"/dev/sda0\"");
    expect_shape_error("nodev.json", "{\"vm1\": [{\"key\": \"" KEY1 "\"}]}",
                       "entry 1 of VM \"vm1\" has no \"device\" string");
    expect_shape_error("devnum.json", "{\"vm1\": [{\"device\": 1, \"key\": \"" KEY1 "\"}]}",
                       "has no \"device\" string");
    expect_shape_error("emptykey.json", "{\"vm1\": [{\"device\": \"/dev/sda\", \"key\": \"\"}]}",
                       "entry 1 of VM \"vm1\" has an empty key");
    expect_shape_error("numkey.json", "{\"vm1\": [{\"device\": \"/dev/sda\", \"key\": 12345}]}",
                       "entry 1 of VM \"vm1\" has no \"key\" string");
    expect_shape_error("nokey.json", "{\"vm1\": [{\"device\": \"/dev/sda\"}]}",
                       "has no \"key\" string");
    expect_shape_error("nulkey.json",
                       "{\"vm1\": [{\"device\": \"/dev/sda\", \"key\": \"Sekrit\\u0000x\"}]}",
                       "contains a NUL character");
    /* The whole vault is checked, not only this VM's part. */
    expect_shape_error("othervm.json",
                       "{\"vm1\": [{\"device\": \"/dev/sda\", \"key\": \"" KEY1 "\"}],"
                       " \"vm2\": [{\"device\": \"/dev/hda\", \"key\": \"" OTHER_KEY "\"}]}",
                       "entry 1 of VM \"vm2\" has device \"/dev/hda\"");
    /* Control characters in names from the vault do not reach the sentence. */
    expect_shape_error("ctrl.json", "{\"vm\\nX\": 1}", "the value of VM \"vm?X\" is not a list");

    /* Huge: refused by size before anything is read. */
    size_t big = VAULT_MAX_SIZE + 1;
    _cleanup_free_ char *huge = malloc(big + 1);
    memset(huge, ' ', big);
    memcpy(huge, "{}", 2);
    huge[big] = '\0';
    _cleanup_free_ char *hp = write_vault("huge.json", 0600, huge);
    expect_error(hp, 0, "is too large (1048577 bytes; at most 1048576)");
}

static void test_good(void)
{
    struct vault_entry *e;
    size_t n;
    char *error = NULL;

    /* Missing is fine, given or not. */
    _cleanup_free_ char *missing = vault_path("missing.json");
    CHECK(vault_load(missing, true, "vm1", 0, &e, &n, &error) == 0 && n == 0 && !e && !error,
          "missing (given)");
    CHECK(vault_load(missing, false, "vm1", 0, &e, &n, &error) == 0 && n == 0 && !e && !error,
          "missing (default)");

    _cleanup_free_ char *other = write_vault("onlyother.json", 0600,
        "{\"vm2\": [{\"device\": \"/dev/sda\", \"key\": \"" OTHER_KEY "\"}]}");
    CHECK(vault_load(other, true, "vm1", 0, &e, &n, &error) == 0 && n == 0 && !e,
          "another VM's keys only: n=%zu %s", n, error ? error : "");

    _cleanup_free_ char *two = write_vault("two.json", 0400,
        "{\"vm0\": [], \"vm1\": [{\"device\": \"/dev/sdb2\", \"key\": \"" KEY2 "\", \"note\": 1},"
        " {\"device\": \"/dev/sda1\", \"key\": \"" KEY1 "\"}],"
        " \"vm2\": [{\"device\": \"/dev/sdaa10\", \"key\": \"" OTHER_KEY "\"}]}\n");
    CHECK(vault_load(two, true, "vm1", 0, &e, &n, &error) == 0, "%s", error ? error : "");
    CHECK(n == 2, "two keys: n=%zu", n);
    if (n == 2) {
        CHECK(strcmp(e[0].device, "/dev/sdb2") == 0 && strcmp(e[0].key, KEY2) == 0, "order 0");
        CHECK(strcmp(e[1].device, "/dev/sda1") == 0 && strcmp(e[1].key, KEY1) == 0, "order 1");
    }
    vault_entries_free(e, n);
    CHECK(vault_load(two, false, "vm2", 0, &e, &n, &error) == 0 && n == 1 &&
          strcmp(e[0].device, "/dev/sdaa10") == 0, "vm2");
    vault_entries_free(e, n);

    /* Empty object: fine, nothing. */
    _cleanup_free_ char *empty = write_vault("emptyobj.json", 0600, "{}");
    CHECK(vault_load(empty, true, "vm1", 0, &e, &n, &error) == 0 && n == 0, "{}");
}

static void test_device_names(void)
{
    const char *good[] = { "/dev/sda", "/dev/sdz9", "/dev/sdab", "/dev/sdab128", "/dev/sdc10" };
    const char *bad[] = { "/dev/sd", "/dev/sda0", "/dev/sda01", "/dev/sdA", "/dev/vda", "/dev/sda1x",
                          "/dev/sda/1", "dev/sda", "/dev/sda ", "/dev/sdaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };
    for (size_t i = 0; i < ELEMENTSOF(good); i++)
        CHECK(vault_device_valid(good[i]), "%s should be valid", good[i]);
    for (size_t i = 0; i < ELEMENTSOF(bad); i++)
        CHECK(!vault_device_valid(bad[i]), "%s should be invalid", bad[i]);
}

static void cleanup_dir(void)
{
    char *cmd;
    if (asprintf(&cmd, "rm -rf '%s'", dir) >= 0) {
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
        free(cmd);
    }
}

int main(void)
{
    if (geteuid() != 0) {
        printf("SKIP: test-vault needs root (it chowns vault files to nobody)\n");
        return 77;
    }
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    atexit(cleanup_dir);
    test_device_names();
    test_permissions();
    test_file_types();
    test_shapes();
    test_good();
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("all vault checks passed\n");
    return 0;
}
