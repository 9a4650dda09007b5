/* SPDX-License-Identifier: Apache-2.0 */
/* A small OpenStack REST client (libcurl + json-c): Keystone v3 password
 * authentication with two project scopes (the conversion appliance's
 * project, where the engine creates the volumes, and the destination
 * project), endpoints from each token's service catalog, and the few
 * Cinder, Neutron and Nova calls the OpenStack output needs.
 *
 * Every call is bounded (connect and total timeout), verifies TLS unless
 * told not to, re-authenticates once when a token expired (401), and fails
 * with one sentence naming the step, the HTTP status and the API's message,
 * never the password or a token. */
#ifndef V2VW_OPENSTACK_API_H
#define V2VW_OPENSTACK_API_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include "outputs/http.h"
#include "outputs/output.h"
#include "common/strv.h"

#define OSP_CONNECT_TIMEOUT_MS 10000L
#define OSP_TIMEOUT_MS 60000L            /* $V2VW_OSP_TIMEOUT (seconds) overrides */

enum osp_scope { OSP_SOURCE, OSP_DEST, OSP_N_SCOPES };
enum osp_service { OSP_VOLUME, OSP_NETWORK, OSP_COMPUTE, OSP_N_SERVICES };

/* What the client needs from osp_environment (+ the input's other keys). */
struct osp_settings {
    char *auth_url;
    char *username, *user_id, *password;        /* password: secret */
    char *user_domain_name, *user_domain_id;
    char *project_name, *project_id;
    char *project_domain_name, *project_domain_id;
    char *region, *interface, *cacert;
    bool insecure;
    char *dest_project_id;
    long connect_timeout_ms, timeout_ms;
};

/* From the osp_environment entries (keys in any of their spellings:
 * os_auth_url, OS-AUTH-URL...). Missing essentials are an error sentence. */
int osp_settings_from_input(const struct output_input *in, struct osp_settings *s, char **error);
void osp_settings_free(struct osp_settings *s);

struct osp_api;

/* No network yet. The settings are copied. */
int osp_api_new(const struct osp_settings *s, struct osp_api **out, char **error);
void osp_api_free(struct osp_api *a);
static inline void osp_api_freep(struct osp_api **a) { osp_api_free(*a); }
#define _cleanup_osp_api_ __attribute__((cleanup(osp_api_freep)))

/* Keystone: a token scoped to the source project (osp_environment's) or
 * the destination project, and that token's endpoints. */
int osp_api_authenticate(struct osp_api *a, enum osp_scope scope, char **error);
const char *osp_api_project_id(const struct osp_api *a, enum osp_scope scope);

/* The per-call deadline (ms). */
long osp_api_timeout_ms(const struct osp_api *a);

/* Every call the client makes, for the log: "METHOD URL -> STATUS (ms)"
 * goes to the debug log; this counts them. */
unsigned osp_api_calls(const struct osp_api *a);

/* One call to SERVICE in SCOPE (authenticating first if needed): PATH is
 * relative to the endpoint, BODY a JSON object (borrowed) or NULL. `step`
 * names what we were doing ("creating port 1/2"). A 404 is -ENOENT, 401/403
 * -EACCES, 400/409 -EINVAL/-EBUSY, 5xx -EIO, timeouts -ETIMEDOUT; *error
 * is then "Creating port 1/2 failed: Neutron answered HTTP 409 to POST URL:
 * MESSAGE". *reply (may be NULL) gets the JSON answer, if any. */
int osp_api_call(struct osp_api *a, enum osp_scope scope, enum osp_service svc, enum http_method m,
                 const char *path, struct json_object *body, const char *step,
                 struct json_object **reply, char **error);

/* Cinder (volume API 3.55) */
int osp_cinder_find_volumes(struct osp_api *a, const char *guest_id, struct json_object **volumes,
                            char **error);
int osp_cinder_volume_status(struct osp_api *a, enum osp_scope scope, const char *id, const char *step,
                             char **status, char **error);
int osp_cinder_set_bootable(struct osp_api *a, const char *id, const char *step, char **error);
int osp_cinder_create_transfer(struct osp_api *a, const char *volume_id, const char *name, const char *step,
                               char **transfer_id, char **auth_key, char **error);
int osp_cinder_accept_transfer(struct osp_api *a, const char *transfer_id, const char *auth_key,
                               const char *step, char **error);
/* Ids of the pending transfers of a volume (source project). */
int osp_cinder_transfers_of(struct osp_api *a, const char *volume_id, const char *step, struct strv *ids,
                            char **error);
int osp_cinder_delete_transfer(struct osp_api *a, const char *transfer_id, const char *step, char **error);
int osp_cinder_delete_volume(struct osp_api *a, enum osp_scope scope, const char *id, const char *step,
                             char **error);

/* Neutron (v2.0) */
int osp_neutron_find_network(struct osp_api *a, const char *name_or_id, const char *step,
                             char **network_id, char **error);
/* The IPv4 subnet of the network that contains `ip`; *subnet_id NULL if none. */
int osp_neutron_subnet_for(struct osp_api *a, const char *network_id, const char *ip, const char *step,
                           char **subnet_id, char **error);
/* Create in the destination project; as the source scope's user (an admin)
 * with project_id when the destination's member may not set a MAC or a
 * fixed IP. *created_in tells which scope deletes it. */
int osp_neutron_create_port(struct osp_api *a, struct json_object *port, const char *step, char **port_id,
                            enum osp_scope *created_in, char **error);
/* Ids of the destination project's ports named exactly `name`. */
int osp_neutron_ports_named(struct osp_api *a, const char *name, const char *step, struct strv *ids,
                            char **error);
int osp_neutron_delete_port(struct osp_api *a, enum osp_scope scope, const char *id, const char *step,
                            char **error);

/* Nova (compute 2.67) */
/* Ids of the destination project's servers named exactly `name`. */
int osp_nova_servers_named(struct osp_api *a, const char *name, const char *step, struct strv *ids,
                           char **error);
int osp_nova_create_server(struct osp_api *a, struct json_object *server, const char *step, char **id,
                           char **error);
/* Status ("ACTIVE", "BUILD", "ERROR") and, for ERROR, the fault message. */
int osp_nova_server_status(struct osp_api *a, const char *id, const char *step, char **status,
                           char **fault, char **error);
int osp_nova_delete_server(struct osp_api *a, const char *id, const char *step, char **error);
/* Detach a volume from a server of the source project (the appliance). */
int osp_nova_detach_volume(struct osp_api *a, const char *server_id, const char *volume_id,
                           const char *step, char **error);

#endif
