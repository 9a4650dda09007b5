/* SPDX-License-Identifier: Apache-2.0 */
/* The client's insides, shared by its files (keystone, call, services). */
#ifndef V2VW_OPENSTACK_API_INTERNAL_H
#define V2VW_OPENSTACK_API_INTERNAL_H

#include "outputs/openstack_api.h"

/* One Keystone token and what its catalog says. */
struct osp_token {
    char *token;                          /* secret */
    char *project_id;
    char *url[OSP_N_SERVICES];            /* endpoint per service, NULL = not in the catalog */
};

struct osp_api {
    struct http_client *http;
    struct osp_settings s;
    char *identity;                       /* the Keystone v3 base: http://h:5000/v3 */
    struct osp_token scope[OSP_N_SCOPES];
    unsigned calls;
};

const char *osp_service_name(enum osp_service svc);
/* One exchange (no authentication, no retry), logged and counted. */
/* A JSON body when `body` is set. */
int osp_api_exchange(struct osp_api *a, enum http_method m, const char *url, struct curl_slist *headers,
                     const char *body, const char *capture, struct http_reply *r, const char **why);
/* "Step failed: SERVICE answered HTTP N to METHOD URL: MESSAGE"; the errno for the status. */
int osp_status_error(const char *step, const char *service, enum http_method m, const char *url,
                     const struct http_reply *r, char **error);
int osp_transport_error(const char *step, enum http_method m, const char *url, int r, const char *why,
                        char **error);
void osp_token_clear(struct osp_token *t);
/* PREFIX/ID/SUFFIX with ID URL-encoded. */
char *osp_path(struct osp_api *a, const char *prefix, const char *id, const char *suffix);

#endif
