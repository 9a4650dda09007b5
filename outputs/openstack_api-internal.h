/* SPDX-License-Identifier: Apache-2.0 */
/* The client's insides, shared by its files (keystone, call, services). */
#ifndef V2VW_OPENSTACK_API_INTERNAL_H
#define V2VW_OPENSTACK_API_INTERNAL_H

#include <systemd/sd-event.h>
#include "outputs/openstack_api.h"

/* One Keystone token and what its catalog says. */
struct osp_token {
    char *token;                          /* secret */
    char *project_id;
    char *url[OSP_N_SERVICES];            /* endpoint per service, NULL = not in the catalog */
};

struct osp_call;

struct osp_api {
    sd_event *event;
    struct http_loop *http;
    struct osp_settings s;
    char *identity;                       /* the Keystone v3 base: http://h:5000/v3 */
    struct osp_token scope[OSP_N_SCOPES];
    struct osp_call *call;                /* the one in flight, NULL = none */
    unsigned calls;
};

const char *osp_service_name(enum osp_service svc);
/* "Step failed: SERVICE answered HTTP N to METHOD URL: MESSAGE"; the errno for the status. */
int osp_status_error(const char *step, const char *service, enum http_method m, const char *url,
                     const struct http_reply *r, char **error);
/* "Step failed: METHOD URL timed out after N s" or "...: WHY". */
int osp_transport_error(const struct osp_api *a, const char *step, enum http_method m, const char *url, int r,
                        const char *why, char **error);
/* "Step failed: SERVICE's answer has no WHAT" (-EBADMSG). */
int osp_answer_error(const char *step, const char *service, const char *what, char **error);
void osp_token_clear(struct osp_token *t);
/* PREFIX/ID/SUFFIX with ID URL-encoded. */
char *osp_path(const char *prefix, const char *id, const char *suffix);
/* PREFIX?KEY=VALUE with VALUE URL-encoded. */
char *osp_query(const char *prefix, const char *key, const char *value);

/* Keystone (openstack_keystone.c) */
const char *osp_keystone_step(enum osp_scope scope);
/* The password request body for SCOPE, as text (a secret: secret_free). */
char *osp_keystone_auth_body(const struct osp_api *a, enum osp_scope scope);
/* The token of a 200/201 answer and its catalog into a->scope[scope]. */
int osp_keystone_read_token(struct osp_api *a, enum osp_scope scope, const struct http_reply *r, const char *url,
                            char **error);

#endif
