/* SPDX-License-Identifier: Apache-2.0 */
/* Keystone v3: password authentication scoped to a project, the token from
 * X-Subject-Token, the endpoints from the token's service catalog. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outputs/openstack_api-internal.h"
#include "common/cleanup.h"
#include "common/json.h"
#include "common/error.h"
#include "common/log.h"
#include "common/secret.h"

void osp_token_clear(struct osp_token *t)
{
    secret_free(TAKE_PTR(t->token));
    free(t->project_id);
    for (size_t i = 0; i < OSP_N_SERVICES; i++)
        free(t->url[i]);
    *t = (struct osp_token){ 0 };
}

/* Catalog types per service, best first. Cinder may be only `volumev3`. */
static const char *const service_types[OSP_N_SERVICES][4] = {
    [OSP_VOLUME] = { "volumev3", "block-storage", "volume", NULL },
    [OSP_NETWORK] = { "network", NULL },
    [OSP_COMPUTE] = { "compute", NULL },
};

/* {"id": ID} or {"name": NAME} */
static struct json_object *id_or_name(const char *id, const char *name)
{
    struct json_object *o = json_object_new_object();
    if (o && !json_add(o, id ? "id" : "name", json_object_new_string(id ? id : name))) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

static struct json_object *named_in_domain(const char *id, const char *name, const char *domain_id,
                                           const char *domain_name)
{
    struct json_object *o = id_or_name(id, name);
    if (o && !id && !json_add(o, "domain", id_or_name(domain_id, domain_name))) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

static struct json_object *auth_body(const struct osp_api *a, enum osp_scope scope)
{
    const struct osp_settings *s = &a->s;
    _cleanup_json_ struct json_object *root = json_object_new_object();
    struct json_object *auth = json_object_new_object(), *identity = json_object_new_object(),
                       *password = json_object_new_object(), *methods = json_object_new_array(),
                       *scoped = json_object_new_object();
    struct json_object *user = named_in_domain(s->user_id, s->username, s->user_domain_id, s->user_domain_name);
    struct json_object *project = scope == OSP_DEST
        ? id_or_name(s->dest_project_id, NULL)
        : named_in_domain(s->project_id, s->project_name, s->project_domain_id, s->project_domain_name);
    bool ok = root && json_add(root, "auth", auth) && json_add(auth, "identity", identity)
        && json_add(identity, "methods", methods) && json_object_array_add(methods, json_object_new_string("password")) == 0
        && json_add(identity, "password", password) && json_add(password, "user", user)
        && json_add(user, "password", json_object_new_string(s->password))
        && json_add(auth, "scope", scoped) && json_add(scoped, "project", project);
    return ok ? TAKE_PTR(root) : NULL;
}

static bool interface_matches(struct json_object *ep, const char *want)
{
    const char *i = http_json_str(ep, "interface");
    return i && strcmp(i, want) == 0;
}

static bool region_matches(struct json_object *ep, const char *want)
{
    const char *id = http_json_str(ep, "region_id"), *name = http_json_str(ep, "region");
    return !want || (id && strcmp(id, want) == 0) || (name && strcmp(name, want) == 0);
}

/* The URL without trailing slashes; Neutron's with its /v2.0. */
static char *endpoint_url(enum osp_service svc, const char *url)
{
    size_t len = strlen(url);
    char *out = NULL;
    while (len && url[len - 1] == '/')
        len--;
    bool versioned = len >= 5 && strncmp(url + len - 5, "/v2.0", 5) == 0;
    if (asprintf(&out, "%.*s%s", (int)len, url, svc == OSP_NETWORK && !versioned ? "/v2.0" : "") < 0)
        return NULL;
    return out;
}

static const char *find_endpoint(struct json_object *catalog, enum osp_service svc, const char *interface,
                                 const char *region)
{
    for (size_t t = 0; service_types[svc][t]; t++) {
        for (size_t i = 0; i < json_object_array_length(catalog); i++) {
            struct json_object *entry = json_object_array_get_idx(catalog, i), *eps;
            const char *type = http_json_str(entry, "type");
            if (!type || strcmp(type, service_types[svc][t]) != 0
                || !json_object_object_get_ex(entry, "endpoints", &eps) || !json_object_is_type(eps, json_type_array))
                continue;
            for (size_t j = 0; j < json_object_array_length(eps); j++) {
                struct json_object *ep = json_object_array_get_idx(eps, j);
                const char *url = http_json_str(ep, "url");
                /* An old `volume` entry may point at Cinder v2. */
                if (url && interface_matches(ep, interface) && region_matches(ep, region)
                    && (svc != OSP_VOLUME || strstr(url, "/v3")))
                    return url;
            }
        }
    }
    return NULL;
}

const char *osp_keystone_step(enum osp_scope scope)
{
    return scope == OSP_DEST ? "authenticating with Keystone for the destination project"
                             : "authenticating with Keystone";
}

/* The password in the request object: wiped before it is freed. */
static void wipe_password(struct json_object *body)
{
    struct json_object *auth, *id, *pw, *user, *p;
    if (json_object_object_get_ex(body, "auth", &auth) && json_object_object_get_ex(auth, "identity", &id)
        && json_object_object_get_ex(id, "password", &pw) && json_object_object_get_ex(pw, "user", &user)
        && json_object_object_get_ex(user, "password", &p))
        explicit_bzero((char *)json_object_get_string(p), (size_t)json_object_get_string_len(p));
}

char *osp_keystone_auth_body(const struct osp_api *a, enum osp_scope scope)
{
    _cleanup_json_ struct json_object *body = auth_body(a, scope);
    const char *text = body ? json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN) : NULL;
    char *copy = text ? strdup(text) : NULL;

    /* json-c's copies of the password go now. */
    if (text)
        explicit_bzero((char *)text, strlen(text));
    wipe_password(body);
    return copy;
}

int osp_keystone_read_token(struct osp_api *a, enum osp_scope scope, const struct http_reply *r, const char *url,
                            char **error)
{
    _cleanup_json_ struct json_object *root = r->data ? json_tokener_parse(r->data) : NULL;
    struct osp_token *t = &a->scope[scope];
    struct json_object *tok, *project, *catalog;
    const char *step = scope == OSP_DEST ? "Authenticating with Keystone for the destination project"
                                         : "Authenticating with Keystone";

    if (!r->header || !*r->header || !root)
        return error_set(error, -EBADMSG, "%s failed: POST %s answered HTTP %ld without a token", step, url,
                         r->status);
    osp_token_clear(t);
    if (!json_object_object_get_ex(root, "token", &tok) || !json_object_object_get_ex(tok, "project", &project)
        || !http_json_str(project, "id") || !json_object_object_get_ex(tok, "catalog", &catalog)
        || !json_object_is_type(catalog, json_type_array))
        return error_set(error, -EBADMSG, "%s failed: POST %s answered a token without a project or a "
                         "service catalog", step, url);
    if (!(t->token = strdup(r->header)) || !(t->project_id = strdup(http_json_str(project, "id"))))
        return -ENOMEM;
    for (int svc = 0; svc < OSP_N_SERVICES; svc++) {
        const char *ep = find_endpoint(catalog, svc, a->s.interface, a->s.region);
        if (ep && !(t->url[svc] = endpoint_url(svc, ep)))
            return -ENOMEM;
    }
    log_info("Authenticated with Keystone %s as %s, project %s", a->identity,
             a->s.username ? a->s.username : a->s.user_id, t->project_id);
    return 0;
}
