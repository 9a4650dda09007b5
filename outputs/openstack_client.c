/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenStack client: settings from osp_environment, the bounded call
 * with one re-authentication on 401, error sentences. */
#include <errno.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "outputs/openstack_api-internal.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/log.h"
#include "common/settings.h"

const char *osp_service_name(enum osp_service svc)
{
    static const char *const names[] = { "Cinder", "Neutron", "Nova" };
    return names[svc];
}

/* os_auth_url, OS-AUTH-URL, Os_Auth-Url: one setting. */
static bool key_is(const char *key, const char *want)
{
    for (; *key && *want; key++, want++) {
        char k = *key == '-' ? '_' : (char)tolower((unsigned char)*key);
        if (k != *want)
            return false;
    }
    return *key == *want;
}

static const char *setting(const struct output_input *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_osp_environment; i++)
        if (key_is(cfg->osp_environment[i].key, name))
            return cfg->osp_environment[i].value;
    return NULL;
}

static int copy_setting(const struct output_input *cfg, const char *name, const char *alias,
                        const char *def, char **out)
{
    const char *v = setting(cfg, name);
    if (!v && alias)
        v = setting(cfg, alias);
    if (!v || !*v)
        v = def;
    *out = v ? strdup(v) : NULL;
    return !v || *out ? 0 : -ENOMEM;
}

static bool truthy(const char *v)
{
    return v && (strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcasecmp(v, "yes") == 0);
}

int osp_settings_from_input(const struct output_input *cfg, struct osp_settings *s, char **error)
{
    int r = 0;

    *s = (struct osp_settings){ 0 };
    if ((r = copy_setting(cfg, "os_auth_url", NULL, NULL, &s->auth_url)) < 0
        || (r = copy_setting(cfg, "os_username", "os_user_name", NULL, &s->username)) < 0
        || (r = copy_setting(cfg, "os_user_id", NULL, NULL, &s->user_id)) < 0
        || (r = copy_setting(cfg, "os_password", NULL, NULL, &s->password)) < 0
        || (r = copy_setting(cfg, "os_user_domain_name", NULL, NULL, &s->user_domain_name)) < 0
        || (r = copy_setting(cfg, "os_user_domain_id", NULL, NULL, &s->user_domain_id)) < 0
        || (r = copy_setting(cfg, "os_project_name", "os_tenant_name", NULL, &s->project_name)) < 0
        || (r = copy_setting(cfg, "os_project_id", "os_tenant_id", NULL, &s->project_id)) < 0
        || (r = copy_setting(cfg, "os_project_domain_name", NULL, NULL, &s->project_domain_name)) < 0
        || (r = copy_setting(cfg, "os_project_domain_id", NULL, NULL, &s->project_domain_id)) < 0
        || (r = copy_setting(cfg, "os_region_name", NULL, NULL, &s->region)) < 0
        || (r = copy_setting(cfg, "os_interface", "os_endpoint_type", "public", &s->interface)) < 0
        || (r = copy_setting(cfg, "os_cacert", NULL, getenv("OS_CACERT"), &s->cacert)) < 0
        || !(s->dest_project_id = strdup(cfg->osp_destination_project_id)))
        goto fail;
    /* Like the OpenStack CLI: the default domain when none is named. */
    if (!s->user_domain_name && !s->user_domain_id && !(s->user_domain_id = strdup("default")))
        goto fail;
    if (!s->project_domain_name && !s->project_domain_id && !(s->project_domain_id = strdup("default")))
        goto fail;
    /* publicURL, internalURL: the v2 spelling of the interface. */
    size_t len = strlen(s->interface);
    if (len > 3 && strcmp(s->interface + len - 3, "URL") == 0)
        s->interface[len - 3] = '\0';
    s->insecure = cfg->insecure_connection || truthy(setting(cfg, "os_insecure"));
    s->timeout_ms = settings()->osp_timeout_ms > 0 ? settings()->osp_timeout_ms : OSP_TIMEOUT_MS;
    s->connect_timeout_ms = s->timeout_ms < OSP_CONNECT_TIMEOUT_MS ? s->timeout_ms : OSP_CONNECT_TIMEOUT_MS;

    const char *missing = !s->auth_url ? "os_auth_url"
                        : !s->username && !s->user_id ? "os_username"
                        : !s->password ? "os_password"
                        : !s->project_name && !s->project_id ? "os_project_name" : NULL;
    if (missing) {
        osp_settings_free(s);
        return error_set(error, -EINVAL, "\"osp_environment\" has no %s", missing);
    }
    if (strncmp(s->auth_url, "http://", 7) != 0 && strncmp(s->auth_url, "https://", 8) != 0) {
        osp_settings_free(s);
        return error_set(error, -EINVAL, "\"osp_environment\": os_auth_url must be an http:// or https:// URL");
    }
    return 0;
fail:
    osp_settings_free(s);
    return -ENOMEM;
}

void osp_settings_free(struct osp_settings *s)
{
    char **all[] = { &s->auth_url, &s->username, &s->user_id, &s->user_domain_name, &s->user_domain_id,
                     &s->project_name, &s->project_id, &s->project_domain_name, &s->project_domain_id,
                     &s->region, &s->interface, &s->cacert, &s->dest_project_id };
    for (size_t i = 0; i < ELEMENTSOF(all); i++)
        free(*all[i]);
    secret_free(TAKE_PTR(s->password));
    *s = (struct osp_settings){ 0 };
}

static int dup_or_null(const char *in, char **out)
{
    *out = in ? strdup(in) : NULL;
    return !in || *out ? 0 : -ENOMEM;
}

/* The Keystone v3 base out of os_auth_url: .../v3 as given, .../v2.0
 * replaced, a bare host gets /v3. */
static int identity_base(const char *auth_url, char **out)
{
    size_t len = strlen(auth_url);
    while (len && auth_url[len - 1] == '/')
        len--;
    if (len >= 3 && strncmp(auth_url + len - 3, "/v3", 3) == 0)
        return asprintf(out, "%.*s", (int)len, auth_url) < 0 ? -ENOMEM : 0;
    if (len >= 5 && strncmp(auth_url + len - 5, "/v2.0", 5) == 0)
        len -= 5;
    return asprintf(out, "%.*s/v3", (int)len, auth_url) < 0 ? -ENOMEM : 0;
}

int osp_api_new(const struct osp_settings *s, struct osp_api **out, char **error)
{
    struct osp_api *a = calloc(1, sizeof *a);
    int r = -ENOMEM;

    *out = NULL;
    if (!a)
        return -ENOMEM;
    if ((r = http_client_new("the OpenStack client", &a->http, error)) < 0) {
        free(a);
        return r;
    }
    a->s = (struct osp_settings){ .insecure = s->insecure, .timeout_ms = s->timeout_ms,
                                  .connect_timeout_ms = s->connect_timeout_ms };
    if (dup_or_null(s->auth_url, &a->s.auth_url) < 0 || dup_or_null(s->username, &a->s.username) < 0
        || dup_or_null(s->user_id, &a->s.user_id) < 0 || dup_or_null(s->password, &a->s.password) < 0
        || dup_or_null(s->user_domain_name, &a->s.user_domain_name) < 0
        || dup_or_null(s->user_domain_id, &a->s.user_domain_id) < 0
        || dup_or_null(s->project_name, &a->s.project_name) < 0
        || dup_or_null(s->project_id, &a->s.project_id) < 0
        || dup_or_null(s->project_domain_name, &a->s.project_domain_name) < 0
        || dup_or_null(s->project_domain_id, &a->s.project_domain_id) < 0
        || dup_or_null(s->region, &a->s.region) < 0 || dup_or_null(s->interface, &a->s.interface) < 0
        || dup_or_null(s->cacert, &a->s.cacert) < 0
        || dup_or_null(s->dest_project_id, &a->s.dest_project_id) < 0
        || (r = identity_base(s->auth_url, &a->identity)) < 0) {
        osp_api_free(a);
        return r < 0 ? r : -ENOMEM;
    }
    *out = a;
    return 0;
}

void osp_token_clear(struct osp_token *t)
{
    secret_free(TAKE_PTR(t->token));
    free(t->project_id);
    for (size_t i = 0; i < OSP_N_SERVICES; i++)
        free(t->url[i]);
    *t = (struct osp_token){ 0 };
}

void osp_api_free(struct osp_api *a)
{
    if (!a)
        return;
    for (size_t i = 0; i < OSP_N_SCOPES; i++)
        osp_token_clear(&a->scope[i]);
    http_client_free(a->http);
    osp_settings_free(&a->s);
    free(a->identity);
    free(a);
}

const char *osp_api_project_id(const struct osp_api *a, enum osp_scope scope)
{
    return a->scope[scope].project_id;
}

long osp_api_timeout_ms(const struct osp_api *a)
{
    return a->s.timeout_ms;
}

unsigned osp_api_calls(const struct osp_api *a)
{
    return a->calls;
}

char *osp_path(struct osp_api *a, const char *prefix, const char *id, const char *suffix)
{
    _cleanup_free_ char *escaped = http_escape(a->http, id, 0);
    char *path = NULL;
    if (!escaped)
        return NULL;
    if (asprintf(&path, "%s/%s%s", prefix, escaped, suffix ? suffix : "") < 0)
        path = NULL;
    return path;
}

int osp_api_exchange(struct osp_api *a, enum http_method m, const char *url, struct curl_slist *headers,
                     const char *body, const char *capture, struct http_reply *r, const char **why)
{
    const struct http_request req = {
        .method = m, .url = url, .headers = headers, .body = body, .protocols = "http,https",
        .content_type = body ? HTTP_JSON : NULL, .accept = HTTP_JSON,
        .insecure = a->s.insecure, .cafile = a->s.cacert, .cafile_only = a->s.cacert != NULL,
        .connect_timeout_ms = a->s.connect_timeout_ms, .timeout_ms = a->s.timeout_ms,
        .capture_header = capture, .log_name = "OpenStack API",
    };
    a->calls++;
    return http_perform(a->http, &req, r, why);
}

/* The API's own words: {"error": {"message"}} (Keystone), {"badRequest":
 * {"message"}} (Cinder, Nova), {"NeutronError": {"message"}}, or a short
 * text body. NULL if there is nothing readable. */
static char *api_message(const struct http_reply *r)
{
    _cleanup_json_ struct json_object *root = r->data ? json_tokener_parse(r->data) : NULL;
    const char *msg = http_json_str(root, "message");

    if (!msg && json_object_is_type(root, json_type_object)) {
        json_object_object_foreach(root, key, val) {
            (void)key;
            if ((msg = http_json_str(val, "message")))
                break;
        }
    }
    if (!msg && !root && r->data && r->len > 0 && r->data[0] != '<')
        msg = r->data;
    if (!msg || !*msg)
        return NULL;
    char *text = http_clean_text(msg);
    if (!text)
        return NULL;
    /* No trailing blanks or dot: the text ends our sentence. */
    size_t len = strlen(text);
    while (len && (text[len - 1] == ' ' || text[len - 1] == '.'))
        text[--len] = '\0';
    return text;
}

static char *capitalized(const char *step)
{
    char *s = strdup(step);
    if (s)
        s[0] = (char)toupper((unsigned char)s[0]);
    return s;
}

int osp_status_error(const char *step, const char *service, enum http_method m, const char *url,
                     const struct http_reply *r, char **error)
{
    _cleanup_free_ char *msg = api_message(r), *what = capitalized(step);
    int e;

    switch (r->status) {
    case 404: e = -ENOENT; break;
    case 401: case 403: e = -EACCES; break;
    case 400: e = -EINVAL; break;
    case 409: e = -EBUSY; break;
    case 408: case 504: e = -ETIMEDOUT; break;
    default: e = -EIO; break;
    }
    return error_set(error, e, "%s failed: %s answered HTTP %ld to %s %s%s%s", what ? what : step, service,
                     r->status, http_method_name(m), url, msg ? ": " : "", msg ? msg : "");
}

int osp_transport_error(const char *step, enum http_method m, const char *url, int r, const char *why,
                        char **error)
{
    _cleanup_free_ char *what = capitalized(step);
    return error_set(error, r, "%s failed: %s %s: %s", what ? what : step, http_method_name(m), url, why);
}

static int service_headers(struct osp_api *a, enum osp_scope scope, enum osp_service svc,
                           struct curl_slist **l)
{
    _cleanup_erase_ char *auth = NULL;
    if (asprintf(&auth, "X-Auth-Token: %s", a->scope[scope].token) < 0)
        return -ENOMEM;
    int r = http_header_add(l, auth);
    if (r >= 0 && svc == OSP_VOLUME)
        r = http_header_add(l, "OpenStack-API-Version: volume 3.55");
    if (r >= 0 && svc == OSP_COMPUTE) {
        r = http_header_add(l, "OpenStack-API-Version: compute 2.67");
        if (r >= 0)
            r = http_header_add(l, "X-OpenStack-Nova-API-Version: 2.67");
    }
    return r;
}

static const char *scope_project(const struct osp_api *a, enum osp_scope scope)
{
    if (scope == OSP_DEST)
        return a->s.dest_project_id;
    return a->s.project_name ? a->s.project_name : a->s.project_id;
}

/* One try: -EAGAIN when the token was refused (401). */
static int call_once(struct osp_api *a, enum osp_scope scope, enum osp_service svc, enum http_method m,
                     const char *path, const char *body, const char *step, struct json_object **reply,
                     char **error)
{
    struct curl_slist *headers = NULL;
    _cleanup_free_ char *url = NULL;
    struct http_reply r = { 0 };
    const char *why = NULL;
    int ret;

    if (!a->scope[scope].url[svc]) {
        _cleanup_free_ char *what = capitalized(step);
        return error_set(error, -ENOENT, "%s failed: the service catalog of project %s has no %s endpoint "
                         "(interface %s%s%s)", what ? what : step, scope_project(a, scope),
                         osp_service_name(svc), a->s.interface, a->s.region ? ", region " : "",
                         a->s.region ? a->s.region : "");
    }
    if (asprintf(&url, "%s/%s", a->scope[scope].url[svc], path) < 0)
        return -ENOMEM;
    if ((ret = service_headers(a, scope, svc, &headers)) < 0)
        goto out;
    ret = osp_api_exchange(a, m, url, headers, body, NULL, &r, &why);
    if (ret < 0) {
        ret = osp_transport_error(step, m, url, ret, why, error);
        goto out;
    }
    if (r.status == 401) {
        ret = -EAGAIN;
        goto out;
    }
    if (r.status < 200 || r.status > 299) {
        ret = osp_status_error(step, osp_service_name(svc), m, url, &r, error);
        goto out;
    }
    if (reply && r.len > 0) {
        *reply = json_tokener_parse(r.data);
        if (!*reply) {
            _cleanup_free_ char *what = capitalized(step);
            ret = error_set(error, -EBADMSG, "%s failed: %s answered HTTP %ld to %s %s with a body that is not JSON",
                            what ? what : step, osp_service_name(svc), r.status, http_method_name(m), url);
        }
    }
out:
    http_slist_wipe(&headers);
    http_reply_wipe(&r);
    return ret;
}

int osp_api_call(struct osp_api *a, enum osp_scope scope, enum osp_service svc, enum http_method m,
                 const char *path, struct json_object *body, const char *step,
                 struct json_object **reply, char **error)
{
    const char *text = body ? json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN) : NULL;
    int r = 0;

    if (reply)
        *reply = NULL;
    if (body && !text)
        return -ENOMEM;
    if (!a->scope[scope].token)
        r = osp_api_authenticate(a, scope, error);
    if (r >= 0)
        r = call_once(a, scope, svc, m, path, text, step, reply, error);
    if (r == -EAGAIN) {
        log_info("The OpenStack token of project %s was refused (expired?): authenticating again",
                 scope_project(a, scope));
        r = osp_api_authenticate(a, scope, error);
        if (r >= 0)
            r = call_once(a, scope, svc, m, path, text, step, reply, error);
        if (r == -EAGAIN) {
            _cleanup_free_ char *what = capitalized(step);
            r = error_set(error, -EACCES, "%s failed: %s refused a fresh token (HTTP 401)", what ? what : step,
                          osp_service_name(svc));
        }
    }
    /* Bodies carry transfer keys: leave nothing in json-c's buffer. */
    if (text)
        explicit_bzero((char *)text, strlen(text));
    return r;
}
