/* SPDX-License-Identifier: Apache-2.0 */
/* Cinder v3 (microversion 3.55): the engine's volumes, transfers. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outputs/openstack_api-internal.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/json.h"

int osp_cinder_find_volumes(struct osp_api *a, const char *guest_id, const char *step, osp_done_fn done,
                            void *userdata, char **error)
{
    _cleanup_json_ struct json_object *filter = json_object_new_object();
    _cleanup_free_ char *path = NULL;

    if (!filter || !json_add(filter, "virt_v2v_guest_id", json_object_new_string(guest_id))
        || !(path = osp_query("volumes/detail", "metadata",
                              json_object_to_json_string_ext(filter, JSON_C_TO_STRING_PLAIN))))
        return -ENOMEM;
    return osp_api_call(a, OSP_SOURCE, OSP_VOLUME, HTTP_GET, path, NULL, step, done, userdata, error);
}

int osp_cinder_read_volumes(struct json_object *reply, const char *step, struct json_object **volumes,
                            char **error)
{
    struct json_object *list;

    *volumes = NULL;
    if (!json_object_object_get_ex(reply, "volumes", &list) || !json_object_is_type(list, json_type_array))
        return osp_answer_error(step, "Cinder", "\"volumes\" list", error);
    *volumes = json_object_get(list);
    return 0;
}

int osp_cinder_volume_status(struct osp_api *a, enum osp_scope scope, const char *id, const char *step,
                             osp_done_fn done, void *userdata, char **error)
{
    _cleanup_free_ char *path = osp_path("volumes", id, NULL);
    if (!path)
        return -ENOMEM;
    return osp_api_call(a, scope, OSP_VOLUME, HTTP_GET, path, NULL, step, done, userdata, error);
}

int osp_cinder_read_status(struct json_object *reply, char **status)
{
    struct json_object *vol;
    const char *s = json_object_object_get_ex(reply, "volume", &vol) ? http_json_str(vol, "status") : NULL;
    *status = strdup(s ? s : "unknown");
    return *status ? 0 : -ENOMEM;
}

static int post_action(struct osp_api *a, enum osp_scope scope, const char *path, const char *json,
                       const char *step, osp_done_fn done, void *userdata, char **error)
{
    _cleanup_json_ struct json_object *body = json_tokener_parse(json);
    if (!body)
        return -ENOMEM;
    return osp_api_call(a, scope, OSP_VOLUME, HTTP_POST, path, body, step, done, userdata, error);
}

int osp_cinder_set_bootable(struct osp_api *a, const char *id, const char *step, osp_done_fn done,
                            void *userdata, char **error)
{
    _cleanup_free_ char *path = osp_path("volumes", id, "/action");
    if (!path)
        return -ENOMEM;
    return post_action(a, OSP_SOURCE, path, "{\"os-set_bootable\": {\"bootable\": true}}", step, done,
                       userdata, error);
}

int osp_cinder_create_transfer(struct osp_api *a, const char *volume_id, const char *name, const char *step,
                               osp_done_fn done, void *userdata, char **error)
{
    _cleanup_json_ struct json_object *body = json_object_new_object();
    struct json_object *t = json_object_new_object();

    if (!body || !json_add(body, "transfer", t) || !json_add(t, "volume_id", json_object_new_string(volume_id))
        || !json_add(t, "name", json_object_new_string(name)))
        return -ENOMEM;
    return osp_api_call(a, OSP_SOURCE, OSP_VOLUME, HTTP_POST, "volume-transfers", body, step, done, userdata,
                        error);
}

int osp_cinder_read_transfer(struct json_object *reply, const char *step, char **transfer_id, char **auth_key,
                             char **error)
{
    struct json_object *transfer;
    const char *id = json_object_object_get_ex(reply, "transfer", &transfer) ? http_json_str(transfer, "id") : NULL;
    const char *key = http_json_str(transfer, "auth_key");

    *transfer_id = *auth_key = NULL;
    if (!id || !key)
        return osp_answer_error(step, "Cinder", "transfer id or key", error);
    *transfer_id = strdup(id);
    *auth_key = strdup(key);
    explicit_bzero((char *)key, strlen(key));
    if (!*transfer_id || !*auth_key) {
        free(TAKE_PTR(*transfer_id));
        secret_free(TAKE_PTR(*auth_key));
        return -ENOMEM;
    }
    return 0;
}

int osp_cinder_accept_transfer(struct osp_api *a, const char *transfer_id, const char *auth_key,
                               const char *step, osp_done_fn done, void *userdata, char **error)
{
    _cleanup_free_ char *path = osp_path("volume-transfers", transfer_id, "/accept");
    _cleanup_json_ struct json_object *body = json_object_new_object();
    struct json_object *acc = json_object_new_object(), *k;

    if (!path || !body || !json_add(body, "accept", acc)
        || !json_add(acc, "auth_key", json_object_new_string(auth_key)))
        return -ENOMEM;
    int r = osp_api_call(a, OSP_DEST, OSP_VOLUME, HTTP_POST, path, body, step, done, userdata, error);
    if (json_object_object_get_ex(acc, "auth_key", &k))
        explicit_bzero((char *)json_object_get_string(k), (size_t)json_object_get_string_len(k));
    return r;
}

int osp_cinder_transfers(struct osp_api *a, const char *step, osp_done_fn done, void *userdata, char **error)
{
    return osp_api_call(a, OSP_SOURCE, OSP_VOLUME, HTTP_GET, "volume-transfers/detail", NULL, step, done,
                        userdata, error);
}

int osp_cinder_read_transfers_of(struct json_object *reply, const char *volume_id, struct strv *ids)
{
    struct json_object *list;

    if (json_object_object_get_ex(reply, "transfers", &list))
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            struct json_object *t = json_object_array_get_idx(list, i);
            const char *v = http_json_str(t, "volume_id"), *id = http_json_str(t, "id");
            if (v && id && strcmp(v, volume_id) == 0 && strv_push(ids, id) < 0)
                return -ENOMEM;
        }
    return 0;
}

int osp_cinder_delete_transfer(struct osp_api *a, const char *transfer_id, const char *step, osp_done_fn done,
                               void *userdata, char **error)
{
    _cleanup_free_ char *path = osp_path("volume-transfers", transfer_id, NULL);
    if (!path)
        return -ENOMEM;
    return osp_api_call(a, OSP_SOURCE, OSP_VOLUME, HTTP_DELETE, path, NULL, step, done, userdata, error);
}

int osp_cinder_delete_volume(struct osp_api *a, enum osp_scope scope, const char *id, const char *step,
                             osp_done_fn done, void *userdata, char **error)
{
    _cleanup_free_ char *path = osp_path("volumes", id, NULL);
    if (!path)
        return -ENOMEM;
    return osp_api_call(a, scope, OSP_VOLUME, HTTP_DELETE, path, NULL, step, done, userdata, error);
}
