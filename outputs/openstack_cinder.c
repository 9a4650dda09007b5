/* SPDX-License-Identifier: Apache-2.0 */
/* Cinder v3 (microversion 3.55): the engine's volumes, transfers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outputs/openstack_api-internal.h"
#include "common/cleanup.h"
#include "common/error.h"

int osp_cinder_find_volumes(struct osp_api *a, const char *guest_id, struct json_object **volumes,
                            char **error)
{
    _cleanup_json_ struct json_object *filter = json_object_new_object(), *reply = NULL;
    _cleanup_free_ char *path = NULL;
    struct json_object *list;

    *volumes = NULL;
    if (!filter || json_object_object_add(filter, "virt_v2v_guest_id", json_object_new_string(guest_id)) < 0)
        return -ENOMEM;
    char *escaped = http_escape(a->http, json_object_to_json_string_ext(filter, JSON_C_TO_STRING_PLAIN), 0);
    if (!escaped)
        return -ENOMEM;
    int r = asprintf(&path, "volumes/detail?metadata=%s", escaped);
    free(escaped);
    if (r < 0)
        return -ENOMEM;
    r = osp_api_call(a, OSP_SOURCE, OSP_VOLUME, HTTP_GET, path, NULL, "finding the volumes", &reply, error);
    if (r < 0)
        return r;
    if (!json_object_object_get_ex(reply, "volumes", &list) || !json_object_is_type(list, json_type_array))
        return error_set(error, -EBADMSG, "Finding the volumes failed: Cinder's answer has no \"volumes\" list");
    *volumes = json_object_get(list);
    return 0;
}

int osp_cinder_volume_status(struct osp_api *a, enum osp_scope scope, const char *id, const char *step,
                             char **status, char **error)
{
    _cleanup_free_ char *path = osp_path(a, "volumes", id, NULL);
    _cleanup_json_ struct json_object *reply = NULL;
    struct json_object *vol;

    *status = NULL;
    if (!path)
        return -ENOMEM;
    int r = osp_api_call(a, scope, OSP_VOLUME, HTTP_GET, path, NULL, step, &reply, error);
    if (r < 0)
        return r;
    const char *s = json_object_object_get_ex(reply, "volume", &vol) ? http_json_str(vol, "status") : NULL;
    *status = strdup(s ? s : "unknown");
    return *status ? 0 : -ENOMEM;
}

static int post_action(struct osp_api *a, enum osp_scope scope, const char *path, const char *json,
                       const char *step, struct json_object **reply, char **error)
{
    _cleanup_json_ struct json_object *body = json_tokener_parse(json);
    if (!body)
        return -ENOMEM;
    return osp_api_call(a, scope, OSP_VOLUME, HTTP_POST, path, body, step, reply, error);
}

int osp_cinder_set_bootable(struct osp_api *a, const char *id, const char *step, char **error)
{
    _cleanup_free_ char *path = osp_path(a, "volumes", id, "/action");
    if (!path)
        return -ENOMEM;
    return post_action(a, OSP_SOURCE, path, "{\"os-set_bootable\": {\"bootable\": true}}", step, NULL, error);
}

int osp_cinder_create_transfer(struct osp_api *a, const char *volume_id, const char *name, const char *step,
                               char **transfer_id, char **auth_key, char **error)
{
    _cleanup_json_ struct json_object *body = json_object_new_object(), *t = json_object_new_object(),
                                      *reply = NULL;
    struct json_object *transfer;

    *transfer_id = *auth_key = NULL;
    if (!body || !t || json_object_object_add(t, "volume_id", json_object_new_string(volume_id)) < 0
        || json_object_object_add(t, "name", json_object_new_string(name)) < 0
        || json_object_object_add(body, "transfer", json_object_get(t)) < 0)
        return -ENOMEM;
    int r = osp_api_call(a, OSP_SOURCE, OSP_VOLUME, HTTP_POST, "volume-transfers", body, step, &reply, error);
    if (r < 0)
        return r;
    const char *id = json_object_object_get_ex(reply, "transfer", &transfer) ? http_json_str(transfer, "id") : NULL;
    const char *key = http_json_str(transfer, "auth_key");
    if (!id || !key)
        return error_set(error, -EBADMSG, "Creating a transfer of volume %s failed: Cinder's answer has no "
                         "transfer id or key", volume_id);
    *transfer_id = strdup(id);
    *auth_key = strdup(key);
    explicit_bzero((char *)key, strlen(key));
    return *transfer_id && *auth_key ? 0 : -ENOMEM;
}

int osp_cinder_accept_transfer(struct osp_api *a, const char *transfer_id, const char *auth_key,
                               const char *step, char **error)
{
    _cleanup_free_ char *path = osp_path(a, "volume-transfers", transfer_id, "/accept");
    _cleanup_json_ struct json_object *body = json_object_new_object(), *acc = json_object_new_object();
    if (!path || !body || !acc || json_object_object_add(acc, "auth_key", json_object_new_string(auth_key)) < 0
        || json_object_object_add(body, "accept", json_object_get(acc)) < 0)
        return -ENOMEM;
    int r = osp_api_call(a, OSP_DEST, OSP_VOLUME, HTTP_POST, path, body, step, NULL, error);
    struct json_object *k;
    if (json_object_object_get_ex(acc, "auth_key", &k))
        explicit_bzero((char *)json_object_get_string(k), (size_t)json_object_get_string_len(k));
    return r;
}

int osp_cinder_transfers_of(struct osp_api *a, const char *volume_id, const char *step, struct strv *ids,
                            char **error)
{
    _cleanup_json_ struct json_object *reply = NULL;
    struct json_object *list;

    int r = osp_api_call(a, OSP_SOURCE, OSP_VOLUME, HTTP_GET, "volume-transfers/detail", NULL, step, &reply, error);
    if (r < 0)
        return r;
    if (json_object_object_get_ex(reply, "transfers", &list))
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            struct json_object *t = json_object_array_get_idx(list, i);
            const char *v = http_json_str(t, "volume_id"), *id = http_json_str(t, "id");
            if (v && id && strcmp(v, volume_id) == 0 && strv_push(ids, id) < 0)
                return -ENOMEM;
        }
    return 0;
}

int osp_cinder_delete_transfer(struct osp_api *a, const char *transfer_id, const char *step, char **error)
{
    _cleanup_free_ char *path = osp_path(a, "volume-transfers", transfer_id, NULL);
    if (!path)
        return -ENOMEM;
    return osp_api_call(a, OSP_SOURCE, OSP_VOLUME, HTTP_DELETE, path, NULL, step, NULL, error);
}

int osp_cinder_delete_volume(struct osp_api *a, enum osp_scope scope, const char *id, const char *step,
                             char **error)
{
    _cleanup_free_ char *path = osp_path(a, "volumes", id, NULL);
    if (!path)
        return -ENOMEM;
    return osp_api_call(a, scope, OSP_VOLUME, HTTP_DELETE, path, NULL, step, NULL, error);
}
