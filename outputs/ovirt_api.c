#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>

#include "outputs/http.h"
#include "outputs/ovirt_api.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/log.h"


struct ovirt_api {
    CURL *curl;
    char *base;              /* https://host[:port]/ovirt-engine/api, no user part */
    char *engine;            /* https://host[:port]/ovirt-engine */
    char *username;
    char *cafile;
    bool insecure;
    char *token;             /* secret */
    long connect_timeout_ms, timeout_ms;
    char errbuf[CURL_ERROR_SIZE];
};

static void curl_wipe_freep(char **s)
{
    if (*s) {
        explicit_bzero(*s, strlen(*s));
        curl_free(*s);
    }
}

static const char *json_str(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
        return NULL;
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* "REASON (DETAIL)" out of {"fault": {"reason", "detail"}}, {"reason", "detail"}
 * or the SSO's {"error", "error_description"}; NULL if none. */
static char *fault_text(const struct http_reply *r)
{
    _cleanup_json_ struct json_object *root = r->data ? json_tokener_parse(r->data) : NULL;
    struct json_object *o = root, *fault;
    if (json_object_is_type(root, json_type_object) && json_object_object_get_ex(root, "fault", &fault) &&
        json_object_is_type(fault, json_type_object))
        o = fault;
    const char *reason = json_str(o, "reason"), *detail = json_str(o, "detail");
    if (!reason && !detail) {
        reason = json_str(o, "error");
        detail = json_str(o, "error_description");
    }
    if (!reason && !detail)
        return NULL;
    _cleanup_free_ char *cr = http_clean_text(reason ? reason : "");
    _cleanup_free_ char *cd = http_clean_text(detail ? detail : "");
    char *text;
    if (!cr || !cd)
        return NULL;
    if (asprintf(&text, "%s%s%s%s", cr, *cr && *cd ? " (" : "", cd, *cr && *cd ? ")" : "") < 0)
        return NULL;
    return text;
}

enum method { METHOD_GET, METHOD_POST, METHOD_DELETE };
static const char *const method_names[] = { "GET", "POST", "DELETE" };

/* One HTTP exchange. Returns 0 (any HTTP status, in r->status) or a negative
 * errno with *error set when there was no HTTP answer. `what` names the call
 * in messages. */
static int perform(struct ovirt_api *api, enum method m, const char *url, const char *what,
                   struct curl_slist *headers, const char *body, struct http_reply *r, char **error)
{
    CURL *c = api->curl;

    curl_easy_reset(c);
    http_setup_common(c, api->cafile, api->insecure, api->errbuf);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, api->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, api->timeout_ms);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_reply_on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    switch (m) {
    case METHOD_GET:
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        break;
    case METHOD_POST:
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)(body ? strlen(body) : 0));
        break;
    case METHOD_DELETE:
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
        break;
    }

    CURLcode rc = curl_easy_perform(c);
    curl_off_t usec = 0;
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &usec);
    /* The POST body stays with us: make curl forget the pointer. */
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
    if (rc != CURLE_OK) {
        log_debug("oVirt API: %s %s: %s (%.1f ms)", method_names[m], url,
                  api->errbuf[0] ? api->errbuf : curl_easy_strerror(rc), usec / 1000.0);
        error_set(error, 0, "oVirt %s (%s %s) failed: %s", what, method_names[m], url,
                  api->errbuf[0] ? api->errbuf : curl_easy_strerror(rc));
        return rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EIO;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    log_debug("oVirt API: %s %s -> HTTP %ld (%.1f ms)", method_names[m], url, r->status, usec / 1000.0);
    return 0;
}

static int status_error(const char *what, enum method m, const char *url, const struct http_reply *r,
                        char **error)
{
    _cleanup_free_ char *fault = fault_text(r);
    error_set(error, 0, "oVirt %s (%s %s) failed with HTTP %ld%s%s", what, method_names[m], url,
              r->status, fault ? ": " : "", fault ? fault : "");
    switch (r->status) {
    case 404: return -ENOENT;
    case 401: case 403: return -EACCES;
    case 408: case 504: return -ETIMEDOUT;
    default: return -EIO;
    }
}

/* An authenticated API call. */
static int api_call(struct ovirt_api *api, enum method m, const char *path, const char *body,
                    struct json_object **out, char **error)
{
    _cleanup_free_ char *url = NULL;
    _cleanup_free_ char *auth = NULL;
    struct curl_slist *headers = NULL;
    struct http_reply r = { 0 };

    if (out)
        *out = NULL;
    if (asprintf(&url, "%s/%s", api->base, path) < 0 ||
        asprintf(&auth, "Authorization: Bearer %s", api->token) < 0)
        return -ENOMEM;
    struct curl_slist *h = headers = curl_slist_append(NULL, auth);
    explicit_bzero(auth, strlen(auth));
    if (h)
        h = curl_slist_append(headers, "Accept: application/json");
    if (h)
        h = curl_slist_append(headers, "Version: 4");
    if (h && m == METHOD_POST)
        h = curl_slist_append(headers, "Content-Type: application/json");
    if (!h) {
        http_slist_wipe(&headers);
        return -ENOMEM;
    }

    int ret = perform(api, m, url, "API call", headers, body, &r, error);
    http_slist_wipe(&headers);
    if (ret < 0)
        goto out;
    if (r.status < 200 || r.status > 299) {
        ret = status_error("API call", m, url, &r, error);
        goto out;
    }
    if (out && r.len > 0) {
        *out = json_tokener_parse(r.data);
        if (!*out) {
            error_set(error, 0, "oVirt API call (%s %s) returned HTTP %ld with a body that is not JSON",
                      method_names[m], url, r.status);
            ret = -EBADMSG;
        }
    }
out:
    http_reply_wipe(&r);
    return ret;
}

int ovirt_api_get(struct ovirt_api *api, const char *path, struct json_object **reply, char **error)
{
    return api_call(api, METHOD_GET, path, NULL, reply, error);
}

int ovirt_api_post(struct ovirt_api *api, const char *path, const char *json_body,
                   struct json_object **reply, char **error)
{
    return api_call(api, METHOD_POST, path, json_body, reply, error);
}

int ovirt_api_delete(struct ovirt_api *api, const char *path, char **error)
{
    return api_call(api, METHOD_DELETE, path, NULL, NULL, error);
}

/* A form-encoded SSO request (token or logout): POST to ENGINE/SUFFIX. */
static int sso_call(struct ovirt_api *api, const char *suffix, const char *what, const char *form,
                    struct http_reply *r, char **error)
{
    _cleanup_free_ char *url = NULL;
    struct curl_slist *headers = NULL;

    if (asprintf(&url, "%s/%s", api->engine, suffix) < 0)
        return -ENOMEM;
    struct curl_slist *h = headers = curl_slist_append(NULL, "Accept: application/json");
    if (h)
        h = curl_slist_append(headers, "Content-Type: application/x-www-form-urlencoded");
    if (!h) {
        curl_slist_free_all(headers);
        return -ENOMEM;
    }
    int ret = perform(api, METHOD_POST, url, what, headers, form, r, error);
    curl_slist_free_all(headers);
    if (ret < 0)
        return ret;
    if (r->status < 200 || r->status > 299)
        return status_error(what, METHOD_POST, url, r, error);
    return 0;
}

static int login(struct ovirt_api *api, const char *password, char **error)
{
    _cleanup_(curl_wipe_freep) char *user = curl_easy_escape(api->curl, api->username, 0);
    _cleanup_(curl_wipe_freep) char *pass = curl_easy_escape(api->curl, password, 0);
    _cleanup_erase_ char *form = NULL;
    _cleanup_free_ char *what = NULL;
    struct http_reply r = { 0 };

    if (!user || !pass ||
        asprintf(&form, "grant_type=password&scope=ovirt-app-api&username=%s&password=%s", user, pass) < 0 ||
        asprintf(&what, "SSO login as %s", api->username) < 0)
        return -ENOMEM;
    int ret = sso_call(api, "sso/oauth/token", what, form, &r, error);
    if (ret == -EIO && r.status == 400)
        ret = -EACCES;            /* the SSO's answer to bad credentials */
    if (ret < 0)
        goto out;

    struct json_object *o = json_tokener_parse(r.data ? r.data : "");
    const char *token = json_str(o, "access_token");
    if (json_str(o, "error") || !token || !*token) {
        _cleanup_free_ char *fault = fault_text(&r);
        error_set(error, 0, "oVirt %s (POST %s/sso/oauth/token) returned no access token%s%s", what,
                  api->engine, fault ? ": " : "", fault ? fault : "");
        ret = -EACCES;
    } else {
        api->token = strdup(token);
        ret = api->token ? 0 : -ENOMEM;
        explicit_bzero((char *)token, strlen(token));
    }
    json_object_put(o);
out:
    http_reply_wipe(&r);
    return ret;
}

static void logout(struct ovirt_api *api)
{
    _cleanup_(curl_wipe_freep) char *token = curl_easy_escape(api->curl, api->token, 0);
    _cleanup_erase_ char *form = NULL;
    _cleanup_free_ char *error = NULL;
    struct http_reply r = { 0 };

    if (!token || asprintf(&form, "token=%s", token) < 0)
        return;
    if (sso_call(api, "services/sso-logout", "SSO logout", form, &r, &error) < 0)
        log_warning("Could not revoke the oVirt access token: %s", error ? error : "out of memory");
    http_reply_wipe(&r);
}

/* Split rhv_url into the user part (URL-decoded, NULL if none), the API base
 * and the engine base, both without the user part. */
static int parse_url(struct ovirt_api *api, const char *url, char **user, char **error)
{
    const char *sep = strstr(url, "://");
    if (!sep || (size_t)(sep - url) != 5 || strncasecmp(url, "https", 5) != 0) {
        error_set(error, 0, "The oVirt URL must start with https://");
        return -EINVAL;
    }
    const char *auth = sep + 3;
    size_t auth_len = strcspn(auth, "/?#");
    const char *path = auth + auth_len;
    size_t path_len = strcspn(path, "?#");
    const char *at = memrchr(auth, '@', auth_len);
    const char *hostport = at ? at + 1 : auth;
    int hostport_len = (int)(auth + auth_len - hostport);

    *user = NULL;
    if (at && at > auth) {
        size_t ulen = strcspn(auth, ":");
        if (ulen > (size_t)(at - auth))
            ulen = (size_t)(at - auth);
        char *u = curl_easy_unescape(api->curl, auth, (int)ulen, NULL);
        if (!u)
            return -ENOMEM;
        *user = strdup(u);
        curl_free(u);
        if (!*user)
            return -ENOMEM;
    }
    while (path_len > 0 && path[path_len - 1] == '/')
        path_len--;
    if (hostport_len == 0 ||
        asprintf(&api->base, "https://%.*s%.*s", hostport_len, hostport, (int)path_len, path) < 0 ||
        asprintf(&api->engine, "https://%.*s/ovirt-engine", hostport_len, hostport) < 0) {
        error_set(error, 0, "The oVirt URL has no host name");
        return -EINVAL;
    }
    CURLU *u = curl_url();
    if (!u)
        return -ENOMEM;
    CURLUcode uc = curl_url_set(u, CURLUPART_URL, api->base, 0);
    curl_url_cleanup(u);
    if (uc != CURLUE_OK) {
        error_set(error, 0, "The oVirt URL %s is not valid: %s", api->base, curl_url_strerror(uc));
        return -EINVAL;
    }
    return 0;
}

static void set_timeouts(struct ovirt_api *api)
{
    const char *env = getenv("V2VW_OVIRT_TIMEOUT");
    api->connect_timeout_ms = OVIRT_CONNECT_TIMEOUT_MS;
    api->timeout_ms = OVIRT_TIMEOUT_MS;
    if (env && *env) {
        char *end;
        double s = strtod(env, &end);
        if (*end == '\0' && s > 0 && s < 86400) {
            api->timeout_ms = (long)(s * 1000);
            if (api->timeout_ms < 1)
                api->timeout_ms = 1;
            if (api->connect_timeout_ms > api->timeout_ms)
                api->connect_timeout_ms = api->timeout_ms;
        }
    }
}

int ovirt_api_open(const char *url, const char *username, const char *password,
                   const char *cafile, bool insecure, struct ovirt_api **out, char **error)
{
    struct ovirt_api *api = calloc(1, sizeof *api);
    _cleanup_free_ char *url_user = NULL;
    int r;

    *out = NULL;
    if (!api)
        return -ENOMEM;
    http_global_init();
    api->curl = curl_easy_init();
    api->insecure = insecure;
    set_timeouts(api);
    api->cafile = strdup(cafile ? cafile : OVIRT_DEFAULT_CAFILE);
    if (!api->curl || !api->cafile) {
        r = -ENOMEM;
        goto fail;
    }
    r = parse_url(api, url, &url_user, error);
    if (r < 0)
        goto fail;
    api->username = strdup(username ? username : url_user ? url_user : OVIRT_DEFAULT_USER);
    if (!api->username) {
        r = -ENOMEM;
        goto fail;
    }
    r = login(api, password ? password : "", error);
    if (r < 0)
        goto fail;
    log_info("Logged in to the oVirt API %s as %s", api->base, api->username);
    *out = api;
    return 0;
fail:
    ovirt_api_close(api);
    return r;
}

void ovirt_api_close(struct ovirt_api *api)
{
    if (!api)
        return;
    if (api->token) {
        logout(api);
        explicit_bzero(api->token, strlen(api->token));
        free(api->token);
    }
    if (api->curl)
        curl_easy_cleanup(api->curl);
    free(api->base);
    free(api->engine);
    free(api->username);
    free(api->cafile);
    free(api);
}

const char *ovirt_api_username(const struct ovirt_api *api)
{
    return api->username;
}

/* The array under `key` of a list reply ({} when the list is empty). */
static int list_of(struct json_object *reply, const char *key, struct json_object **list)
{
    struct json_object *v;
    if (reply && json_object_object_get_ex(reply, key, &v) && json_object_is_type(v, json_type_array))
        *list = json_object_get(v);
    else
        *list = json_object_new_array();
    return *list ? 0 : -ENOMEM;
}

/* PREFIX ID SUFFIX with the ID URL-encoded. */
static int id_path(struct ovirt_api *api, const char *prefix, const char *id, const char *suffix,
                   char **path)
{
    char *escaped = curl_easy_escape(api->curl, id, 0);
    if (!escaped)
        return -ENOMEM;
    int r = asprintf(path, "%s%s%s", prefix, escaped, suffix);
    curl_free(escaped);
    return r < 0 ? -ENOMEM : 0;
}

int ovirt_api_find_storage_domains(struct ovirt_api *api, const char *name,
                                   struct json_object **domains, char **error)
{
    _cleanup_free_ char *query = NULL;
    _cleanup_free_ char *path = NULL;
    _cleanup_json_ struct json_object *reply = NULL;

    *domains = NULL;
    if (asprintf(&query, "name=\"%s\"", name) < 0)
        return -ENOMEM;
    char *escaped = curl_easy_escape(api->curl, query, 0);
    if (!escaped)
        return -ENOMEM;
    int r = asprintf(&path, "storagedomains?search=%s&case_sensitive=true", escaped);
    curl_free(escaped);
    if (r < 0)
        return -ENOMEM;
    r = ovirt_api_get(api, path, &reply, error);
    if (r < 0)
        return r;
    return list_of(reply, "storage_domain", domains);
}

int ovirt_api_disk_status(struct ovirt_api *api, const char *disk_id, char **status, char **error)
{
    _cleanup_free_ char *path = NULL;
    _cleanup_json_ struct json_object *reply = NULL;

    *status = NULL;
    if (id_path(api, "disks/", disk_id, "", &path) < 0)
        return -ENOMEM;
    int r = ovirt_api_get(api, path, &reply, error);
    if (r < 0)
        return r;
    const char *s = json_str(reply, "status");
    *status = strdup(s ? s : "");
    return *status ? 0 : -ENOMEM;
}

int ovirt_api_list_image_transfers(struct ovirt_api *api, struct json_object **transfers, char **error)
{
    _cleanup_json_ struct json_object *reply = NULL;

    *transfers = NULL;
    int r = ovirt_api_get(api, "imagetransfers", &reply, error);
    if (r < 0)
        return r;
    return list_of(reply, "image_transfer", transfers);
}

int ovirt_api_cancel_image_transfer(struct ovirt_api *api, const char *id, char **error)
{
    _cleanup_free_ char *path = NULL;
    if (id_path(api, "imagetransfers/", id, "/cancel", &path) < 0)
        return -ENOMEM;
    return ovirt_api_post(api, path, "{}", NULL, error);
}

int ovirt_api_delete_disk(struct ovirt_api *api, const char *disk_id, char **error)
{
    _cleanup_free_ char *path = NULL;
    if (id_path(api, "disks/", disk_id, "", &path) < 0)
        return -ENOMEM;
    return ovirt_api_delete(api, path, error);
}
