/* SPDX-License-Identifier: Apache-2.0 */
/* The OpenStack job's steps after a successful engine: find the engine's
 * volumes, wait until they are available, mark the first bootable,
 * transfer them into the destination project, create the ports and the
 * server, wait until it is ACTIVE. One REST call per phase. */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outputs/openstack_job-internal.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/log.h"
#include "common/settings.h"

static int authenticate(struct osp_job *j)
{
    char *error = NULL;
    osp_job_set_status(j, "authenticating with OpenStack");
    return osp_job_started(
        j, osp_api_authenticate(j->api, OSP_SOURCE, osp_job_on_answer, j, &error), error);
}

static int authenticated(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    return r < 0 ? osp_job_fail_with(j, r, error) : NEXT_PHASE;
}

static int authenticate_dest(struct osp_job *j)
{
    char *error = NULL;
    return osp_job_started(j, osp_api_authenticate(j->api, OSP_DEST, osp_job_on_answer, j, &error),
                           error);
}

/* "2/3" or "2" -> 2; -1 if absent or not a number. */
/* qsort_r's order of the volume indexes by their disk index. */
static int by_index(const void *a, const void *b, void *resources)
{
    const struct resource *res = resources;
    const struct resource *x = &res[*(const size_t *)a], *y = &res[*(const size_t *)b];
    return (x->index > y->index) - (x->index < y->index);
}

static int find_volumes(struct osp_job *j)
{
    char *error = NULL;
    osp_job_set_status(j, "finding the volumes");
    return osp_job_started(j,
                           osp_cinder_find_volumes(j->api, j->p.guest_id, "finding the volumes",
                                                   osp_job_on_answer, j, &error),
                           error);
}

static int found_volumes(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_json_ struct json_object *list = NULL;
    char *why = NULL;

    if (r < 0)
        return osp_job_fail_with(j, r, error);
    if ((r = osp_cinder_read_volumes(reply, "finding the volumes", &list, &why)) < 0)
        return osp_job_fail(j, r, why);
    size_t n = json_object_array_length(list);
    if (n == 0)
        return osp_job_failf(j, -ENOENT, "No volumes found with virt_v2v_guest_id %s",
                             j->p.guest_id);
    if (!(j->volumes = calloc(n, sizeof *j->volumes)))
        return osp_job_fail(j, -ENOMEM, NULL);
    for (size_t i = 0; i < n; i++) {
        struct json_object *v = json_object_array_get_idx(list, i);
        const char *id = http_json_str(v, "id");
        if (!id)
            continue;
        int index = osp_job_disk_index(v);
        struct resource *res = osp_job_record(j, VOLUME, id, OSP_SOURCE);
        if (!res)
            return osp_job_fail(j, -ENOMEM, NULL);
        res->index = index;
        j->volumes[j->n_volumes++] = j->n_res - 1;
        if (index < 0)
            return osp_job_failf(j, -EINVAL, "Volume %s has no valid virt_v2v_disk_index property",
                                 id);
    }
    qsort_r(j->volumes, j->n_volumes, sizeof *j->volumes, by_index, j->res);
    for (size_t i = 1; i < j->n_volumes; i++)
        if (osp_job_volume(j, i)->index == osp_job_volume(j, i - 1)->index)
            return osp_job_failf(
                j, -EINVAL,
                "Detected duplicate indices of Cinder volumes: %s and %s both have "
                "virt_v2v_disk_index %d",
                osp_job_volume(j, i - 1)->id, osp_job_volume(j, i)->id,
                osp_job_volume(j, i)->index);
    log_info("Found %zu osp_job_volume(s) of guest %s", j->n_volumes, j->p.guest_id);
    return NEXT_PHASE;
}

static char *waiting_step(struct osp_job *j)
{
    char *step = NULL;
    if (asprintf(&step, "waiting for volume %zu/%zu to become available", j->i + 1, j->n_volumes) <
        0)
        return NULL;
    return step;
}

static int wait_available(struct osp_job *j)
{
    _cleanup_free_ char *step = NULL;
    char *error = NULL;

    if (j->i == j->n_volumes)
        return NEXT_PHASE;
    if (!(step = waiting_step(j)))
        return osp_job_fail(j, -ENOMEM, NULL);
    if (j->deadline == 0) {
        osp_job_set_status(j, "%s", step);
        j->deadline = osp_job_now_usec(j) + j->p.volume_timeout_usec;
    }
    return osp_job_started(j,
                           osp_cinder_volume_status(j->api, OSP_SOURCE, osp_job_volume(j, j->i)->id,
                                                    step, osp_job_on_answer, j, &error),
                           error);
}

static int volume_checked(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_free_ char *status = NULL;

    if (r < 0)
        return osp_job_fail_with(j, r, error);
    if (osp_cinder_read_status(reply, &status) < 0)
        return osp_job_fail(j, -ENOMEM, NULL);
    if (strcmp(status, "available") == 0) {
        j->i++;
        j->deadline = 0;
        return AGAIN_NOW;
    }
    if (strncmp(status, "error", 5) == 0)
        return osp_job_failf(j, -EIO, "Volume %s is in status %s", osp_job_volume(j, j->i)->id,
                             status);
    if (osp_job_now_usec(j) >= j->deadline)
        return osp_job_failf(j, -ETIMEDOUT,
                             "Volume did not get ready (available) for transfer within %u seconds",
                             osp_job_seconds(j->p.volume_timeout_usec));
    return POLL;
}

static int set_bootable(struct osp_job *j)
{
    char *error = NULL;
    osp_job_set_status(j, "marking volume 1/%zu bootable", j->n_volumes);
    return osp_job_started(j,
                           osp_cinder_set_bootable(j->api, osp_job_volume(j, 0)->id,
                                                   "marking the first volume bootable",
                                                   osp_job_on_answer, j, &error),
                           error);
}

/* The answer of a call whose reply says nothing more. */
static int answered(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    return r < 0 ? osp_job_fail_with(j, r, error) : NEXT_PHASE;
}

static char *transfer_step(struct osp_job *j)
{
    char *step = NULL;
    if (asprintf(&step, "transferring volume %zu/%zu", j->i + 1, j->n_volumes) < 0)
        return NULL;
    return step;
}

static int transfer_create(struct osp_job *j)
{
    _cleanup_free_ char *step = NULL, *name = NULL;
    char *error = NULL;

    if (j->i == j->n_volumes)
        return osp_job_jump(j, PORT_NETWORK, 0);
    if (!(step = transfer_step(j)) || asprintf(&name, "virt-v2v-%s", j->p.guest_id) < 0)
        return osp_job_fail(j, -ENOMEM, NULL);
    osp_job_set_status(j, "%s", step);
    return osp_job_started(j,
                           osp_cinder_create_transfer(j->api, osp_job_volume(j, j->i)->id, name,
                                                      step, osp_job_on_answer, j, &error),
                           error);
}

static int transfer_created(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_free_ char *step = transfer_step(j), *id = NULL;
    _cleanup_erase_ char *key = NULL;
    char *why = NULL;

    if (r < 0)
        return osp_job_fail_with(j, r, error);
    if (!step)
        return osp_job_fail(j, -ENOMEM, NULL);
    if ((r = osp_cinder_read_transfer(reply, step, &id, &key, &why)) < 0)
        return osp_job_fail(j, r, why);
    /* osp_job_record() may move the resources: no pointer into them across it. */
    _cleanup_free_ char *volume_id = strdup(osp_job_volume(j, j->i)->id);
    struct resource *t = volume_id ? osp_job_record(j, TRANSFER, id, OSP_SOURCE) : NULL;
    if (!t || !(t->volume_id = TAKE_PTR(volume_id)))
        return osp_job_fail(j, -ENOMEM, NULL);
    t->auth_key = TAKE_PTR(key);
    return osp_job_jump(j, TRANSFER_ACCEPT, j->i); /* the same volume's accept */
}

static int transfer_accept(struct osp_job *j)
{
    _cleanup_free_ char *step = transfer_step(j);
    struct resource *t = &j->res[j->n_res - 1];
    char *error = NULL;

    assert(t->kind == TRANSFER && t->live);
    if (!step)
        return osp_job_fail(j, -ENOMEM, NULL);
    return osp_job_started(
        j,
        osp_cinder_accept_transfer(j->api, t->id, t->auth_key, step, osp_job_on_answer, j, &error),
        error);
}

static int transfer_accepted(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    struct resource *t = &j->res[j->n_res - 1];

    if (r < 0)
        return osp_job_fail_with(j, r, error);
    /* Accepted: the transfer is gone, the volume is the destination's. */
    t->live = false;
    secret_free(TAKE_PTR(t->auth_key));
    osp_job_volume(j, j->i)->scope = OSP_DEST;
    return osp_job_jump(j, TRANSFER_CREATE, j->i + 1);
}
static struct json_object *port_body(struct osp_job *j, const struct network_mapping *m,
                                     const char *network, const char *subnet)
{
    _cleanup_json_ struct json_object *port = json_object_new_object();
    _cleanup_free_ char *name = NULL;
    if (!port || asprintf(&name, "%s_port_%zu", j->p.server_name, j->i) < 0)
        return NULL;
    json_object_object_add(port, "name", json_object_new_string(name));
    json_object_object_add(port, "network_id", json_object_new_string(network));
    json_object_object_add(port, "mac_address", json_object_new_string(m->mac_address));
    json_object_object_add(port, "admin_state_up", json_object_new_boolean(true));
    if (subnet) {
        struct json_object *ips = json_object_new_array(), *ip = json_object_new_object();
        json_object_object_add(ip, "subnet_id", json_object_new_string(subnet));
        json_object_object_add(ip, "ip_address", json_object_new_string(m->ip_address));
        json_object_array_add(ips, ip);
        json_object_object_add(port, "fixed_ips", ips);
    }
    if (j->p.n_security_groups) {
        struct json_object *sgs = json_object_new_array();
        for (size_t i = 0; i < j->p.n_security_groups; i++)
            json_object_array_add(sgs, json_object_new_string(j->p.security_groups[i]));
        json_object_object_add(port, "security_groups", sgs);
    }
    return TAKE_PTR(port);
}

static char *port_step(struct osp_job *j)
{
    char *step = NULL;
    if (asprintf(&step, "creating port %zu/%zu", j->i + 1, j->p.n_mappings) < 0)
        return NULL;
    return step;
}

/* The mapping's destination: a network id first (GET networks/ID), a
 * name when there is no such id. */
static int port_network(struct osp_job *j)
{
    _cleanup_free_ char *step = NULL;
    char *error = NULL;

    if (j->i == j->p.n_mappings)
        return osp_job_jump(j, CREATE_SERVER, 0);
    if (!(step = port_step(j)))
        return osp_job_fail(j, -ENOMEM, NULL);
    osp_job_set_status(j, "%s", step);
    free(TAKE_PTR(j->network));
    free(TAKE_PTR(j->subnet));
    return osp_job_started(j,
                           osp_neutron_network(j->api, j->p.mappings[j->i].destination, step,
                                               osp_job_on_answer, j, &error),
                           error);
}

static int port_network_found(struct osp_job *j, int r, struct json_object *reply,
                              const char *error)
{
    if (r == -ENOENT)
        return osp_job_jump(j, PORT_NETWORK_NAMED, j->i);
    if (r < 0)
        return osp_job_fail_with(j, r, error);
    if (!(j->network = strdup(j->p.mappings[j->i].destination)))
        return osp_job_fail(j, -ENOMEM, NULL);
    return osp_job_jump(j, PORT_SUBNET, j->i);
}

static int port_network_named(struct osp_job *j)
{
    _cleanup_free_ char *step = port_step(j);
    char *error = NULL;

    if (!step)
        return osp_job_fail(j, -ENOMEM, NULL);
    return osp_job_started(j,
                           osp_neutron_networks_named(j->api, j->p.mappings[j->i].destination, step,
                                                      osp_job_on_answer, j, &error),
                           error);
}

static int port_network_named_found(struct osp_job *j, int r, struct json_object *reply,
                                    const char *error)
{
    _cleanup_free_ char *step = port_step(j);
    char *why = NULL;

    if (r < 0)
        return osp_job_fail_with(j, r, error);
    if (!step)
        return osp_job_fail(j, -ENOMEM, NULL);
    r = osp_neutron_read_network(reply, j->p.mappings[j->i].destination,
                                 osp_api_dest_project(j->api), step, &j->network, &why);
    return r < 0 ? osp_job_fail(j, r, why) : osp_job_jump(j, PORT_SUBNET, j->i);
}

/* The subnet of a fixed IP. */
static int port_subnet(struct osp_job *j)
{
    _cleanup_free_ char *step = port_step(j);
    char *error = NULL;

    if (!j->p.mappings[j->i].ip_address)
        return osp_job_jump(j, PORT_CREATE, j->i);
    if (!step)
        return osp_job_fail(j, -ENOMEM, NULL);
    return osp_job_started(
        j, osp_neutron_subnets(j->api, j->network, step, osp_job_on_answer, j, &error), error);
}

static int port_subnet_found(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    const char *ip = j->p.mappings[j->i].ip_address;

    if (r < 0)
        return osp_job_fail_with(j, r, error);
    if (osp_neutron_read_subnet_for(reply, ip, &j->subnet) < 0)
        return osp_job_fail(j, -ENOMEM, NULL);
    if (!j->subnet)
        log_info("%s is in no IPv4 subnet of network %s: the port gets no fixed IP", ip,
                 j->network);
    return osp_job_jump(j, PORT_CREATE, j->i);
}

static int port_create(struct osp_job *j)
{
    _cleanup_free_ char *step = port_step(j);
    char *error = NULL;

    json_object_put(j->port);
    j->port = port_body(j, &j->p.mappings[j->i], j->network, j->subnet);
    if (!step || !j->port)
        return osp_job_fail(j, -ENOMEM, NULL);
    return osp_job_started(
        j, osp_neutron_create_port(j->api, OSP_DEST, j->port, step, osp_job_on_answer, j, &error),
        error);
}

static int port_created_in(struct osp_job *j, enum osp_scope scope, struct json_object *reply)
{
    _cleanup_free_ char *step = port_step(j), *id = NULL;
    char *why = NULL;

    if (!step)
        return osp_job_fail(j, -ENOMEM, NULL);
    int r = osp_neutron_read_port(reply, step, &id, &why);
    if (r < 0)
        return osp_job_fail(j, r, why);
    if (!osp_job_record(j, PORT, id, scope))
        return osp_job_fail(j, -ENOMEM, NULL);
    return osp_job_jump(j, PORT_NETWORK, j->i + 1);
}

static int port_created(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    if (r == -EACCES) {
        /* A member may not set a MAC or a fixed IP on a network it does
         * not own: the source project's user (an admin) creates it. */
        log_info("%s; trying as the source project's user for project %s", error,
                 osp_api_dest_project(j->api));
        if (osp_neutron_port_for_project(j->port, osp_api_dest_project(j->api)) < 0)
            return osp_job_fail(j, -ENOMEM, NULL);
        return osp_job_jump(j, PORT_CREATE_AS_SOURCE, j->i);
    }
    if (r < 0)
        return osp_job_fail_with(j, r, error);
    return port_created_in(j, OSP_DEST, reply);
}

static int port_create_as_source(struct osp_job *j)
{
    _cleanup_free_ char *step = port_step(j);
    char *error = NULL;

    if (!step)
        return osp_job_fail(j, -ENOMEM, NULL);
    return osp_job_started(
        j, osp_neutron_create_port(j->api, OSP_SOURCE, j->port, step, osp_job_on_answer, j, &error),
        error);
}

static int port_created_as_source(struct osp_job *j, int r, struct json_object *reply,
                                  const char *error)
{
    if (r < 0)
        return osp_job_fail_with(j, r, error);
    return port_created_in(j, OSP_SOURCE, reply);
}
/* vdb, vdc, ... vdz, vdaa: the Python wrapper's names for disk 2, 3, ... */
static void disk_name(size_t index, char out[8])
{
    size_t one = (index - 1) / 26, two = (index - 1) % 26;
    if (one == 0)
        snprintf(out, 8, "vd%c", (char)('a' + two));
    else
        snprintf(out, 8, "vd%c%c", (char)('a' + one - 1), (char)('a' + two));
}

static struct json_object *server_body(struct osp_job *j)
{
    _cleanup_json_ struct json_object *s = json_object_new_object();
    struct json_object *bdm = json_object_new_array(), *nets = NULL;
    if (!s || !bdm) {
        json_object_put(bdm);
        return NULL;
    }
    json_object_object_add(s, "name", json_object_new_string(j->p.server_name));
    json_object_object_add(s, "flavorRef", json_object_new_string(j->p.flavor_id));
    json_object_object_add(s, "block_device_mapping_v2", bdm);
    for (size_t i = 0; i < j->n_volumes; i++) {
        struct json_object *d = json_object_new_object();
        char name[8];
        json_object_object_add(d, "uuid", json_object_new_string(osp_job_volume(j, i)->id));
        json_object_object_add(d, "source_type", json_object_new_string("volume"));
        json_object_object_add(d, "destination_type", json_object_new_string("volume"));
        json_object_object_add(d, "boot_index", json_object_new_int(i == 0 ? 0 : -1));
        json_object_object_add(d, "delete_on_termination", json_object_new_boolean(false));
        if (i > 0) {
            disk_name(i + 1, name);
            json_object_object_add(d, "device_name", json_object_new_string(name));
        }
        json_object_array_add(bdm, d);
    }
    for (size_t i = 0; i < j->n_res; i++) {
        if (j->res[i].kind != PORT)
            continue;
        struct json_object *n = json_object_new_object();
        json_object_object_add(n, "port", json_object_new_string(j->res[i].id));
        if (!nets)
            nets = json_object_new_array();
        json_object_array_add(nets, n);
    }
    /* Without ports: no network (microversion >= 2.37 wants it said). */
    json_object_object_add(s, "networks", nets ? nets : json_object_new_string("none"));
    if (j->p.n_security_groups) {
        struct json_object *sgs = json_object_new_array();
        for (size_t i = 0; i < j->p.n_security_groups; i++) {
            struct json_object *g = json_object_new_object();
            json_object_object_add(g, "name", json_object_new_string(j->p.security_groups[i]));
            json_object_array_add(sgs, g);
        }
        json_object_object_add(s, "security_groups", sgs);
    }
    return TAKE_PTR(s);
}

static int create_server(struct osp_job *j)
{
    _cleanup_json_ struct json_object *body = server_body(j);
    char *error = NULL;

    osp_job_set_status(j, "creating server");
    if (!body)
        return osp_job_fail(j, -ENOMEM, NULL);
    return osp_job_started(
        j, osp_nova_create_server(j->api, body, "creating server", osp_job_on_answer, j, &error),
        error);
}

static int server_created(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_free_ char *id = NULL;
    char *why = NULL;

    if (r < 0)
        return osp_job_fail_with(j, r, error);
    if ((r = osp_nova_read_server_id(reply, "creating server", &id, &why)) < 0)
        return osp_job_fail(j, r, why);
    if (!osp_job_record(j, SERVER, id, OSP_DEST))
        return osp_job_fail(j, -ENOMEM, NULL);
    j->deadline = osp_job_now_usec(j) + j->p.server_timeout_usec;
    osp_job_set_status(j, "waiting for server %s to become active", id);
    return NEXT_PHASE;
}
static const struct resource *the_server(const struct osp_job *j)
{
    for (size_t i = 0; i < j->n_res; i++)
        if (j->res[i].kind == SERVER)
            return &j->res[i];
    return NULL;
}

static int wait_active(struct osp_job *j)
{
    char *error = NULL;
    return osp_job_started(
        j,
        osp_nova_server(j->api, the_server(j)->id, "creating server", osp_job_on_answer, j, &error),
        error);
}

static int server_checked(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_free_ char *status = NULL, *fault = NULL;
    const struct resource *srv = the_server(j);

    if (r < 0)
        return osp_job_fail_with(j, r, error);
    if (osp_nova_read_status(reply, &status, &fault) < 0)
        return osp_job_fail(j, -ENOMEM, NULL);
    if (strcmp(status, "ACTIVE") == 0)
        return NEXT_PHASE;
    if (strcmp(status, "ERROR") == 0)
        return osp_job_failf(j, -EIO,
                             "Creating server failed: Nova put server %s in status ERROR%s%s",
                             srv->id, fault ? ": " : "", fault ? fault : "");
    if (osp_job_now_usec(j) >= j->deadline)
        return osp_job_failf(
            j, -ETIMEDOUT,
            "Creating server failed: server %s did not become active within %u seconds "
            "(status %s)",
            srv->id, osp_job_seconds(j->p.server_timeout_usec), status);
    return POLL;
}

static int succeeded(struct osp_job *j)
{
    const struct resource *srv = the_server(j);
    log_info("OpenStack server %s is active (%u REST calls)", srv->id, osp_api_calls(j->api));
    osp_job_set_status(j, "server %s is active", srv->id);
    struct osp_job_result res = { .vm_id = srv->id };
    j->hooks.done(j->hooks.userdata, &res);
    return POLL; /* never runs again: the caller frees us */
}

const struct phase_ops osp_finish_phases[N_PHASES] = {
    [AUTHENTICATE] = { authenticate, authenticated },
    [AUTHENTICATE_DEST] = { authenticate_dest, authenticated },
    [FIND_VOLUMES] = { find_volumes, found_volumes },
    [WAIT_AVAILABLE] = { wait_available, volume_checked },
    [SET_BOOTABLE] = { set_bootable, answered },
    [TRANSFER_CREATE] = { transfer_create, transfer_created },
    [TRANSFER_ACCEPT] = { transfer_accept, transfer_accepted },
    [PORT_NETWORK] = { port_network, port_network_found },
    [PORT_NETWORK_NAMED] = { port_network_named, port_network_named_found },
    [PORT_SUBNET] = { port_subnet, port_subnet_found },
    [PORT_CREATE] = { port_create, port_created },
    [PORT_CREATE_AS_SOURCE] = { port_create_as_source, port_created_as_source },
    [CREATE_SERVER] = { create_server, server_created },
    [WAIT_ACTIVE] = { wait_active, server_checked },
    [SUCCEEDED] = { succeeded, NULL },
};
