/* SPDX-License-Identifier: Apache-2.0 */
/* Nova (compute 2.67): the server booted from the transferred volumes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outputs/openstack_api-internal.h"
#include "common/cleanup.h"
#include "common/error.h"

int osp_nova_servers_named(struct osp_api *a, const char *name, const char *step, struct strv *ids,
                           char **error)
{
    _cleanup_free_ char *query = NULL, *regex = NULL;
    _cleanup_json_ struct json_object *reply = NULL;
    struct json_object *list;

    /* Nova's name filter is a regular expression: anchor it, quote the rest. */
    size_t len = strlen(name);
    regex = malloc(2 * len + 3);
    if (!regex)
        return -ENOMEM;
    char *p = regex;
    *p++ = '^';
    for (const char *s = name; *s; s++) {
        if (strchr(".^$*+?()[]{}|\\", *s))
            *p++ = '\\';
        *p++ = *s;
    }
    *p++ = '$';
    *p = '\0';
    char *escaped = http_escape(a->http, regex, 0);
    if (!escaped)
        return -ENOMEM;
    int r = asprintf(&query, "servers?name=%s", escaped);
    free(escaped);
    if (r < 0)
        return -ENOMEM;
    if ((r = osp_api_call(a, OSP_DEST, OSP_COMPUTE, HTTP_GET, query, NULL, step, &reply, error)) < 0)
        return r;
    if (json_object_object_get_ex(reply, "servers", &list))
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            const char *n = http_json_str(json_object_array_get_idx(list, i), "name");
            const char *id = http_json_str(json_object_array_get_idx(list, i), "id");
            if (n && id && strcmp(n, name) == 0 && strv_push(ids, id) < 0)
                return -ENOMEM;
        }
    return 0;
}

int osp_nova_create_server(struct osp_api *a, struct json_object *server, const char *step, char **id,
                           char **error)
{
    _cleanup_json_ struct json_object *body = json_object_new_object(), *reply = NULL;
    struct json_object *s;

    *id = NULL;
    if (!body || json_object_object_add(body, "server", json_object_get(server)) < 0)
        return -ENOMEM;
    int r = osp_api_call(a, OSP_DEST, OSP_COMPUTE, HTTP_POST, "servers", body, step, &reply, error);
    if (r < 0)
        return r;
    const char *sid = json_object_object_get_ex(reply, "server", &s) ? http_json_str(s, "id") : NULL;
    if (!sid)
        return error_set(error, -EBADMSG, "%c%s failed: Nova's answer has no server id", step[0] - 32, step + 1);
    return (*id = strdup(sid)) ? 0 : -ENOMEM;
}

int osp_nova_server_status(struct osp_api *a, const char *id, const char *step, char **status,
                           char **fault, char **error)
{
    _cleanup_free_ char *path = osp_path(a, "servers", id, NULL);
    _cleanup_json_ struct json_object *reply = NULL;
    struct json_object *s, *f;

    *status = *fault = NULL;
    if (!path)
        return -ENOMEM;
    int r = osp_api_call(a, OSP_DEST, OSP_COMPUTE, HTTP_GET, path, NULL, step, &reply, error);
    if (r < 0)
        return r;
    json_object_object_get_ex(reply, "server", &s);
    const char *st = http_json_str(s, "status");
    const char *msg = json_object_object_get_ex(s, "fault", &f) ? http_json_str(f, "message") : NULL;
    if (!(*status = strdup(st ? st : "UNKNOWN")) || (msg && !(*fault = http_clean_text(msg))))
        return -ENOMEM;
    return 0;
}

int osp_nova_delete_server(struct osp_api *a, const char *id, const char *step, char **error)
{
    _cleanup_free_ char *path = osp_path(a, "servers", id, NULL);
    if (!path)
        return -ENOMEM;
    return osp_api_call(a, OSP_DEST, OSP_COMPUTE, HTTP_DELETE, path, NULL, step, NULL, error);
}

int osp_nova_detach_volume(struct osp_api *a, const char *server_id, const char *volume_id,
                           const char *step, char **error)
{
    _cleanup_free_ char *prefix = osp_path(a, "servers", server_id, "/os-volume_attachments");
    _cleanup_free_ char *path = prefix ? osp_path(a, prefix, volume_id, NULL) : NULL;
    if (!path)
        return -ENOMEM;
    return osp_api_call(a, OSP_SOURCE, OSP_COMPUTE, HTTP_DELETE, path, NULL, step, NULL, error);
}
