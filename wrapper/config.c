/* SPDX-License-Identifier: Apache-2.0 */
/* The input document: parse with json-c, validate every key, fill a typed
 * configuration. Errors are one sentence naming the key. */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <sys/random.h>

#include "common/cleanup.h"
#include "wrapper/config.h"
#include "common/error.h"
#include "common/secret.h"
#include "common/utf8.h"

#define MAX_NAME 1024            /* bytes of vm_name */
#define MAX_LIST 1024            /* entries of source_disks / network_mappings */
#define MAX_STRING 65536         /* any other string (an ssh key fits) */
#define MAX_OSP_KEY 256          /* bytes of an osp_environment key */

static const char *const known_keys[] = {
    "vm_name", "transport_method", "vmware_uri", "vmware_password", "vmware_fingerprint",
    "ssh_key", "source_path", "source_uri", "source_password", "daemonize",
    "output_format", "allocation", "source_disks", "network_mappings", "virtio_win",
    "install_drivers", "throttling", "luks_keys_vault", "insecure_connection",
    "rhv_url", "rhv_password", "rhv_cluster", "rhv_storage", "rhv_cafile",
    "export_domain", "osp_environment", "osp_server_id", "osp_destination_project_id",
    "osp_flavor_id", "osp_security_groups_ids", "osp_guest_id", "osp_volume_type_id",
    "local_storage", "libvirt_pool", "libvirt_uri",
    "stall_seconds",
};

/* The OpenStack network mapping error of the Python wrapper, word for word. */
#define OSP_MISSING_MAC "Missing mac address in one of network mappings"

static const char *const mapping_keys[] = { "source", "destination", "mac_address", "ip_address" };
static const char *const throttling_keys[] = { "cpu", "network" };

#define MAX_WARNINGS 20          /* unknown-key warnings; then one summary */
#define MAX_SUGGEST 64           /* bytes of a key we look for a neighbour of */

static bool has_control_chars(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
}

/* The optimal string alignment distance (Damerau-Levenshtein where a
 * transposition counts as one edit), both strings at most MAX_SUGGEST. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t d[MAX_SUGGEST + 1][MAX_SUGGEST + 1];

    assert(la <= MAX_SUGGEST && lb <= MAX_SUGGEST);
    for (size_t i = 0; i <= la; i++)
        d[i][0] = i;
    for (size_t j = 0; j <= lb; j++)
        d[0][j] = j;
    for (size_t i = 1; i <= la; i++) {
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] != b[j - 1];
            size_t best = d[i - 1][j - 1] + cost;
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    }
    return d[la][lb];
}

/* The known key nearest to `key`, if it is near enough to be a typo: one
 * edit for short keys, up to three for long ones. */
static const char *nearest_key(const char *key, const char *const *known, size_t n)
{
    size_t len = strlen(key), best_d = SIZE_MAX;
    const char *best = NULL;

    if (len == 0 || len > MAX_SUGGEST)
        return NULL;
    size_t limit = len < 6 ? 1 : len < 12 ? 2 : 3;
    for (size_t i = 0; i < n; i++) {
        if (strlen(known[i]) > MAX_SUGGEST)
            continue;
        size_t dist = edit_distance(key, known[i]);
        if (dist < best_d) {
            best_d = dist;
            best = known[i];
        }
    }
    return best_d <= limit ? best : NULL;
}

/* A key as it may be shown on a terminal and in the log: control and
 * non-ASCII bytes escaped, at most 64 bytes of it. */
static void printable_key(char *buf, size_t size, const char *key)
{
    size_t o = 0, i = 0;
    for (; key[i] && i < 64 && o + 5 < size; i++) {
        unsigned char ch = (unsigned char)key[i];
        if (ch < 0x20 || ch >= 0x7f || ch == '"' || ch == '\\')
            o += (size_t)snprintf(buf + o, size - o, "\\x%02x", ch);
        else
            buf[o++] = (char)ch;
    }
    if (key[i] && o + 4 < size) {
        memcpy(buf + o, "...", 3);
        o += 3;
    }
    buf[o] = '\0';
}

/* Unknown keys are accepted (clients send extra ones) but never silent:
 * each gets a warning sentence, with the known key it is probably a typo
 * of. `where` names the enclosing object ("" at the top). */
static int note_unknown_keys(struct json_object *obj, const char *where, const char *const *known,
                             size_t n, struct conversion_config *cfg)
{
    json_object_object_foreach(obj, key, val) {
        (void)val;
        bool is_known = false;
        for (size_t i = 0; i < n && !is_known; i++)
            is_known = strcmp(key, known[i]) == 0;
        if (is_known)
            continue;
        if (strv_pushf(&cfg->unknown_keys, "%s%s", where, key) < 0)
            return -ENOMEM;
        if (cfg->unknown_keys.n > MAX_WARNINGS)
            continue;
        char shown[64 * 4 + 8];
        printable_key(shown, sizeof shown, key);
        const char *near = nearest_key(key, known, n);
        int r = near ? strv_pushf(&cfg->warnings, "unknown key \"%s%s\" ignored; did you mean \"%s%s\"?",
                                  where, shown, where, near)
                     : strv_pushf(&cfg->warnings, "unknown key \"%s%s\" ignored", where, shown);
        if (r < 0)
            return -ENOMEM;
    }
    return 0;
}

/* A string value: present (or not, when optional), a string, no NUL, not
 * empty, bounded. *out is NULL when absent. */
static int get_string(struct json_object *doc, const char *key, bool required, size_t max,
                      char **out, char **error)
{
    struct json_object *v;

    *out = NULL;
    if (!json_object_object_get_ex(doc, key, &v) || !v) {
        if (required)
            return error_set(error, -EINVAL, "\"%s\" is required", key);
        return 0;
    }
    if (!json_object_is_type(v, json_type_string))
        return error_set(error, -EINVAL, "\"%s\" must be a string", key);
    const char *s = json_object_get_string(v);
    size_t len = (size_t)json_object_get_string_len(v);
    if (strlen(s) != len)
        return error_set(error, -EINVAL, "\"%s\" must not contain NUL characters", key);
    if (len == 0)
        return error_set(error, -EINVAL, "\"%s\" must not be empty", key);
    if (len > max)
        return error_set(error, -EINVAL, "\"%s\" is too long (%zu bytes, at most %zu)", key, len, max);
    *out = strdup(s);
    return *out ? 0 : -ENOMEM;
}

static int get_bool(struct json_object *doc, const char *key, bool def, bool *out, char **error)
{
    struct json_object *v;

    *out = def;
    if (!json_object_object_get_ex(doc, key, &v) || !v)
        return 0;
    if (!json_object_is_type(v, json_type_boolean))
        return error_set(error, -EINVAL, "\"%s\" must be true or false", key);
    *out = json_object_get_boolean(v);
    return 0;
}

/* "stall_seconds": a whole number of seconds, 1 .. one week. */
static int get_stall_seconds(struct json_object *doc, unsigned *out, char **error)
{
    struct json_object *v;
    if (!json_object_object_get_ex(doc, "stall_seconds", &v) || !v)
        return 0;
    if (!json_object_is_type(v, json_type_int))
        return error_set(error, -EINVAL, "\"stall_seconds\" must be a whole number of seconds");
    int64_t n = json_object_get_int64(v);
    if (n < 1 || n > 7 * 86400)
        return error_set(error, -EINVAL, "\"stall_seconds\" must be between 1 and 604800");
    *out = (unsigned)n;
    return 0;
}

static int get_choice(struct json_object *doc, const char *key, const char *const *choices,
                      char **out, char **error)
{
    int r = get_string(doc, key, false, 64, out, error);
    if (r < 0 || !*out)
        return r;
    for (size_t i = 0; choices[i]; i++)
        if (strcmp(*out, choices[i]) == 0)
            return 0;
    free(*out);
    *out = NULL;
    return error_set(error, -EINVAL, "\"%s\" must be \"%s\" or \"%s\"", key, choices[0], choices[1]);
}

static int require_absolute(const char *key, const char *path, char **error)
{
    if (path && path[0] != '/')
        return error_set(error, -EINVAL, "\"%s\" must be an absolute path", key);
    if (path && has_control_chars(path))
        return error_set(error, -EINVAL, "\"%s\" must not contain control characters", key);
    return 0;
}

static int parse_source_disks(struct json_object *doc, struct conversion_config *cfg, char **error)
{
    struct json_object *v;

    if (!json_object_object_get_ex(doc, "source_disks", &v) || !v)
        return 0;
    if (!json_object_is_type(v, json_type_array))
        return error_set(error, -EINVAL, "\"source_disks\" must be an array of strings");
    size_t n = json_object_array_length(v);
    if (n > MAX_LIST)
        return error_set(error, -EINVAL, "\"source_disks\" has %zu entries, at most %d are allowed", n, MAX_LIST);
    cfg->source_disks = calloc(n + 1, sizeof(char *));
    if (!cfg->source_disks)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        if (!json_object_is_type(e, json_type_string) || json_object_get_string_len(e) == 0
            || strlen(json_object_get_string(e)) != (size_t)json_object_get_string_len(e))
            return error_set(error, -EINVAL, "\"source_disks\" must be an array of non-empty strings (entry %zu is not)", i + 1);
        for (size_t j = 0; j < i; j++)
            if (strcmp(cfg->source_disks[j], json_object_get_string(e)) == 0)
                return error_set(error, -EINVAL, "\"source_disks\" names \"%s\" twice", cfg->source_disks[j]);
        cfg->source_disks[i] = strdup(json_object_get_string(e));
        if (!cfg->source_disks[i])
            return -ENOMEM;
        cfg->n_source_disks = i + 1;
    }
    return 0;
}

static bool is_mac_address(const char *s)
{
    static const char hex[] = "0123456789abcdefABCDEF";
    if (strlen(s) != 17)
        return false;
    for (size_t i = 0; i < 17; i++) {
        if (i % 3 == 2 ? s[i] != ':' : !strchr(hex, s[i]) || s[i] == '\0')
            return false;
    }
    return true;
}

static bool is_ip_address(const char *s)
{
    unsigned char buf[sizeof(struct in6_addr)];
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

static int parse_ip_address(struct json_object *e, struct network_mapping *m, char **error)
{
    struct json_object *ip;

    if (!json_object_object_get_ex(e, "ip_address", &ip) || !ip)
        return 0;
    if (!json_object_is_type(ip, json_type_string) || !is_ip_address(json_object_get_string(ip)))
        return error_set(error, -EINVAL, "\"network_mappings\": \"ip_address\" must be an IPv4 or IPv6 address");
    m->ip_address = strdup(json_object_get_string(ip));
    return m->ip_address ? 0 : -ENOMEM;
}

static int parse_network_mapping(struct json_object *e, struct network_mapping *m, char **error)
{
    static const char what[] =
        "\"network_mappings\" must be an array of objects with \"source\" and \"destination\"";
    struct json_object *src, *dst, *mac;

    if (!json_object_is_type(e, json_type_object)
        || !json_object_object_get_ex(e, "source", &src) || !json_object_is_type(src, json_type_string)
        || !json_object_object_get_ex(e, "destination", &dst) || !json_object_is_type(dst, json_type_string)
        || json_object_get_string_len(src) == 0 || json_object_get_string_len(dst) == 0)
        return error_set(error, -EINVAL, "%s", what);
    m->source = strdup(json_object_get_string(src));
    m->destination = strdup(json_object_get_string(dst));
    if (!m->source || !m->destination)
        return -ENOMEM;
    if (strlen(m->source) != (size_t)json_object_get_string_len(src) || has_control_chars(m->source)
        || strlen(m->destination) != (size_t)json_object_get_string_len(dst)
        || has_control_chars(m->destination) || strchr(m->destination, ':'))
        return error_set(error, -EINVAL, "\"network_mappings\": \"source\" and \"destination\" must be plain names "
                    "(no control characters; no ':' in \"destination\")");
    if (json_object_object_get_ex(e, "mac_address", &mac) && mac) {
        if (!json_object_is_type(mac, json_type_string) || !is_mac_address(json_object_get_string(mac)))
            return error_set(error, -EINVAL, "\"network_mappings\": \"mac_address\" must look like \"52:54:00:12:34:56\"");
        m->mac_address = strdup(json_object_get_string(mac));
        if (!m->mac_address)
            return -ENOMEM;
    }
    return parse_ip_address(e, m, error);
}

static int parse_network_mappings(struct json_object *doc, struct conversion_config *cfg, char **error)
{
    struct json_object *v;

    if (!json_object_object_get_ex(doc, "network_mappings", &v) || !v)
        return 0;
    if (!json_object_is_type(v, json_type_array))
        return error_set(error, -EINVAL, "\"network_mappings\" must be an array of objects with \"source\" and \"destination\"");
    size_t n = json_object_array_length(v);
    if (n > MAX_LIST)
        return error_set(error, -EINVAL, "\"network_mappings\" has %zu entries, at most %d are allowed", n, MAX_LIST);
    cfg->network_mappings = calloc(n ? n : 1, sizeof(*cfg->network_mappings));
    if (!cfg->network_mappings)
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        cfg->n_network_mappings = i + 1;
        struct json_object *e = json_object_array_get_idx(v, i);
        int r = parse_network_mapping(e, &cfg->network_mappings[i], error);
        if (r < 0)
            return r;
        char where[48];
        snprintf(where, sizeof where, "network_mappings[%zu].", i);
        if ((r = note_unknown_keys(e, where, mapping_keys, ELEMENTSOF(mapping_keys), cfg)) < 0)
            return r;
    }
    return 0;
}

static bool is_thumbprint(const char *s)
{
    /* SHA1: 20 hex pairs separated by ':' */
    if (strlen(s) != 59)
        return false;
    for (size_t i = 0; i < 59; i++) {
        char c = s[i];
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (i % 3 == 2 ? c != ':' : !hex)
            return false;
    }
    return true;
}

static const struct {
    const char *name;
    enum transport t;
} transports[] = {
    { "vddk", TRANSPORT_VDDK }, { "ssh", TRANSPORT_SSH }, { "disk", TRANSPORT_DISK },
    { "ova", TRANSPORT_OVA }, { "libvirtxml", TRANSPORT_LIBVIRTXML }, { "libvirt", TRANSPORT_LIBVIRT },
};

const char *transport_name(enum transport t)
{
    for (size_t i = 0; i < ELEMENTSOF(transports); i++)
        if (transports[i].t == t)
            return transports[i].name;
    return "?";
}

static int parse_transport(struct json_object *doc, struct conversion_config *cfg, char **error)
{
    _cleanup_free_ char *name = NULL;
    int r = get_string(doc, "transport_method", true, 64, &name, error);
    if (r < 0)
        return r;
    size_t i;
    for (i = 0; i < ELEMENTSOF(transports); i++)
        if (strcmp(name, transports[i].name) == 0)
            break;
    if (i == ELEMENTSOF(transports))
        return error_set(error, -EINVAL, "\"transport_method\" must be one of \"vddk\", \"ssh\", \"disk\", \"ova\", "
                    "\"libvirtxml\" or \"libvirt\"");
    cfg->transport = transports[i].t;

    switch (cfg->transport) {
    case TRANSPORT_VDDK:
        if ((r = get_string(doc, "vmware_uri", true, MAX_STRING, &cfg->vmware_uri, error)) < 0
            || (r = get_string(doc, "vmware_password", true, MAX_STRING, &cfg->vmware_password, error)) < 0
            || (r = get_string(doc, "vmware_fingerprint", true, 64, &cfg->vmware_fingerprint, error)) < 0)
            return r;
        if (!is_thumbprint(cfg->vmware_fingerprint))
            return error_set(error, -EINVAL, "\"vmware_fingerprint\" must be a SHA1 thumbprint like "
                        "\"01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67\"");
        if (has_control_chars(cfg->vmware_uri))
            return error_set(error, -EINVAL, "\"vmware_uri\" must not contain control characters");
        return 0;
    case TRANSPORT_SSH:
        if (strncmp(cfg->vm_name, "ssh://", 6) != 0)
            return error_set(error, -EINVAL, "\"vm_name\" must be an ssh:// URI of the VMX file with transport \"ssh\"");
        return get_string(doc, "ssh_key", false, MAX_STRING, &cfg->ssh_key, error);
    case TRANSPORT_DISK:
    case TRANSPORT_OVA:
    case TRANSPORT_LIBVIRTXML:
        if ((r = get_string(doc, "source_path", true, 4096, &cfg->source_path, error)) < 0)
            return r;
        return require_absolute("source_path", cfg->source_path, error);
    case TRANSPORT_LIBVIRT:
        if ((r = get_string(doc, "source_uri", true, 4096, &cfg->source_uri, error)) < 0
            || (r = get_string(doc, "source_password", false, MAX_STRING, &cfg->source_password, error)) < 0)
            return r;
        if (has_control_chars(cfg->source_uri))
            return error_set(error, -EINVAL, "\"source_uri\" must not contain control characters");
        return 0;
    }
    return 0;
}

static bool present(struct json_object *doc, const char *key)
{
    struct json_object *v;
    return json_object_object_get_ex(doc, key, &v) && v;
}

static int parse_rhv(struct json_object *doc, struct conversion_config *cfg, char **error)
{
    int r;
    if ((r = get_string(doc, "rhv_url", true, 4096, &cfg->rhv_url, error)) < 0
        || (r = get_string(doc, "rhv_password", true, MAX_STRING, &cfg->rhv_password, error)) < 0
        || (r = get_string(doc, "rhv_cluster", true, 1024, &cfg->rhv_cluster, error)) < 0
        || (r = get_string(doc, "rhv_storage", true, 1024, &cfg->rhv_storage, error)) < 0
        || (r = get_string(doc, "rhv_cafile", false, 4096, &cfg->rhv_cafile, error)) < 0)
        return r;
    if (strncmp(cfg->rhv_url, "https://", 8) != 0)
        return error_set(error, -EINVAL, "\"rhv_url\" must be an https:// URL of the oVirt API");
    if (has_control_chars(cfg->rhv_url) || has_control_chars(cfg->rhv_cluster)
        || has_control_chars(cfg->rhv_storage))
        return error_set(error, -EINVAL, "\"rhv_url\", \"rhv_cluster\" and \"rhv_storage\" must not contain control characters");
    if (!cfg->rhv_cafile && !(cfg->rhv_cafile = strdup("/etc/pki/vdsm/certs/cacert.pem")))
        return -ENOMEM;
    return require_absolute("rhv_cafile", cfg->rhv_cafile, error);
}

/* A value of osp_environment as Python's "%s" formats it: the engine and
 * the OpenStack tools saw these strings from the Python wrapper. */
static int format_osp_value(struct json_object *v, const char *key, char **out, char **error)
{
    switch (json_object_get_type(v)) {
    case json_type_string:
        if (strlen(json_object_get_string(v)) != (size_t)json_object_get_string_len(v))
            return error_set(error, -EINVAL, "\"osp_environment\": the value of %s must not contain NUL characters", key);
        *out = strdup(json_object_get_string(v));
        break;
    case json_type_boolean:
        *out = strdup(json_object_get_boolean(v) ? "True" : "False");
        break;
    case json_type_null:
        *out = strdup("None");
        break;
    case json_type_int:
    case json_type_double:
        *out = strdup(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
        break;
    default:
        return error_set(error, -EINVAL, "\"osp_environment\": the value of %s must be a string, number or boolean", key);
    }
    return *out ? 0 : -ENOMEM;
}

static bool is_osp_key(const char *k)
{
    return strncasecmp(k, "os-", 3) == 0 || strncasecmp(k, "os_", 3) == 0;
}

/* OS_AUTH_URL for os-auth-url: the engine's environment variable. */
static bool same_osp_key(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a == '-' ? '_' : *a, y = *b == '-' ? '_' : *b;
        if (x != y && (x ^ 0x20) != y)
            return false;
    }
    return *a == *b;
}

static int parse_osp_entry(const char *key, struct json_object *val, struct conversion_config *cfg,
                           char **error)
{
    if (!is_osp_key(key))
        return error_set(error, -EINVAL, "found invalid key in OSP environment: %s", key);
    if (strlen(key) > MAX_OSP_KEY || key[3 + strspn(key + 3, "abcdefghijklmnopqrstuvwxyz"
                                                     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")] != '\0'
        || key[3] == '\0')
        return error_set(error, -EINVAL, "\"osp_environment\": the key \"%.64s\" must be os- or os_ followed by "
                                         "letters, digits, \"-\" and \"_\"", key);
    for (size_t i = 0; i < cfg->n_osp_environment; i++)
        if (same_osp_key(cfg->osp_environment[i].key, key))
            return error_set(error, -EINVAL, "\"osp_environment\": %s and %s are the same setting",
                             cfg->osp_environment[i].key, key);
    struct osp_env_entry *e = &cfg->osp_environment[cfg->n_osp_environment];
    if (!(e->key = strdup(key)))
        return -ENOMEM;
    cfg->n_osp_environment++;
    return format_osp_value(val, key, &e->value, error);
}

static int parse_osp_environment(struct json_object *doc, struct conversion_config *cfg, char **error)
{
    struct json_object *v;

    if (!json_object_object_get_ex(doc, "osp_environment", &v) || !json_object_is_type(v, json_type_object))
        return error_set(error, -EINVAL, "\"osp_environment\" must be an object of os_* settings");
    size_t n = (size_t)json_object_object_length(v);
    if (n > MAX_LIST)
        return error_set(error, -EINVAL, "\"osp_environment\" has %zu entries, at most %d are allowed", n, MAX_LIST);
    cfg->osp_environment = calloc(n ? n : 1, sizeof(*cfg->osp_environment));
    if (!cfg->osp_environment)
        return -ENOMEM;
    json_object_object_foreach(v, key, val) {
        int r = parse_osp_entry(key, val, cfg, error);
        if (r < 0)
            return r;
    }
    return 0;
}

static int parse_string_list(struct json_object *doc, const char *key, char ***out, size_t *n_out,
                             char **error)
{
    struct json_object *v;

    if (!json_object_object_get_ex(doc, key, &v) || !v)
        return error_set(error, -EINVAL, "\"%s\" is required", key);
    if (!json_object_is_type(v, json_type_array))
        return error_set(error, -EINVAL, "\"%s\" must be an array of strings", key);
    size_t n = json_object_array_length(v);
    if (n > MAX_LIST)
        return error_set(error, -EINVAL, "\"%s\" has %zu entries, at most %d are allowed", key, n, MAX_LIST);
    if (!(*out = calloc(n + 1, sizeof(char *))))
        return -ENOMEM;
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(v, i);
        if (!json_object_is_type(e, json_type_string) || json_object_get_string_len(e) == 0
            || strlen(json_object_get_string(e)) != (size_t)json_object_get_string_len(e)
            || has_control_chars(json_object_get_string(e)))
            return error_set(error, -EINVAL, "\"%s\" must be an array of non-empty strings (entry %zu is not)", key, i + 1);
        if (!((*out)[i] = strdup(json_object_get_string(e))))
            return -ENOMEM;
        *n_out = i + 1;
    }
    return 0;
}

/* A version 4 UUID from the kernel's random numbers. */
static int random_uuid(char **out)
{
    uint8_t b[16];
    if (getrandom(b, sizeof b, 0) != sizeof b)
        return -errno;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    if (asprintf(out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
                 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
                 b[13], b[14], b[15]) < 0)
        return -ENOMEM;
    return 0;
}

static int parse_osp(struct json_object *doc, struct conversion_config *cfg, char **error)
{
    int r;

    if ((r = parse_osp_environment(doc, cfg, error)) < 0
        || (r = get_string(doc, "osp_destination_project_id", true, 1024, &cfg->osp_destination_project_id, error)) < 0
        || (r = get_string(doc, "osp_flavor_id", true, 1024, &cfg->osp_flavor_id, error)) < 0
        || (r = parse_string_list(doc, "osp_security_groups_ids", &cfg->osp_security_groups_ids,
                                  &cfg->n_osp_security_groups_ids, error)) < 0
        || (r = get_string(doc, "osp_server_id", true, 1024, &cfg->osp_server_id, error)) < 0
        || (r = get_string(doc, "osp_guest_id", false, 1024, &cfg->osp_guest_id, error)) < 0
        || (r = get_string(doc, "osp_volume_type_id", false, 1024, &cfg->osp_volume_type_id, error)) < 0)
        return r;
    const char *const ids[] = { cfg->osp_destination_project_id, cfg->osp_flavor_id, cfg->osp_server_id,
                                cfg->osp_guest_id, cfg->osp_volume_type_id };
    for (size_t i = 0; i < ELEMENTSOF(ids); i++)
        if (ids[i] && (has_control_chars(ids[i]) || strpbrk(ids[i], "/?#%")))
            return error_set(error, -EINVAL, "the OpenStack ids (\"osp_*_id\") must not contain control characters, "
                                             "\"/\", \"?\", \"#\" or \"%%\"");
    for (size_t i = 0; i < cfg->n_osp_security_groups_ids; i++)
        if (strpbrk(cfg->osp_security_groups_ids[i], "/?#%"))
            return error_set(error, -EINVAL, "\"osp_security_groups_ids\" must not contain \"/\", \"?\", \"#\" or \"%%\"");
    for (size_t i = 0; i < cfg->n_network_mappings; i++)
        if (!cfg->network_mappings[i].mac_address)
            return error_set(error, -EINVAL, OSP_MISSING_MAC);
    if (!cfg->osp_guest_id)
        return random_uuid(&cfg->osp_guest_id);
    return 0;
}

/* First match wins (CONTRACT §4), then our own outputs. `daemonize: false`
 * alone means the Kubernetes pod; with local_storage/libvirt_pool it is just
 * the foreground (see README: differences). */
static int parse_output(struct json_object *doc, struct conversion_config *cfg, char **error)
{
    int r;

    if (present(doc, "rhv_url")) {
        cfg->output = OUTPUT_RHV_UPLOAD;
        return parse_rhv(doc, cfg, error);
    }
    if (present(doc, "export_domain")) {
        cfg->output = OUTPUT_EXPORT_DOMAIN;
        if ((r = get_string(doc, "export_domain", true, 4096, &cfg->export_domain, error)) < 0)
            return r;
        if (!strstr(cfg->export_domain, ":/") || has_control_chars(cfg->export_domain))
            return error_set(error, -EINVAL, "\"export_domain\" must be an NFS export like \"host:/path\"");
        return 0;
    }
    if (present(doc, "osp_environment")) {
        cfg->output = OUTPUT_OPENSTACK;
        return parse_osp(doc, cfg, error);
    }
    if (present(doc, "local_storage")) {
        cfg->output = OUTPUT_LOCAL;
        if ((r = get_string(doc, "local_storage", true, 4096, &cfg->local_storage, error)) < 0)
            return r;
        return require_absolute("local_storage", cfg->local_storage, error);
    }
    if (present(doc, "libvirt_pool")) {
        cfg->output = OUTPUT_LIBVIRT;
        if ((r = get_string(doc, "libvirt_pool", true, 1024, &cfg->libvirt_pool, error)) < 0
            || (r = get_string(doc, "libvirt_uri", false, 4096, &cfg->libvirt_uri, error)) < 0)
            return r;
        if (has_control_chars(cfg->libvirt_pool) || (cfg->libvirt_uri && has_control_chars(cfg->libvirt_uri)))
            return error_set(error, -EINVAL, "\"libvirt_pool\" and \"libvirt_uri\" must not contain control characters");
        return 0;
    }
    if (!cfg->daemonize) {
        cfg->output = OUTPUT_KUBEVIRT;       /* the Kubernetes pod's entry point */
        return 0;
    }
    return error_set(error, -EINVAL, "no target specified: give one of \"rhv_url\", \"export_domain\", "
                "\"osp_environment\", \"local_storage\" or \"libvirt_pool\"");
}

static int parse_options(struct json_object *doc, struct conversion_config *cfg, char **error)
{
    static const char *const formats[] = { "raw", "qcow2", NULL };
    static const char *const allocations[] = { "preallocated", "sparse", NULL };
    struct json_object *v;
    int r;

    if ((r = get_bool(doc, "daemonize", true, &cfg->daemonize, error)) < 0
        || (r = get_choice(doc, "output_format", formats, &cfg->output_format, error)) < 0
        || (r = get_choice(doc, "allocation", allocations, &cfg->allocation, error)) < 0
        || (r = parse_source_disks(doc, cfg, error)) < 0
        || (r = parse_network_mappings(doc, cfg, error)) < 0
        || (r = get_string(doc, "virtio_win", false, 4096, &cfg->virtio_win, error)) < 0
        || (r = get_bool(doc, "install_drivers", false, &cfg->install_drivers, error)) < 0
        || (r = get_string(doc, "luks_keys_vault", false, 4096, &cfg->luks_keys_vault, error)) < 0
        || (r = get_bool(doc, "insecure_connection", false, &cfg->insecure_connection, error)) < 0
        || (r = get_stall_seconds(doc, &cfg->stall_seconds, error)) < 0)
        return r;
    if (!cfg->output_format && !(cfg->output_format = strdup("raw")))
        return -ENOMEM;
    if (cfg->virtio_win) {
        if (has_control_chars(cfg->virtio_win) || strstr(cfg->virtio_win, ".."))
            return error_set(error, -EINVAL, "\"virtio_win\" must be an absolute path or a plain file name");
        if (cfg->virtio_win[0] != '/' && strchr(cfg->virtio_win, '/'))
            return error_set(error, -EINVAL, "\"virtio_win\" must be an absolute path or a plain file name");
        cfg->install_drivers = true;
    }
    if ((r = require_absolute("luks_keys_vault", cfg->luks_keys_vault, error)) < 0)
        return r;
    if (json_object_object_get_ex(doc, "throttling", &v) && v) {
        cfg->have_throttling = true;
        if ((r = throttle_request_from_json(v, "\"throttling\"", &cfg->throttling, error)) < 0)
            return r;
        return note_unknown_keys(v, "throttling.", throttling_keys, ELEMENTSOF(throttling_keys), cfg);
    }
    return 0;
}

static int parse_document(struct json_object *doc, struct conversion_config *cfg, char **error)
{
    int r;

    if (!json_object_is_type(doc, json_type_object))
        return error_set(error, -EINVAL, "the input must be one JSON object");
    if ((r = get_string(doc, "vm_name", true, MAX_NAME, &cfg->vm_name, error)) < 0)
        return r;
    if (has_control_chars(cfg->vm_name))
        return error_set(error, -EINVAL, "\"vm_name\" must not contain control characters");
    if (cfg->vm_name[0] == '-')
        return error_set(error, -EINVAL, "\"vm_name\" must not start with \"-\" (virt-v2v would take it for an option)");
    if ((r = parse_options(doc, cfg, error)) < 0
        || (r = parse_transport(doc, cfg, error)) < 0
        || (r = parse_output(doc, cfg, error)) < 0)
        return r;
    if ((r = note_unknown_keys(doc, "", known_keys, ELEMENTSOF(known_keys), cfg)) < 0)
        return r;
    if (cfg->unknown_keys.n > MAX_WARNINGS
        && strv_pushf(&cfg->warnings, "%zu more unknown keys ignored",
                      cfg->unknown_keys.n - MAX_WARNINGS) < 0)
        return -ENOMEM;
    return 0;
}

/* Secrets hide in known keys, in misspelled ones and in nested objects
 * (osp_environment's OS_PASSWORD): every string json-c holds is wiped. */
static void wipe_strings(struct json_object *o)
{
    if (json_object_is_type(o, json_type_string)) {
        secret_json_erase(o);
    } else if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++)
            wipe_strings(json_object_array_get_idx(o, i));
    } else if (json_object_is_type(o, json_type_object)) {
        json_object_object_foreach(o, key, val) {
            (void)key;
            wipe_strings(val);
        }
    }
}

static void wipe_jsonp(struct json_object **doc)
{
    if (*doc) {
        wipe_strings(*doc);
        json_object_put(*doc);
    }
}

/* json-c lets overlong forms and encoded surrogates through (also from
 * \u escapes): every key and string of the document must be strict UTF-8. */
static int check_utf8(struct json_object *o, const char *key, char **error)
{
    if (json_object_is_type(o, json_type_string)) {
        const char *s = json_object_get_string(o);
        size_t n = (size_t)json_object_get_string_len(o);
        if (!memchr(s, '\0', n) && !utf8_valid(s, n))   /* NUL: the key's own check names it */
            return error_set(error, -EINVAL, "\"%s\": invalid UTF-8 (an overlong form or an encoded surrogate)", key);
    } else if (json_object_is_type(o, json_type_array)) {
        for (size_t i = 0; i < json_object_array_length(o); i++)
            if (check_utf8(json_object_array_get_idx(o, i), key, error) < 0)
                return -EINVAL;
    } else if (json_object_is_type(o, json_type_object)) {
        json_object_object_foreach(o, k, v) {
            if (!utf8_valid(k, strlen(k)))
                return error_set(error, -EINVAL, "a key of the input is invalid UTF-8 (overlong form or surrogate)");
            if (check_utf8(v, key ? key : k, error) < 0)
                return -EINVAL;
        }
    }
    return 0;
}

int config_parse(const char *text, size_t len, struct conversion_config *cfg, char **error)
{
    _cleanup_(json_tokener_freep) struct json_tokener *tok = NULL;
    _cleanup_(wipe_jsonp) struct json_object *doc = NULL;

    *cfg = (struct conversion_config){ 0 };
    *error = NULL;
    if (len > CONFIG_MAX_INPUT)
        return error_set(error, -EINVAL, "the input is larger than %d bytes", CONFIG_MAX_INPUT);
    size_t start = 0;
    while (start < len && strchr(" \t\r\n", text[start]))
        start++;
    if (start == len)
        return error_set(error, -EINVAL, "no input: expected one JSON object on stdin");
    if (memchr(text, '\0', len))
        return error_set(error, -EINVAL, "the input contains a NUL byte; expected one JSON object");

    tok = json_tokener_new();
    if (!tok)
        return -ENOMEM;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    doc = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    if (jerr == json_tokener_continue)
        return error_set(error, -EINVAL, "the input is not valid JSON: unexpected end of input");
    if (!doc || jerr != json_tokener_success)
        return error_set(error, -EINVAL, "the input is not valid JSON: %s at byte %zu",
                    json_tokener_error_desc(jerr), json_tokener_get_parse_end(tok));
    size_t end = json_tokener_get_parse_end(tok);
    while (end < len && strchr(" \t\r\n", text[end]))
        end++;
    if (end != len)
        return error_set(error, -EINVAL, "the input has data after the JSON object (at byte %zu)", end);

    int r = check_utf8(doc, NULL, error);
    if (r >= 0)
        r = parse_document(doc, cfg, error);
    if (r < 0) {
        config_free(cfg);
        if (r == -ENOMEM && !*error)
            error_set(error, r, "out of memory");
    }
    return r;
}

void config_free(struct conversion_config *cfg)
{
    free(cfg->vm_name);
    free(cfg->vmware_uri);
    secret_free(cfg->vmware_password);
    free(cfg->vmware_fingerprint);
    secret_free(cfg->ssh_key);
    free(cfg->source_path);
    free(cfg->source_uri);
    secret_free(cfg->source_password);
    free(cfg->output_format);
    free(cfg->allocation);
    for (size_t i = 0; i < cfg->n_source_disks; i++)
        free(cfg->source_disks[i]);
    free(cfg->source_disks);
    for (size_t i = 0; i < cfg->n_network_mappings; i++) {
        free(cfg->network_mappings[i].source);
        free(cfg->network_mappings[i].destination);
        free(cfg->network_mappings[i].mac_address);
        free(cfg->network_mappings[i].ip_address);
    }
    free(cfg->network_mappings);
    free(cfg->virtio_win);
    free(cfg->luks_keys_vault);
    free(cfg->rhv_url);
    secret_free(cfg->rhv_password);
    free(cfg->rhv_cluster);
    free(cfg->rhv_storage);
    free(cfg->rhv_cafile);
    free(cfg->export_domain);
    free(cfg->local_storage);
    free(cfg->libvirt_pool);
    free(cfg->libvirt_uri);
    for (size_t i = 0; i < cfg->n_osp_environment; i++) {
        free(cfg->osp_environment[i].key);
        secret_free(cfg->osp_environment[i].value);
    }
    free(cfg->osp_environment);
    free(cfg->osp_destination_project_id);
    free(cfg->osp_flavor_id);
    free(cfg->osp_server_id);
    free(cfg->osp_guest_id);
    free(cfg->osp_volume_type_id);
    for (size_t i = 0; i < cfg->n_osp_security_groups_ids; i++)
        free(cfg->osp_security_groups_ids[i]);
    free(cfg->osp_security_groups_ids);
    strv_free(&cfg->unknown_keys);
    strv_free(&cfg->warnings);
    *cfg = (struct conversion_config){ 0 };
}
