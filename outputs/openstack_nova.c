/* SPDX-License-Identifier: Apache-2.0 */
/* Nova (compute 2.67): the server booted from the transferred volumes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outputs/openstack_api-internal.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/json.h"

/* Nova's name filter is a regular expression: anchor it, quote the rest. */
static char *name_regex(const char *name)
{
    char *regex = malloc(2 * strlen(name) + 3), *p = regex;
    if (!regex)
        return NULL;
    *p++ = '^';
    for (const char *s = name; *s; s++) {
        if (strchr(".^$*+?()[]{}|\\", *s))
            *p++ = '\\';
        *p++ = *s;
    }
    *p++ = '$';
    *p = '\0';
    return regex;
}

int osp_nova_servers_named(struct osp_api *a, const char *name, const char *step, osp_done_fn done,
                           void *userdata, char **error)
{
    _cleanup_free_ char *regex = name_regex(name);
    _cleanup_free_ char *query = regex ? osp_query("servers", "name", regex) : NULL;
    if (!query)
        return -ENOMEM;
    return osp_api_call(a, OSP_DEST, OSP_COMPUTE, HTTP_GET, query, NULL, step, done, userdata, error);
}

int osp_nova_read_servers_named(struct json_object *reply, const char *name, struct strv *ids)
{
    struct json_object *list;

    if (json_object_object_get_ex(reply, "servers", &list))
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            const char *n = http_json_str(json_object_array_get_idx(list, i), "name");
            const char *id = http_json_str(json_object_array_get_idx(list, i), "id");
            if (n && id && strcmp(n, name) == 0 && strv_push(ids, id) < 0)
                return -ENOMEM;
        }
    return 0;
}

int osp_nova_create_server(struct osp_api *a, struct json_object *server, const char *step, osp_done_fn done,
                           void *userdata, char **error)
{
    _cleanup_json_ struct json_object *body = json_object_new_object();

    if (!body || !json_add(body, "server", json_object_get(server)))
        return -ENOMEM;
    return osp_api_call(a, OSP_DEST, OSP_COMPUTE, HTTP_POST, "servers", body, step, done, userdata, error);
}

int osp_nova_read_server_id(struct json_object *reply, const char *step, char **id, char **error)
{
    struct json_object *s;
    const char *sid = json_object_object_get_ex(reply, "server", &s) ? http_json_str(s, "id") : NULL;

    *id = NULL;
    if (!sid)
        return osp_answer_error(step, "Nova", "server id", error);
    return (*id = strdup(sid)) ? 0 : -ENOMEM;
}

int osp_nova_server(struct osp_api *a, const char *id, const char *step, osp_done_fn done, void *userdata,
                    char **error)
{
    _cleanup_free_ char *path = osp_path("servers", id, NULL);
    if (!path)
        return -ENOMEM;
    return osp_api_call(a, OSP_DEST, OSP_COMPUTE, HTTP_GET, path, NULL, step, done, userdata, error);
}

int osp_nova_read_status(struct json_object *reply, char **status, char **fault)
{
    struct json_object *s = NULL, *f;
    json_object_object_get_ex(reply, "server", &s);
    const char *st = http_json_str(s, "status");
    const char *msg = json_object_object_get_ex(s, "fault", &f) ? http_json_str(f, "message") : NULL;

    *status = *fault = NULL;
    if (!(*status = strdup(st ? st : "UNKNOWN")) || (msg && !(*fault = http_clean_text(msg)))) {
        free(TAKE_PTR(*status));
        return -ENOMEM;
    }
    return 0;
}

int osp_nova_delete_server(struct osp_api *a, const char *id, const char *step, osp_done_fn done,
                           void *userdata, char **error)
{
    _cleanup_free_ char *path = osp_path("servers", id, NULL);
    if (!path)
        return -ENOMEM;
    return osp_api_call(a, OSP_DEST, OSP_COMPUTE, HTTP_DELETE, path, NULL, step, done, userdata, error);
}

int osp_nova_detach_volume(struct osp_api *a, const char *server_id, const char *volume_id,
                           const char *step, osp_done_fn done, void *userdata, char **error)
{
    _cleanup_free_ char *prefix = osp_path("servers", server_id, "/os-volume_attachments");
    _cleanup_free_ char *path = prefix ? osp_path(prefix, volume_id, NULL) : NULL;
    if (!path)
        return -ENOMEM;
    return osp_api_call(a, OSP_SOURCE, OSP_COMPUTE, HTTP_DELETE, path, NULL, step, done, userdata, error);
}
