/* SPDX-License-Identifier: Apache-2.0 */
/* A small oVirt REST API v4 client (libcurl + json-c): SSO password login
 * like the official SDKs, the few calls the wrapper needs, token revocation
 * at the end. Every call has a connect and a total timeout; TLS is verified
 * against the CA file unless `insecure`. Errors are one sentence with the
 * HTTP status and the API's fault reason, never the password. */
#ifndef V2VW_OVIRT_API_H
#define V2VW_OVIRT_API_H

#include <stdbool.h>
#include <json-c/json.h>

#define OVIRT_DEFAULT_USER "admin@internal"
#define OVIRT_DEFAULT_CAFILE "/etc/pki/vdsm/certs/cacert.pem"
#define OVIRT_CONNECT_TIMEOUT_MS 10000L
#define OVIRT_TIMEOUT_MS 60000L      /* $V2VW_OVIRT_TIMEOUT (seconds) overrides */

struct ovirt_api;

/* Log in to the engine of `url` (the rhv_url: https://[user@]host[:port]/ovirt-engine/api).
 * username NULL: the URL's user part, else OVIRT_DEFAULT_USER. cafile NULL:
 * OVIRT_DEFAULT_CAFILE. Negative errno and *error on failure. */
int ovirt_api_open(const char *url, const char *username, const char *password,
                   const char *cafile, bool insecure, struct ovirt_api **api, char **error);
/* Revoke the token (best effort) and free. NULL is fine. */
void ovirt_api_close(struct ovirt_api *api);
static inline void ovirt_api_closep(struct ovirt_api **p) { ovirt_api_close(*p); }
#define _cleanup_ovirt_api_ __attribute__((cleanup(ovirt_api_closep)))

/* The user the API logs in as (after open). */
const char *ovirt_api_username(const struct ovirt_api *api);

/* Generic calls on PATH relative to the API base ("disks/ID"). A 404 is
 * -ENOENT (with *error set too); *reply may be NULL for no interest. */
int ovirt_api_get(struct ovirt_api *api, const char *path, struct json_object **reply, char **error);
int ovirt_api_post(struct ovirt_api *api, const char *path, const char *json_body,
                   struct json_object **reply, char **error);
int ovirt_api_delete(struct ovirt_api *api, const char *path, char **error);

/* Storage domains whose name is exactly `name`: *domains is a JSON array
 * (new reference, possibly empty). */
int ovirt_api_find_storage_domains(struct ovirt_api *api, const char *name,
                                   struct json_object **domains, char **error);
/* The disk's status ("ok", "locked", "illegal"); -ENOENT if it is gone. */
int ovirt_api_disk_status(struct ovirt_api *api, const char *disk_id, char **status, char **error);
/* All image transfers: a JSON array (new reference). */
int ovirt_api_list_image_transfers(struct ovirt_api *api, struct json_object **transfers, char **error);
int ovirt_api_cancel_image_transfer(struct ovirt_api *api, const char *id, char **error);
int ovirt_api_delete_disk(struct ovirt_api *api, const char *disk_id, char **error);

#endif
