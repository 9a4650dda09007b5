/* The LUKS keys vault: open safely, check who may read it, validate the
 * whole document, return the current VM's keys.
 *
 * Secrets and json-c: we read the file into one buffer that we wipe after
 * parsing, copy the keys out into buffers that vault_entries_free wipes,
 * overwrite the key strings inside the parsed json-c tree before freeing it,
 * and wipe the tokener's scratch buffer (it holds the last string token).
 * What we cannot reach: copies json-c makes while growing that scratch
 * buffer (realloc leaves the old block unwiped in the heap) and keys of a
 * wrong type (numbers, ...). Those bytes live only in this process's freed
 * heap; the wrapper makes itself non-dumpable, so they do not reach a core
 * file. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <json-c/json.h>
#include <json-c/printbuf.h>

#include "luks/vault.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/io.h"
#include "common/secret.h"
#include "common/log.h"

#define VAULT_MAX_DEVICE 32        /* "/dev/sd" + letters + digits */
#define SHOWN_MAX 64               /* bytes of a name shown in an error */

bool vault_device_valid(const char *device)
{
    if (strncmp(device, "/dev/sd", 7) != 0 || strlen(device) > VAULT_MAX_DEVICE)
        return false;
    const char *p = device + 7;
    const char *letters = p;
    while (*p >= 'a' && *p <= 'z')
        p++;
    if (p == letters)
        return false;
    if (*p == '0')
        return false;
    while (*p >= '0' && *p <= '9')
        p++;
    return *p == '\0';
}

/* A name from the vault, made safe for one line of error text. */
static void shown(const char *s, char *buf, size_t size)
{
    size_t i = 0;
    for (; s[i] && i + 4 < size && i < SHOWN_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    if (s[i]) {
        memcpy(buf + i, "...", 3);
        i += 3;
    }
    buf[i] = '\0';
}

void vault_entries_free(struct vault_entry *entries, size_t n)
{
    if (!entries)
        return;
    for (size_t i = 0; i < n; i++) {
        free(entries[i].device);
        secret_free(entries[i].key);
    }
    free(entries);
}

static int add_entry(struct vault_entry **entries, size_t *n, const char *device,
                     const char *key, size_t key_len)
{
    struct vault_entry *e = reallocarray(*entries, *n + 1, sizeof **entries);
    if (!e)
        return -ENOMEM;
    *entries = e;
    e[*n].device = strdup(device);
    e[*n].key = malloc(key_len + 1);
    if (!e[*n].device || !e[*n].key) {
        free(e[*n].device);
        free(e[*n].key);
        return -ENOMEM;
    }
    memcpy(e[*n].key, key, key_len + 1);
    (*n)++;
    return 0;
}

/* Check one {"device": ..., "key": ...} object. */
static int check_entry(struct json_object *entry, const char *path, const char *vm,
                       size_t idx, char **error)
{
    struct json_object *device, *key;

    if (!json_object_is_type(entry, json_type_object))
        return error_set(error, -EINVAL, "LUKS keys vault %s: entry %zu of VM \"%s\" is not an object",
                    path, idx, vm);
    if (!json_object_object_get_ex(entry, "device", &device) ||
        !json_object_is_type(device, json_type_string))
        return error_set(error, -EINVAL,
                    "LUKS keys vault %s: entry %zu of VM \"%s\" has no \"device\" string",
                    path, idx, vm);
    const char *dev = json_object_get_string(device);
    if ((size_t)json_object_get_string_len(device) != strlen(dev) || !vault_device_valid(dev)) {
        char dev_shown[SHOWN_MAX + 8];
        shown(dev, dev_shown, sizeof dev_shown);
        return error_set(error, -EINVAL,
                    "LUKS keys vault %s: entry %zu of VM \"%s\" has device \"%s\"; "
                    "expected /dev/sdX or /dev/sdXN (X lowercase letters, N a number)",
                    path, idx, vm, dev_shown);
    }
    if (!json_object_object_get_ex(entry, "key", &key) ||
        !json_object_is_type(key, json_type_string))
        return error_set(error, -EINVAL,
                    "LUKS keys vault %s: entry %zu of VM \"%s\" has no \"key\" string",
                    path, idx, vm);
    size_t len = (size_t)json_object_get_string_len(key);
    if (len == 0)
        return error_set(error, -EINVAL, "LUKS keys vault %s: entry %zu of VM \"%s\" has an empty key",
                    path, idx, vm);
    if (strlen(json_object_get_string(key)) != len)
        return error_set(error, -EINVAL,
                    "LUKS keys vault %s: the key of entry %zu of VM \"%s\" contains a NUL character",
                    path, idx, vm);
    return 0;
}

/* Check the whole vault; collect the entries of vm_name. */
static int check_vault(struct json_object *root, const char *path, const char *vm_name,
                       struct vault_entry **entries, size_t *n, char **error)
{
    if (!json_object_is_type(root, json_type_object))
        return error_set(error, -EINVAL,
                    "LUKS keys vault %s is not a JSON object mapping VM names to lists of keys",
                    path);
    json_object_object_foreach(root, name, list) {
        char vm[SHOWN_MAX + 8];
        shown(name, vm, sizeof vm);
        if (!json_object_is_type(list, json_type_array))
            return error_set(error, -EINVAL,
                        "LUKS keys vault %s: the value of VM \"%s\" is not a list", path, vm);
        bool ours = strcmp(name, vm_name) == 0;
        size_t len = json_object_array_length(list);
        for (size_t i = 0; i < len; i++) {
            struct json_object *entry = json_object_array_get_idx(list, i);
            int r = check_entry(entry, path, vm, i + 1, error);
            if (r < 0)
                return r;
            if (!ours)
                continue;
            struct json_object *device, *key;
            json_object_object_get_ex(entry, "device", &device);
            json_object_object_get_ex(entry, "key", &key);
            r = add_entry(entries, n, json_object_get_string(device),
                          json_object_get_string(key), (size_t)json_object_get_string_len(key));
            if (r < 0)
                return error_set(error, r, "LUKS keys vault %s: out of memory", path);
        }
    }
    return 0;
}

/* Overwrite every "key" string in the tree, whether valid or not. */
static void wipe_tree(struct json_object *root)
{
    if (!json_object_is_type(root, json_type_object))
        return;
    json_object_object_foreach(root, name, list) {
        (void)name;
        if (!json_object_is_type(list, json_type_array))
            continue;
        size_t len = json_object_array_length(list);
        for (size_t i = 0; i < len; i++) {
            struct json_object *key;
            if (json_object_object_get_ex(json_object_array_get_idx(list, i), "key", &key))
                secret_json_erase(key);
        }
    }
}

static void tokener_wipe_and_freep(struct json_tokener **tok)
{
    if (!*tok)
        return;
    /* The scratch buffer of the last string token; json-c marks the field
     * as internal, but it is the one place a key certainly remains. */
    struct printbuf *pb = (*tok)->pb;
    if (pb && pb->buf)
        explicit_bzero(pb->buf, (size_t)pb->size);
    json_tokener_free(*tok);
}

static bool only_space(const char *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!strchr(" \t\r\n", p[i]) || p[i] == '\0')
            return false;
    return true;
}

static struct json_object *parse_json(struct json_tokener *tok, const char *buf, size_t len,
                                      const char *path, char **error)
{
    struct json_object *root = json_tokener_parse_ex(tok, buf, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    if (!root && jerr == json_tokener_continue) {
        /* A lone number at the top level ends only at the end of input. */
        root = json_tokener_parse_ex(tok, "", 1);
        jerr = json_tokener_get_error(tok);
        if (!root && jerr == json_tokener_continue) {
            error_set(error, -EINVAL, "LUKS keys vault %s is not valid JSON: it ends too early", path);
            return NULL;
        }
        if (root)
            return root;
    }
    if (!root) {
        error_set(error, -EINVAL, "LUKS keys vault %s is not valid JSON: %s", path,
             json_tokener_error_desc(jerr));
        return NULL;
    }
    size_t end = json_tokener_get_parse_end(tok);
    if (end < len && !only_space(buf + end, len - end)) {
        json_object_put(root);
        error_set(error, -EINVAL, "LUKS keys vault %s is not valid JSON: data after the object", path);
        return NULL;
    }
    return root;
}

int vault_parse(const char *buf, size_t len, const char *vm_name, const char *path,
                struct vault_entry **entries, size_t *n, char **error)
{
    *entries = NULL;
    *n = 0;
    *error = NULL;
    if (len > VAULT_MAX_SIZE)
        return error_set(error, -EFBIG, "LUKS keys vault %s is too large (%zu bytes; at most %d)",
                    path, len, VAULT_MAX_SIZE);
    if (only_space(buf, len))
        return error_set(error, -EINVAL, "LUKS keys vault %s is empty", path);

    _cleanup_(tokener_wipe_and_freep) struct json_tokener *tok = json_tokener_new();
    if (!tok)
        return error_set(error, -ENOMEM, "LUKS keys vault %s: out of memory", path);
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    struct json_object *root = parse_json(tok, buf, len, path, error);
    if (!root)
        return -EINVAL;

    int r = check_vault(root, path, vm_name, entries, n, error);
    wipe_tree(root);
    json_object_put(root);
    if (r < 0) {
        vault_entries_free(*entries, *n);
        *entries = NULL;
        *n = 0;
    }
    return r;
}

/* --- the file ------------------------------------------------------------ */

static const char *file_type(mode_t mode)
{
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    return "not a regular file";
}

static int check_file(int fd, const char *path, uid_t uid, struct stat *st, char **error)
{
    if (fstat(fd, st) < 0)
        return error_set(error, -errno, "LUKS keys vault %s cannot be examined: %s", path,
                    strerror(errno));
    if (!S_ISREG(st->st_mode))
        return error_set(error, -EINVAL, "LUKS keys vault %s is not a regular file (it is %s)", path,
                    file_type(st->st_mode));
    if (st->st_uid != uid)
        return error_set(error, -EPERM,
                    "LUKS keys vault %s must be owned by the conversion user (uid %u), not uid %u",
                    path, (unsigned)uid, (unsigned)st->st_uid);
    if (st->st_mode & 044)
        return error_set(error, -EPERM,
                    "LUKS keys vault %s must not be readable by group or others (mode %04o)",
                    path, (unsigned)(st->st_mode & 07777));
    if (st->st_mode & 077)
        return error_set(error, -EPERM,
                    "LUKS keys vault %s must not give group or others any permission (mode %04o)",
                    path, (unsigned)(st->st_mode & 07777));
    if (st->st_size > VAULT_MAX_SIZE)
        return error_set(error, -EFBIG, "LUKS keys vault %s is too large (%lld bytes; at most %d)",
                    path, (long long)st->st_size, VAULT_MAX_SIZE);
    return 0;
}

/* Read exactly the size fstat gave; a file that grew meanwhile is refused. */
static int read_file(int fd, const char *path, size_t size, struct secret_buf *b, size_t *len,
                     char **error)
{
    b->size = size + 1;
    b->p = malloc(b->size);
    if (!b->p)
        return error_set(error, -ENOMEM, "LUKS keys vault %s: out of memory", path);
    int r = read_all(fd, b->p, b->size, len);
    if (r < 0)
        return error_set(error, r, "LUKS keys vault %s cannot be read: %s", path, strerror(-r));
    if (*len > size)
        return error_set(error, -EAGAIN, "LUKS keys vault %s changed while it was read", path);
    return 0;
}

int vault_load(const char *path, bool path_was_given, const char *vm_name,
               uid_t conversion_uid, struct vault_entry **entries, size_t *n, char **error)
{
    *entries = NULL;
    *n = 0;
    *error = NULL;

    /* O_NONBLOCK: a FIFO must not block us before fstat can refuse it. */
    _cleanup_close_ int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT) {
            if (path_was_given)
                log_warning("LUKS keys vault %s does not exist: no LUKS keys are used", path);
            else
                log_debug("no LUKS keys vault at %s", path);
            return 0;
        }
        if (errno == ELOOP)
            return error_set(error, -ELOOP,
                        "LUKS keys vault %s is a symbolic link; give the path of the file itself",
                        path);
        return error_set(error, -errno, "LUKS keys vault %s cannot be opened: %s", path,
                    strerror(errno));
    }

    struct stat st;
    int r = check_file(fd, path, conversion_uid, &st, error);
    if (r < 0)
        return r;

    _cleanup_(secret_buf_free) struct secret_buf buf = { 0 };
    size_t len = 0;
    r = read_file(fd, path, (size_t)st.st_size, &buf, &len, error);
    if (r < 0)
        return r;
    r = vault_parse(buf.p, len, vm_name, path, entries, n, error);
    if (r < 0)
        return r;
    log_debug("LUKS keys vault %s: %zu key(s) for this VM", path, *n);
    return 0;
}
