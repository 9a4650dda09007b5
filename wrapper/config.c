/* The input document: parse with json-c, validate every key, fill a typed
 * configuration. Errors are one sentence naming the key. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "wrapper/config.h"
#include "common/error.h"
#include "common/secret.h"

#define MAX_NAME 1024            /* bytes of vm_name */
#define MAX_LIST 1024            /* entries of source_disks / network_mappings */
#define MAX_STRING 65536         /* any other string (an ssh key fits) */

static const char *const known_keys[] = {
    "vm_name", "transport_method", "vmware_uri", "vmware_password", "vmware_fingerprint",
    "ssh_key", "source_path", "source_uri", "source_password", "daemonize",
    "output_format", "allocation", "source_disks", "network_mappings", "virtio_win",
    "install_drivers", "throttling", "luks_keys_vault", "insecure_connection",
    "rhv_url", "rhv_password", "rhv_cluster", "rhv_storage", "rhv_cafile",
    "export_domain", "osp_environment", "osp_server_id", "osp_destination_project_id",
    "osp_flavor_id", "osp_security_groups_ids", "osp_guest_id", "osp_volume_type_id",
    "local_storage", "libvirt_pool", "libvirt_uri",
};

/* Secrets: wiped from json-c's own copies once we have ours. */
static const char *const secret_keys[] = {
    "vmware_password", "rhv_password", "ssh_key", "source_password",
};

static bool has_control_chars(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || *s == 0x7f)
            return true;
    return false;
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
    return 0;
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
        int r = parse_network_mapping(json_object_array_get_idx(v, i), &cfg->network_mappings[i], error);
        if (r < 0)
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
    if (present(doc, "osp_environment"))
        return error_set(error, -EINVAL, "\"osp_environment\": the OpenStack output is not supported by this build of virt-v2v-wrapper");
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
        cfg->output = OUTPUT_KUBEVIRT;       /* KUBERNETES.md: the pod's entry point */
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
        || (r = get_bool(doc, "insecure_connection", false, &cfg->insecure_connection, error)) < 0)
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
        return throttle_request_from_json(v, "\"throttling\"", &cfg->throttling, error);
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
    json_object_object_foreach(doc, key, val) {
        (void)val;
        bool known = false;
        for (size_t i = 0; i < ELEMENTSOF(known_keys) && !known; i++)
            known = strcmp(key, known_keys[i]) == 0;
        if (!known && strv_push(&cfg->unknown_keys, key) < 0)
            return -ENOMEM;
    }
    return 0;
}

static void wipe_secrets(struct json_object *doc)
{
    struct json_object *v;
    if (!json_object_is_type(doc, json_type_object))
        return;
    for (size_t i = 0; i < ELEMENTSOF(secret_keys); i++)
        if (json_object_object_get_ex(doc, secret_keys[i], &v))
            secret_json_erase(v);
}

static void wipe_jsonp(struct json_object **doc)
{
    if (*doc) {
        wipe_secrets(*doc);
        json_object_put(*doc);
    }
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

    int r = parse_document(doc, cfg, error);
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
    strv_free(&cfg->unknown_keys);
    *cfg = (struct conversion_config){ 0 };
}
