/* SPDX-License-Identifier: Apache-2.0 */
/* A small OpenStack REST client (libcurl + json-c): Keystone v3 password
 * authentication with two project scopes (the conversion appliance's
 * project, where the engine creates the volumes, and the destination
 * project), endpoints from each token's service catalog, and the few
 * Cinder, Neutron and Nova calls the OpenStack output needs.
 *
 * Every call is driven by the event loop (it never blocks), is bounded
 * (connect and total timeout), verifies TLS unless told not to,
 * re-authenticates once when a token expired (401), tries idempotent
 * exchanges again after a 502/503/504 or a broken connection, and fails
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
#define OSP_RETRY_MS 1000L               /* first back-off; $V2VW_OSP_RETRY_DELAY (seconds) overrides */
#define OSP_TRIES 4                      /* of an idempotent call: 3 retries */

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
    long retry_ms;                              /* the first back-off; then twice, four times */
};

/* From the osp_environment entries (keys in any of their spellings:
 * os_auth_url, OS-AUTH-URL...). Missing essentials are an error sentence. */
int osp_settings_from_input(const struct output_input *in, struct osp_settings *s, char **error);
void osp_settings_free(struct osp_settings *s);

struct osp_api;
struct sd_event;

/* No network yet. The settings are copied; the calls run on `event`. */
int osp_api_new(struct sd_event *event, const struct osp_settings *s, struct osp_api **out, char **error);
/* Abandons the call in flight (its `done` is never called). */
void osp_api_free(struct osp_api *a);
static inline void osp_api_freep(struct osp_api **a) { osp_api_free(*a); }
#define _cleanup_osp_api_ __attribute__((cleanup(osp_api_freep)))

/* The answer to one call, from the event loop: r = 0 with the JSON reply
 * (NULL when the body was empty), or a negative errno and the step's error
 * sentence. reply and error are valid during the callback only; the
 * callback may start the next call or free the client. */
typedef void (*osp_done_fn)(void *userdata, int r, struct json_object *reply, const char *error);

/* One call to SERVICE in SCOPE, driven by the event loop: PATH is relative
 * to the endpoint, BODY a JSON object (borrowed) or NULL. `step` names what
 * we were doing ("creating port 1/2"). A token is got first when the scope
 * has none, and once again when the service refuses it (401). GET and
 * DELETE are tried again (3 times at most, after 1, 2, 4 s) when the
 * answer is HTTP 502, 503 or 504 or the connection was refused or broke;
 * POSTs never are.
 * Errors: a 404 is -ENOENT, 401/403 -EACCES, 400/409 -EINVAL/-EBUSY, 5xx
 * -EIO, timeouts -ETIMEDOUT; the sentence is then "Creating port 1/2
 * failed: Neutron answered HTTP 409 to POST URL: MESSAGE".
 * One call at a time per client. A negative errno and *error when it could
 * not start: `done` is then not called; else `done` follows, never from
 * inside this call. */
int osp_api_call(struct osp_api *a, enum osp_scope scope, enum osp_service svc, enum http_method m,
                 const char *path, struct json_object *body, const char *step, osp_done_fn done,
                 void *userdata, char **error);
/* Keystone: a token scoped to the source project (osp_environment's) or
 * the destination project, and that token's endpoints; the same rules. */
int osp_api_authenticate(struct osp_api *a, enum osp_scope scope, osp_done_fn done, void *userdata,
                         char **error);
/* Abandon the call in flight, if any: its `done` is never called. */
void osp_api_cancel(struct osp_api *a);

const char *osp_api_project_id(const struct osp_api *a, enum osp_scope scope);
const char *osp_api_dest_project(const struct osp_api *a);
/* The per-call deadline (ms). */
long osp_api_timeout_ms(const struct osp_api *a);
/* Every exchange the client started (each logs one DEBUG line
 * "METHOD URL -> HTTP STATUS (ms)"). */
unsigned osp_api_calls(const struct osp_api *a);

/* The services: each call is started by the first function ("describe
 * the request") and its answer read by the osp_*_read_* one. The reading
 * functions take the `reply` of the done callback. */

/* Cinder (volume API 3.55) */
int osp_cinder_find_volumes(struct osp_api *a, const char *guest_id, const char *step, osp_done_fn done,
                            void *userdata, char **error);
/* The "volumes" list (a new reference). */
int osp_cinder_read_volumes(struct json_object *reply, const char *step, struct json_object **volumes,
                            char **error);
int osp_cinder_volume_status(struct osp_api *a, enum osp_scope scope, const char *id, const char *step,
                             osp_done_fn done, void *userdata, char **error);
/* The volume's status ("unknown" when absent). */
int osp_cinder_read_status(struct json_object *reply, char **status);
int osp_cinder_set_bootable(struct osp_api *a, const char *id, const char *step, osp_done_fn done,
                            void *userdata, char **error);
int osp_cinder_create_transfer(struct osp_api *a, const char *volume_id, const char *name, const char *step,
                               osp_done_fn done, void *userdata, char **error);
/* The transfer's id and auth key (a secret); the key is wiped in the reply. */
int osp_cinder_read_transfer(struct json_object *reply, const char *step, char **transfer_id, char **auth_key,
                             char **error);
int osp_cinder_accept_transfer(struct osp_api *a, const char *transfer_id, const char *auth_key,
                               const char *step, osp_done_fn done, void *userdata, char **error);
/* The pending transfers of the source project; read_transfers_of keeps
 * those of one volume. */
int osp_cinder_transfers(struct osp_api *a, const char *step, osp_done_fn done, void *userdata, char **error);
int osp_cinder_read_transfers_of(struct json_object *reply, const char *volume_id, struct strv *ids);
int osp_cinder_delete_transfer(struct osp_api *a, const char *transfer_id, const char *step, osp_done_fn done,
                               void *userdata, char **error);
int osp_cinder_delete_volume(struct osp_api *a, enum osp_scope scope, const char *id, const char *step,
                             osp_done_fn done, void *userdata, char **error);

/* Neutron (v2.0) */
/* GET networks/ID: success means the mapping named a network id; -ENOENT
 * means it may be a name: osp_neutron_networks_named. */
int osp_neutron_network(struct osp_api *a, const char *id, const char *step, osp_done_fn done, void *userdata,
                        char **error);
int osp_neutron_networks_named(struct osp_api *a, const char *name, const char *step, osp_done_fn done,
                               void *userdata, char **error);
/* The one network of the answer; an error sentence when none or several. */
int osp_neutron_read_network(struct json_object *reply, const char *name, const char *project,
                             const char *step, char **network_id, char **error);
int osp_neutron_subnets(struct osp_api *a, const char *network_id, const char *step, osp_done_fn done,
                        void *userdata, char **error);
/* The IPv4 subnet of the answer that contains `ip`; *subnet_id NULL if none. */
int osp_neutron_read_subnet_for(struct json_object *reply, const char *ip, char **subnet_id);
/* Create in the destination project. When the destination's member may
 * not set a MAC or a fixed IP (-EACCES), the job tries again in the
 * source scope (an admin) with osp_neutron_port_for_project. */
int osp_neutron_create_port(struct osp_api *a, enum osp_scope scope, struct json_object *port,
                            const char *step, osp_done_fn done, void *userdata, char **error);
int osp_neutron_port_for_project(struct json_object *port, const char *project_id);
int osp_neutron_read_port(struct json_object *reply, const char *step, char **port_id, char **error);
int osp_neutron_ports_named(struct osp_api *a, const char *name, const char *step, osp_done_fn done,
                            void *userdata, char **error);
/* Ids of the answer's ports named exactly `name`. */
int osp_neutron_read_ports_named(struct json_object *reply, const char *name, struct strv *ids);
int osp_neutron_delete_port(struct osp_api *a, enum osp_scope scope, const char *id, const char *step,
                            osp_done_fn done, void *userdata, char **error);

/* Nova (compute 2.67) */
int osp_nova_servers_named(struct osp_api *a, const char *name, const char *step, osp_done_fn done,
                           void *userdata, char **error);
/* Ids of the answer's servers named exactly `name`. */
int osp_nova_read_servers_named(struct json_object *reply, const char *name, struct strv *ids);
int osp_nova_create_server(struct osp_api *a, struct json_object *server, const char *step, osp_done_fn done,
                           void *userdata, char **error);
int osp_nova_read_server_id(struct json_object *reply, const char *step, char **id, char **error);
int osp_nova_server(struct osp_api *a, const char *id, const char *step, osp_done_fn done, void *userdata,
                    char **error);
/* Status ("ACTIVE", "BUILD", "ERROR") and, for ERROR, the fault message. */
int osp_nova_read_status(struct json_object *reply, char **status, char **fault);
int osp_nova_delete_server(struct osp_api *a, const char *id, const char *step, osp_done_fn done,
                           void *userdata, char **error);
/* Detach a volume from a server of the source project (the appliance). */
int osp_nova_detach_volume(struct osp_api *a, const char *server_id, const char *volume_id,
                           const char *step, osp_done_fn done, void *userdata, char **error);

#endif
