/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "outputs/ovirt_api.h"
#include "outputs/http.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/log.h"
#include "common/settings.h"

struct ovirt_api {
    struct http_client *http;
    char *base;              /* https://host[:port]/ovirt-engine/api, no user part */
    char *engine;            /* https://host[:port]/ovirt-engine */
    char *username;
    char *cafile;
    bool insecure;
    char *token;             /* secret */
    long connect_timeout_ms, timeout_ms;
};

#define json_str http_json_str

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

/* One HTTP exchange. Returns 0 (any HTTP status, in r->status) or a negative
 * errno with *error set when there was no HTTP answer. `what` names the call
 * in messages. */
static int perform(struct ovirt_api *api, enum http_method m, const char *url, const char *what,
                   const char *content_type, const char *body, struct http_reply *r, char **error)
{
    struct http_request req = {
        .method = m, .url = url, .accept = HTTP_JSON, .content_type = content_type,
        .bearer_token = content_type && strcmp(content_type, HTTP_FORM) == 0 ? NULL : api->token,
        .body = body, .protocols = "https", .insecure = api->insecure,
        .cafile = api->cafile, .cafile_only = true,   /* only the engine's CA */
        .connect_timeout_ms = api->connect_timeout_ms, .timeout_ms = api->timeout_ms,
        .log_name = "oVirt API",
    };
    _cleanup_http_headers_ struct curl_slist *headers = NULL;
    const char *why;

    if (req.bearer_token) {
        if (http_header_add(&headers, "Version: 4") < 0)
            return -ENOMEM;
        req.headers = headers;
    }
    int ret = http_perform(api->http, &req, r, &why);
    if (ret < 0)
        error_set(error, 0, "oVirt %s (%s %s) failed: %s", what, http_method_name(m), url, why);
    return ret;
}

static int status_error(const char *what, enum http_method m, const char *url,
                        const struct http_reply *r, char **error)
{
    _cleanup_free_ char *fault = fault_text(r);
    error_set(error, 0, "oVirt %s (%s %s) failed with HTTP %ld%s%s", what, http_method_name(m), url,
              r->status, fault ? ": " : "", fault ? fault : "");
    switch (r->status) {
    case 404: return -ENOENT;
    case 401: case 403: return -EACCES;
    case 408: case 504: return -ETIMEDOUT;
    default: return -EIO;
    }
}

/* An authenticated API call. */
static int api_call(struct ovirt_api *api, enum http_method m, const char *path, const char *body,
                    struct json_object **out, char **error)
{
    _cleanup_free_ char *url = NULL;
    _cleanup_http_reply_ struct http_reply r = { 0 };

    if (out)
        *out = NULL;
    if (asprintf(&url, "%s/%s", api->base, path) < 0)
        return -ENOMEM;
    int ret = perform(api, m, url, "API call", m == HTTP_POST ? HTTP_JSON : NULL, body, &r, error);
    if (ret < 0)
        return ret;
    if (r.status < 200 || r.status > 299)
        return status_error("API call", m, url, &r, error);
    if (out && r.len > 0) {
        *out = json_tokener_parse(r.data);
        if (!*out)
            return error_set(error, -EBADMSG,
                             "oVirt API call (%s %s) returned HTTP %ld with a body that is not JSON",
                             http_method_name(m), url, r.status);
    }
    return 0;
}

int ovirt_api_get(struct ovirt_api *api, const char *path, struct json_object **reply, char **error)
{
    return api_call(api, HTTP_GET, path, NULL, reply, error);
}

int ovirt_api_post(struct ovirt_api *api, const char *path, const char *json_body,
                   struct json_object **reply, char **error)
{
    return api_call(api, HTTP_POST, path, json_body, reply, error);
}

int ovirt_api_delete(struct ovirt_api *api, const char *path, char **error)
{
    return api_call(api, HTTP_DELETE, path, NULL, NULL, error);
}

/* A form-encoded SSO request (token or logout): POST to ENGINE/SUFFIX. */
static int sso_call(struct ovirt_api *api, const char *suffix, const char *what, const char *form,
                    struct http_reply *r, char **error)
{
    _cleanup_free_ char *url = NULL;

    if (asprintf(&url, "%s/%s", api->engine, suffix) < 0)
        return -ENOMEM;
    int ret = perform(api, HTTP_POST, url, what, HTTP_FORM, form, r, error);
    if (ret < 0)
        return ret;
    if (r->status < 200 || r->status > 299)
        return status_error(what, HTTP_POST, url, r, error);
    return 0;
}

static int login(struct ovirt_api *api, const char *password, char **error)
{
    _cleanup_erase_ char *user = http_escape(api->http, api->username, 0);
    _cleanup_erase_ char *pass = http_escape(api->http, password, 0);
    _cleanup_erase_ char *form = NULL;
    _cleanup_free_ char *what = NULL;
    _cleanup_http_reply_ struct http_reply r = { 0 };

    if (!user || !pass ||
        asprintf(&form, "grant_type=password&scope=ovirt-app-api&username=%s&password=%s", user, pass) < 0 ||
        asprintf(&what, "SSO login as %s", api->username) < 0)
        return -ENOMEM;
    int ret = sso_call(api, "sso/oauth/token", what, form, &r, error);
    if (ret == -EIO && r.status == 400)
        ret = -EACCES;            /* the SSO's answer to bad credentials */
    if (ret < 0)
        return ret;

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
    return ret;
}

static void logout(struct ovirt_api *api)
{
    _cleanup_erase_ char *token = http_escape(api->http, api->token, 0);
    _cleanup_erase_ char *form = NULL;
    _cleanup_free_ char *error = NULL;
    _cleanup_http_reply_ struct http_reply r = { 0 };

    if (!token || asprintf(&form, "token=%s", token) < 0)
        return;
    if (sso_call(api, "services/sso-logout", "SSO logout", form, &r, &error) < 0)
        log_warning("Could not revoke the oVirt access token: %s", error ? error : "out of memory");
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
        *user = ulen ? http_unescape(api->http, auth, ulen) : strdup("");
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
    const char *why;
    int r = http_url_check(api->base, &why);
    if (r == -EINVAL)
        return error_set(error, r, "The oVirt URL %s is not valid: %s", api->base, why);
    if (r < 0)
        return r;
    return 0;
}

static void set_timeouts(struct ovirt_api *api)
{
    long ms = settings()->ovirt_timeout_ms;
    api->connect_timeout_ms = OVIRT_CONNECT_TIMEOUT_MS;
    api->timeout_ms = ms > 0 ? ms : OVIRT_TIMEOUT_MS;
    if (api->connect_timeout_ms > api->timeout_ms)
        api->connect_timeout_ms = api->timeout_ms;
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
    if ((r = http_client_new("the oVirt client", &api->http, error)) < 0) {
        free(api);
        return r;
    }
    api->insecure = insecure;
    set_timeouts(api);
    api->cafile = strdup(cafile ? cafile : OVIRT_DEFAULT_CAFILE);
    if (!api->cafile) {
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
    http_client_free(api->http);
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
    _cleanup_free_ char *escaped = http_escape(api->http, id, 0);
    if (!escaped)
        return -ENOMEM;
    int r = asprintf(path, "%s%s%s", prefix, escaped, suffix);
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
    _cleanup_free_ char *escaped = http_escape(api->http, query, 0);
    if (!escaped)
        return -ENOMEM;
    int r = asprintf(&path, "storagedomains?search=%s&case_sensitive=true", escaped);
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
