/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenStack client: settings from osp_environment, error sentences,
 * and the call: one exchange at a time on the event loop, a token first
 * when needed, one re-authentication on 401, idempotent exchanges tried
 * again after a 502/503/504 or a broken connection (a timer waits). */
#include <assert.h>
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
#include "common/json.h"

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
    s->retry_ms = settings()->osp_retry_ms >= 0 ? settings()->osp_retry_ms : OSP_RETRY_MS;

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

static int copy_settings(const struct osp_settings *s, struct osp_settings *d)
{
    *d = (struct osp_settings){ .insecure = s->insecure, .timeout_ms = s->timeout_ms,
                                .connect_timeout_ms = s->connect_timeout_ms, .retry_ms = s->retry_ms };
    if (dup_or_null(s->auth_url, &d->auth_url) < 0 || dup_or_null(s->username, &d->username) < 0
        || dup_or_null(s->user_id, &d->user_id) < 0 || dup_or_null(s->password, &d->password) < 0
        || dup_or_null(s->user_domain_name, &d->user_domain_name) < 0
        || dup_or_null(s->user_domain_id, &d->user_domain_id) < 0
        || dup_or_null(s->project_name, &d->project_name) < 0
        || dup_or_null(s->project_id, &d->project_id) < 0
        || dup_or_null(s->project_domain_name, &d->project_domain_name) < 0
        || dup_or_null(s->project_domain_id, &d->project_domain_id) < 0
        || dup_or_null(s->region, &d->region) < 0 || dup_or_null(s->interface, &d->interface) < 0
        || dup_or_null(s->cacert, &d->cacert) < 0
        || dup_or_null(s->dest_project_id, &d->dest_project_id) < 0)
        return -ENOMEM;
    return 0;
}

int osp_api_new(sd_event *event, const struct osp_settings *s, struct osp_api **out, char **error)
{
    struct osp_api *a = calloc(1, sizeof *a);
    int r;

    *out = NULL;
    if (!a)
        return -ENOMEM;
    a->event = sd_event_ref(event);
    if ((r = http_loop_new(event, "the OpenStack client", &a->http, error)) < 0
        || (r = copy_settings(s, &a->s)) < 0 || (r = identity_base(s->auth_url, &a->identity)) < 0) {
        osp_api_free(a);
        return r;
    }
    *out = a;
    return 0;
}

void osp_api_free(struct osp_api *a)
{
    if (!a)
        return;
    osp_api_cancel(a);
    for (size_t i = 0; i < OSP_N_SCOPES; i++)
        osp_token_clear(&a->scope[i]);
    http_loop_free(a->http);
    sd_event_unref(a->event);
    osp_settings_free(&a->s);
    free(a->identity);
    free(a);
}

const char *osp_api_project_id(const struct osp_api *a, enum osp_scope scope)
{
    return a->scope[scope].project_id;
}

const char *osp_api_dest_project(const struct osp_api *a)
{
    return a->s.dest_project_id;
}

long osp_api_timeout_ms(const struct osp_api *a)
{
    return a->s.timeout_ms;
}

unsigned osp_api_calls(const struct osp_api *a)
{
    return a->calls;
}

char *osp_path(const char *prefix, const char *id, const char *suffix)
{
    _cleanup_free_ char *escaped = http_escape(NULL, id, 0);
    char *path = NULL;
    if (!escaped)
        return NULL;
    if (asprintf(&path, "%s/%s%s", prefix, escaped, suffix ? suffix : "") < 0)
        path = NULL;
    return path;
}

char *osp_query(const char *prefix, const char *key, const char *value)
{
    _cleanup_free_ char *escaped = http_escape(NULL, value, 0);
    char *path = NULL;
    if (!escaped)
        return NULL;
    if (asprintf(&path, "%s?%s=%s", prefix, key, escaped) < 0)
        path = NULL;
    return path;
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

int osp_transport_error(const struct osp_api *a, const char *step, enum http_method m, const char *url, int r,
                        const char *why, char **error)
{
    _cleanup_free_ char *what = capitalized(step);
    if (r == -ETIMEDOUT)
        return error_set(error, r, "%s failed: %s %s timed out after %g s", what ? what : step,
                         http_method_name(m), url, a->s.timeout_ms / 1000.0);
    return error_set(error, r, "%s failed: %s %s: %s", what ? what : step, http_method_name(m), url, why);
}

int osp_answer_error(const char *step, const char *service, const char *what, char **error)
{
    _cleanup_free_ char *s = capitalized(step);
    return error_set(error, -EBADMSG, "%s failed: %s's answer has no %s", s ? s : step, service, what);
}

/* ---- the call ---- */

struct osp_call {
    struct osp_api *a;
    enum osp_scope scope;
    enum osp_service svc;
    enum http_method method;
    bool auth_only;               /* osp_api_authenticate: no service exchange */
    bool authenticating;          /* the exchange in flight is Keystone's */
    bool reauthenticated;         /* after a 401: once only */
    unsigned tries;               /* of the exchange in flight */
    char *path, *body, *step;     /* body: may hold a transfer key */
    char *url;                    /* of the exchange in flight */
    sd_event_source *retry;
    osp_done_fn done;
    void *userdata;
};

static void call_free(struct osp_call *c)
{
    if (!c)
        return;
    sd_event_source_disable_unref(c->retry);
    free(c->path);
    secret_free(TAKE_PTR(c->body));
    free(c->step);
    free(c->url);
    free(c);
}

void osp_api_cancel(struct osp_api *a)
{
    struct osp_call *c = a->call;
    if (!c)
        return;
    http_loop_cancel(a->http, c);
    a->call = NULL;
    call_free(c);
}

/* The end of a call: the caller hears of it; it may start another one or
 * free the client. */
static void call_end(struct osp_call *c, int r, struct json_object *reply, const char *error)
{
    c->a->call = NULL;
    c->done(c->userdata, r, reply, error);
    call_free(c);
}

static void call_fail(struct osp_call *c, int r, char *error)
{
    call_end(c, r, NULL, error ? error : strerror(-r));
    free(error);
}

static const char *scope_project(const struct osp_api *a, enum osp_scope scope)
{
    if (scope == OSP_DEST)
        return a->s.dest_project_id;
    return a->s.project_name ? a->s.project_name : a->s.project_id;
}

static int service_headers(const struct osp_call *c, struct curl_slist **l)
{
    _cleanup_erase_ char *auth = NULL;
    if (asprintf(&auth, "X-Auth-Token: %s", c->a->scope[c->scope].token) < 0)
        return -ENOMEM;
    int r = http_header_add(l, auth);
    if (r >= 0 && c->svc == OSP_VOLUME)
        r = http_header_add(l, "OpenStack-API-Version: volume 3.55");
    if (r >= 0 && c->svc == OSP_COMPUTE) {
        r = http_header_add(l, "OpenStack-API-Version: compute 2.67");
        if (r >= 0)
            r = http_header_add(l, "X-OpenStack-Nova-API-Version: 2.67");
    }
    return r;
}

static void on_exchange(void *userdata, int r, const struct http_reply *reply, const char *why);

/* Start the exchange c->url with these headers and body. */
static int exchange(struct osp_call *c, enum http_method m, struct curl_slist *headers, const char *body)
{
    struct osp_api *a = c->a;
    const struct http_request req = {
        .method = m, .url = c->url, .headers = headers, .body = body, .protocols = "http,https",
        .content_type = body ? HTTP_JSON : NULL, .accept = HTTP_JSON,
        .insecure = a->s.insecure, .cafile = a->s.cacert, .cafile_only = a->s.cacert != NULL,
        .connect_timeout_ms = a->s.connect_timeout_ms, .timeout_ms = a->s.timeout_ms,
        .capture_header = c->authenticating ? "X-Subject-Token" : NULL, .log_name = "OpenStack API",
    };
    a->calls++;
    return http_loop_start(a->http, &req, on_exchange, c);
}

static int send_auth(struct osp_call *c)
{
    char *body = osp_keystone_auth_body(c->a, c->scope);
    free(c->url);
    if (!body || asprintf(&c->url, "%s/auth/tokens", c->a->identity) < 0) {
        c->url = NULL;
        secret_free(body);
        return -ENOMEM;
    }
    int r = exchange(c, HTTP_POST, NULL, body);
    secret_free(body);
    return r;
}

static int send_request(struct osp_call *c, char **error)
{
    struct osp_api *a = c->a;
    struct curl_slist *headers = NULL;

    if (!a->scope[c->scope].url[c->svc]) {
        _cleanup_free_ char *what = capitalized(c->step);
        return error_set(error, -ENXIO, "%s failed: the service catalog of project %s has no %s endpoint "
                         "(interface %s%s%s)", what ? what : c->step, scope_project(a, c->scope),
                         osp_service_name(c->svc), a->s.interface, a->s.region ? ", region " : "",
                         a->s.region ? a->s.region : "");
    }
    free(c->url);
    if (asprintf(&c->url, "%s/%s", a->scope[c->scope].url[c->svc], c->path) < 0) {
        c->url = NULL;
        return -ENOMEM;
    }
    int r = service_headers(c, &headers);
    if (r >= 0)
        r = exchange(c, c->method, headers, c->body);
    http_slist_wipe(&headers);
    return r;
}

/* The next exchange of the call: Keystone's when the scope has no token. */
static int call_next(struct osp_call *c, char **error)
{
    c->tries = 1;
    c->authenticating = c->auth_only || !c->a->scope[c->scope].token;
    return c->authenticating ? send_auth(c) : send_request(c, error);
}

static bool idempotent(const struct osp_call *c)
{
    return c->authenticating || c->method == HTTP_GET || c->method == HTTP_DELETE;
}

static bool worth_retrying(const struct osp_call *c, int r, const struct http_reply *reply)
{
    if (!idempotent(c) || c->tries >= OSP_TRIES)
        return false;
    if (r < 0)
        return r == -ECONNREFUSED || r == -ECONNRESET;
    return reply->status == 502 || reply->status == 503 || reply->status == 504;
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata)
{
    struct osp_call *c = userdata;
    char *error = NULL;

    c->retry = sd_event_source_disable_unref(c->retry);
    c->tries++;
    int r = c->authenticating ? send_auth(c) : send_request(c, &error);
    if (r < 0)
        call_fail(c, r, error);
    return 0;
}

static int schedule_retry(struct osp_call *c, int r, const struct http_reply *reply, const char *why)
{
    long delay_ms = c->a->s.retry_ms << (c->tries - 1);
    const char *service = c->authenticating ? "Keystone" : osp_service_name(c->svc);
    const char *method = http_method_name(c->authenticating ? HTTP_POST : c->method);

    if (r < 0)
        log_warning("%s %s failed: %s; trying again in %g s (try %u of %u)", method, c->url, why,
                    delay_ms / 1000.0, c->tries + 1, OSP_TRIES);
    else
        log_warning("%s answered HTTP %ld to %s %s; trying again in %g s (try %u of %u)", service, reply->status,
                    method, c->url, delay_ms / 1000.0, c->tries + 1, OSP_TRIES);
    return sd_event_add_time_relative(c->a->event, &c->retry, CLOCK_MONOTONIC, (uint64_t)delay_ms * 1000, 1000,
                                      on_retry, c);
}

static void on_auth_reply(struct osp_call *c, int r, const struct http_reply *reply, const char *why)
{
    const char *step = osp_keystone_step(c->scope);
    char *error = NULL;

    if (r < 0)
        r = osp_transport_error(c->a, step, HTTP_POST, c->url, r, why, &error);
    else if (reply->status != 200 && reply->status != 201)
        r = osp_status_error(step, "Keystone", HTTP_POST, c->url, reply, &error);
    else
        r = osp_keystone_read_token(c->a, c->scope, reply, c->url, &error);
    if (r >= 0 && c->auth_only) {
        call_end(c, 0, NULL, NULL);
        return;
    }
    if (r >= 0) {
        c->authenticating = false;
        c->tries = 1;
        r = send_request(c, &error);
    }
    if (r < 0)
        call_fail(c, r, error);
}

/* A service's answer: the JSON to the caller, a 401 once more with a fresh
 * token, anything else an error sentence. */
static void on_request_reply(struct osp_call *c, int r, const struct http_reply *reply, const char *why)
{
    _cleanup_json_ struct json_object *root = NULL;
    const char *service = osp_service_name(c->svc);
    char *error = NULL;

    if (r < 0) {
        r = osp_transport_error(c->a, c->step, c->method, c->url, r, why, &error);
    } else if (reply->status == 401 && !c->reauthenticated) {
        log_info("The OpenStack token of project %s was refused (expired?): authenticating again",
                 scope_project(c->a, c->scope));
        c->reauthenticated = true;
        osp_token_clear(&c->a->scope[c->scope]);
        r = call_next(c, &error);
    } else if (reply->status == 401) {
        _cleanup_free_ char *what = capitalized(c->step);
        r = error_set(&error, -EACCES, "%s failed: %s refused a fresh token (HTTP 401)", what ? what : c->step,
                      service);
    } else if (reply->status < 200 || reply->status > 299) {
        r = osp_status_error(c->step, service, c->method, c->url, reply, &error);
    } else if (reply->len > 0 && !(root = json_tokener_parse(reply->data))) {
        _cleanup_free_ char *what = capitalized(c->step);
        r = error_set(&error, -EBADMSG, "%s failed: %s answered HTTP %ld to %s %s with a body that is not JSON",
                      what ? what : c->step, service, reply->status, http_method_name(c->method), c->url);
    } else {
        call_end(c, 0, root, NULL);
        return;
    }
    if (r < 0)
        call_fail(c, r, error);
}

static void on_exchange(void *userdata, int r, const struct http_reply *reply, const char *why)
{
    struct osp_call *c = userdata;

    if (worth_retrying(c, r, reply) && schedule_retry(c, r, reply, why) >= 0)
        return;
    if (c->authenticating)
        on_auth_reply(c, r, reply, why);
    else
        on_request_reply(c, r, reply, why);
}

static int call_start(struct osp_api *a, struct osp_call *c, char **error)
{
    assert(!a->call);
    int r = call_next(c, error);
    if (r < 0) {
        call_free(c);
        return r;
    }
    a->call = c;
    return 0;
}

int osp_api_call(struct osp_api *a, enum osp_scope scope, enum osp_service svc, enum http_method m,
                 const char *path, struct json_object *body, const char *step, osp_done_fn done,
                 void *userdata, char **error)
{
    const char *text = body ? json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN) : NULL;
    struct osp_call *c = calloc(1, sizeof *c);

    if (c) {
        *c = (struct osp_call){ .a = a, .scope = scope, .svc = svc, .method = m, .done = done,
                                .userdata = userdata, .path = strdup(path), .step = strdup(step),
                                .body = text ? strdup(text) : NULL };
    }
    /* Bodies carry transfer keys: leave nothing in json-c's buffer. */
    if (text)
        explicit_bzero((char *)text, strlen(text));
    if (!c || !c->path || !c->step || (body && !c->body)) {
        call_free(c);
        return -ENOMEM;
    }
    return call_start(a, c, error);
}

int osp_api_authenticate(struct osp_api *a, enum osp_scope scope, osp_done_fn done, void *userdata,
                         char **error)
{
    struct osp_call *c = calloc(1, sizeof *c);

    if (!c)
        return -ENOMEM;
    *c = (struct osp_call){ .a = a, .scope = scope, .auth_only = true, .method = HTTP_POST, .done = done,
                            .userdata = userdata, .step = strdup(osp_keystone_step(scope)) };
    if (!c->step) {
        call_free(c);
        return -ENOMEM;
    }
    return call_start(a, c, error);
}
