/* SPDX-License-Identifier: Apache-2.0 */
#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "outputs/openstack_job.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/log.h"
#include "common/settings.h"


enum kind { VOLUME, TRANSFER, PORT, SERVER };
static const char *const kind_names[] = { "volume", "transfer", "port", "server" };

struct resource {
    enum kind kind;
    char *id;
    enum osp_scope scope;          /* the project it lives in (a port: who created it) */
    int index;                     /* volume: virt_v2v_disk_index */
    char *volume_id;               /* transfer: its volume */
    char *auth_key;                /* transfer: secret, never in the state */
    bool live;                     /* exists (as far as we know) */
};

/* The phases, in order; a failure jumps to CLEAN_BEGIN. A phase starts
 * one REST call (its answer goes to the phase's reply function) or none. */
enum phase {
    AUTHENTICATE, AUTHENTICATE_DEST, FIND_VOLUMES, WAIT_AVAILABLE, SET_BOOTABLE, TRANSFER_CREATE,
    TRANSFER_ACCEPT, PORT_NETWORK, PORT_NETWORK_NAMED, PORT_SUBNET, PORT_CREATE, PORT_CREATE_AS_SOURCE,
    CREATE_SERVER, WAIT_ACTIVE, SUCCEEDED,
    CLEAN_BEGIN, CLEAN_UNCERTAIN, CLEAN_SERVER, CLEAN_SERVER_GONE, CLEAN_DETACH, CLEAN_DETACH_VOLUME,
    CLEAN_TRANSFERS, CLEAN_PORTS, CLEAN_VOLUMES, CLEAN_VOLUME_DELETE, CLEAN_END,
};

/* What a phase function says: go on with the next phase, run this one
 * again now or after the poll interval, go on with the phase it set, or
 * wait for the answer of the call it started. */
enum { NEXT_PHASE = 0, AGAIN_NOW = 1, POLL = 2, JUMPED = 3, WAIT = 4 };

struct osp_job {
    sd_event *event;
    sd_event_source *timer;
    struct osp_api *api;
    struct osp_job_params p;
    struct osp_job_hooks hooks;
    enum phase phase;
    size_t i;                      /* item within the phase */
    size_t cur;                    /* the resource a cleanup call is about (index into res) */
    bool in_flight;                /* a call was started; its answer is awaited */
    uint64_t deadline;             /* of the current wait */
    uint64_t cleanup_deadline;
    struct resource *res;
    size_t n_res;
    size_t *volumes;               /* in disk index order: indexes into res */
    size_t n_volumes;
    char *network, *subnet;        /* the port being created: its network and subnet */
    struct json_object *port;      /* the port being created: its request */
    bool failed;
    char *error;
    /* A create call that got no answer (timeout, 5xx, a cancel while it
     * ran) may still have created its resource: look for it by name once
     * the server had as long again as our deadline to finish the request. */
    enum phase uncertain;          /* 0 = none */
    size_t uncertain_item;
    uint64_t uncertain_after;
    size_t n_removed, n_left;
};

static uint64_t now_usec(struct osp_job *j)
{
    uint64_t t = 0;
    sd_event_now(j->event, CLOCK_MONOTONIC, &t);
    return t;
}

static unsigned seconds(uint64_t usec)
{
    return (unsigned)((usec + 999999) / 1000000);
}

static uint64_t knob_usec(long ms, long def_ms)
{
    return (uint64_t)(ms >= 0 ? ms : def_ms) * 1000;
}

void osp_job_params_timeouts(struct osp_job_params *p)
{
    const struct settings *s = settings();
    p->volume_timeout_usec = knob_usec(s->osp_volume_timeout_ms, OSP_VOLUME_TIMEOUT_SEC * 1000L);
    p->server_timeout_usec = knob_usec(s->osp_server_timeout_ms, OSP_SERVER_TIMEOUT_SEC * 1000L);
    p->cleanup_timeout_usec = knob_usec(s->osp_cleanup_timeout_ms, OSP_CLEANUP_TIMEOUT_SEC * 1000L);
    p->poll_usec = knob_usec(s->osp_poll_ms, OSP_POLL_MSEC);
}

/* ---- resources and their report ---- */

/* The volume of disk order i (0-based). */
static struct resource *volume(struct osp_job *j, size_t i)
{
    return &j->res[j->volumes[i]];
}

static void set_status(struct osp_job *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_status(struct osp_job *j, const char *fmt, ...)
{
    _cleanup_free_ char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    int r = vasprintf(&text, fmt, ap);
    va_end(ap);
    if (r < 0)
        return;
    log_info("OpenStack: %s", text);
    if (j->hooks.status)
        j->hooks.status(j->hooks.userdata, text);
}

/* Record a resource the moment it exists: the state shows it at once. */
static struct resource *record(struct osp_job *j, enum kind kind, const char *id, enum osp_scope scope)
{
    struct resource *res = realloc(j->res, (j->n_res + 1) * sizeof *res);
    if (!res)
        return NULL;
    j->res = res;
    struct resource *r = &res[j->n_res];
    *r = (struct resource){ .kind = kind, .id = strdup(id), .scope = scope, .live = true };
    if (!r->id)
        return NULL;
    j->n_res++;
    if (j->hooks.created)
        j->hooks.created(j->hooks.userdata, kind_names[kind], id);
    return r;
}

static struct resource *find(struct osp_job *j, enum kind kind, const char *id)
{
    for (size_t i = 0; i < j->n_res; i++)
        if (j->res[i].kind == kind && strcmp(j->res[i].id, id) == 0)
            return &j->res[i];
    return NULL;
}


/* ---- failure ---- */

static bool creating(enum phase p)
{
    return p == TRANSFER_CREATE || p == PORT_CREATE || p == PORT_CREATE_AS_SOURCE || p == CREATE_SERVER;
}

static int fail(struct osp_job *j, int r, char *error)
{
    bool unanswered = r == -ETIMEDOUT || r == -EIO || r == -ECONNRESET || (r == -ECANCELED && j->in_flight);
    if (creating(j->phase) && unanswered) {
        j->uncertain = j->phase;
        j->uncertain_item = j->i;
        j->uncertain_after = now_usec(j) + (uint64_t)osp_api_timeout_ms(j->api) * 1000;
    }
    free(j->error);
    j->error = error ? error : strdup(strerror(r < 0 ? -r : EIO));
    return r < 0 ? r : -EIO;
}

/* A call's answer was an error: its sentence (borrowed) fails the step. */
static int fail_with(struct osp_job *j, int r, const char *error)
{
    return fail(j, r, error ? strdup(error) : NULL);
}

static int failf(struct osp_job *j, int r, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int failf(struct osp_job *j, int r, const char *fmt, ...)
{
    char *text = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&text, fmt, ap) < 0)
        text = NULL;
    va_end(ap);
    return fail(j, r, text);
}

static int jump(struct osp_job *j, enum phase p, size_t i)
{
    j->phase = p;
    j->i = i;
    return JUMPED;
}

/* After starting a call: wait for its answer, or fail now. */
static int started(struct osp_job *j, int r, char *error)
{
    if (r < 0)
        return fail(j, r, error);
    j->in_flight = true;
    return WAIT;
}

static void on_answer(void *userdata, int r, struct json_object *reply, const char *error);

/* ---- the steps after a successful engine ---- */

static int authenticate(struct osp_job *j)
{
    char *error = NULL;
    set_status(j, "authenticating with OpenStack");
    return started(j, osp_api_authenticate(j->api, OSP_SOURCE, on_answer, j, &error), error);
}

static int authenticated(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    return r < 0 ? fail_with(j, r, error) : NEXT_PHASE;
}

static int authenticate_dest(struct osp_job *j)
{
    char *error = NULL;
    return started(j, osp_api_authenticate(j->api, OSP_DEST, on_answer, j, &error), error);
}

/* "2/3" or "2" -> 2; -1 if absent or not a number. */
static int disk_index(struct json_object *volume)
{
    struct json_object *md;
    const char *v = json_object_object_get_ex(volume, "metadata", &md) ? http_json_str(md, "virt_v2v_disk_index") : NULL;
    char *end;
    long n = v ? strtol(v, &end, 10) : -1;
    if (!v || end == v || (*end && *end != '/') || n < 0 || n > 100000)
        return -1;
    return (int)n;
}

static const struct resource *sort_base;

static int by_index(const void *a, const void *b)
{
    const struct resource *x = &sort_base[*(const size_t *)a], *y = &sort_base[*(const size_t *)b];
    return (x->index > y->index) - (x->index < y->index);
}


static int find_volumes(struct osp_job *j)
{
    char *error = NULL;
    set_status(j, "finding the volumes");
    return started(j, osp_cinder_find_volumes(j->api, j->p.guest_id, "finding the volumes", on_answer, j, &error),
                   error);
}

static int found_volumes(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_json_ struct json_object *list = NULL;
    char *why = NULL;

    if (r < 0)
        return fail_with(j, r, error);
    if ((r = osp_cinder_read_volumes(reply, "finding the volumes", &list, &why)) < 0)
        return fail(j, r, why);
    size_t n = json_object_array_length(list);
    if (n == 0)
        return failf(j, -ENOENT, "No volumes found with virt_v2v_guest_id %s", j->p.guest_id);
    if (!(j->volumes = calloc(n, sizeof *j->volumes)))
        return fail(j, -ENOMEM, NULL);
    for (size_t i = 0; i < n; i++) {
        struct json_object *v = json_object_array_get_idx(list, i);
        const char *id = http_json_str(v, "id");
        if (!id)
            continue;
        int index = disk_index(v);
        struct resource *res = record(j, VOLUME, id, OSP_SOURCE);
        if (!res)
            return fail(j, -ENOMEM, NULL);
        res->index = index;
        j->volumes[j->n_volumes++] = j->n_res - 1;
        if (index < 0)
            return failf(j, -EINVAL, "Volume %s has no valid virt_v2v_disk_index property", id);
    }
    sort_base = j->res;
    qsort(j->volumes, j->n_volumes, sizeof *j->volumes, by_index);
    for (size_t i = 1; i < j->n_volumes; i++)
        if (volume(j, i)->index == volume(j, i - 1)->index)
            return failf(j, -EINVAL, "Detected duplicate indices of Cinder volumes: %s and %s both have "
                         "virt_v2v_disk_index %d", volume(j, i - 1)->id, volume(j, i)->id, volume(j, i)->index);
    log_info("Found %zu volume(s) of guest %s", j->n_volumes, j->p.guest_id);
    return NEXT_PHASE;
}

static char *waiting_step(struct osp_job *j)
{
    char *step = NULL;
    if (asprintf(&step, "waiting for volume %zu/%zu to become available", j->i + 1, j->n_volumes) < 0)
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
        return fail(j, -ENOMEM, NULL);
    if (j->deadline == 0) {
        set_status(j, "%s", step);
        j->deadline = now_usec(j) + j->p.volume_timeout_usec;
    }
    return started(j, osp_cinder_volume_status(j->api, OSP_SOURCE, volume(j, j->i)->id, step, on_answer, j,
                                               &error), error);
}

static int volume_checked(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_free_ char *status = NULL;

    if (r < 0)
        return fail_with(j, r, error);
    if (osp_cinder_read_status(reply, &status) < 0)
        return fail(j, -ENOMEM, NULL);
    if (strcmp(status, "available") == 0) {
        j->i++;
        j->deadline = 0;
        return AGAIN_NOW;
    }
    if (strncmp(status, "error", 5) == 0)
        return failf(j, -EIO, "Volume %s is in status %s", volume(j, j->i)->id, status);
    if (now_usec(j) >= j->deadline)
        return failf(j, -ETIMEDOUT, "Volume did not get ready (available) for transfer within %u seconds",
                     seconds(j->p.volume_timeout_usec));
    return POLL;
}

static int set_bootable(struct osp_job *j)
{
    char *error = NULL;
    set_status(j, "marking volume 1/%zu bootable", j->n_volumes);
    return started(j, osp_cinder_set_bootable(j->api, volume(j, 0)->id, "marking the first volume bootable",
                                              on_answer, j, &error), error);
}

/* The answer of a call whose reply says nothing more. */
static int answered(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    return r < 0 ? fail_with(j, r, error) : NEXT_PHASE;
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
        return jump(j, PORT_NETWORK, 0);
    if (!(step = transfer_step(j)) || asprintf(&name, "virt-v2v-%s", j->p.guest_id) < 0)
        return fail(j, -ENOMEM, NULL);
    set_status(j, "%s", step);
    return started(j, osp_cinder_create_transfer(j->api, volume(j, j->i)->id, name, step, on_answer, j, &error),
                   error);
}

static int transfer_created(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_free_ char *step = transfer_step(j), *id = NULL;
    _cleanup_erase_ char *key = NULL;
    char *why = NULL;

    if (r < 0)
        return fail_with(j, r, error);
    if (!step)
        return fail(j, -ENOMEM, NULL);
    if ((r = osp_cinder_read_transfer(reply, step, &id, &key, &why)) < 0)
        return fail(j, r, why);
    /* record() may move the resources: no pointer into them across it. */
    _cleanup_free_ char *volume_id = strdup(volume(j, j->i)->id);
    struct resource *t = volume_id ? record(j, TRANSFER, id, OSP_SOURCE) : NULL;
    if (!t || !(t->volume_id = TAKE_PTR(volume_id)))
        return fail(j, -ENOMEM, NULL);
    t->auth_key = TAKE_PTR(key);
    return jump(j, TRANSFER_ACCEPT, j->i);       /* the same volume's accept */
}

static int transfer_accept(struct osp_job *j)
{
    _cleanup_free_ char *step = transfer_step(j);
    struct resource *t = &j->res[j->n_res - 1];
    char *error = NULL;

    assert(t->kind == TRANSFER && t->live);
    if (!step)
        return fail(j, -ENOMEM, NULL);
    return started(j, osp_cinder_accept_transfer(j->api, t->id, t->auth_key, step, on_answer, j, &error), error);
}

static int transfer_accepted(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    struct resource *t = &j->res[j->n_res - 1];

    if (r < 0)
        return fail_with(j, r, error);
    /* Accepted: the transfer is gone, the volume is the destination's. */
    t->live = false;
    secret_free(TAKE_PTR(t->auth_key));
    volume(j, j->i)->scope = OSP_DEST;
    return jump(j, TRANSFER_CREATE, j->i + 1);
}
static struct json_object *port_body(struct osp_job *j, const struct network_mapping *m, const char *network,
                                     const char *subnet)
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
        return jump(j, CREATE_SERVER, 0);
    if (!(step = port_step(j)))
        return fail(j, -ENOMEM, NULL);
    set_status(j, "%s", step);
    free(TAKE_PTR(j->network));
    free(TAKE_PTR(j->subnet));
    return started(j, osp_neutron_network(j->api, j->p.mappings[j->i].destination, step, on_answer, j, &error),
                   error);
}

static int port_network_found(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    if (r == -ENOENT)
        return jump(j, PORT_NETWORK_NAMED, j->i);
    if (r < 0)
        return fail_with(j, r, error);
    if (!(j->network = strdup(j->p.mappings[j->i].destination)))
        return fail(j, -ENOMEM, NULL);
    return jump(j, PORT_SUBNET, j->i);
}

static int port_network_named(struct osp_job *j)
{
    _cleanup_free_ char *step = port_step(j);
    char *error = NULL;

    if (!step)
        return fail(j, -ENOMEM, NULL);
    return started(j, osp_neutron_networks_named(j->api, j->p.mappings[j->i].destination, step, on_answer, j,
                                                 &error), error);
}

static int port_network_named_found(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_free_ char *step = port_step(j);
    char *why = NULL;

    if (r < 0)
        return fail_with(j, r, error);
    if (!step)
        return fail(j, -ENOMEM, NULL);
    r = osp_neutron_read_network(reply, j->p.mappings[j->i].destination, osp_api_dest_project(j->api), step,
                                 &j->network, &why);
    return r < 0 ? fail(j, r, why) : jump(j, PORT_SUBNET, j->i);
}

/* The subnet of a fixed IP. */
static int port_subnet(struct osp_job *j)
{
    _cleanup_free_ char *step = port_step(j);
    char *error = NULL;

    if (!j->p.mappings[j->i].ip_address)
        return jump(j, PORT_CREATE, j->i);
    if (!step)
        return fail(j, -ENOMEM, NULL);
    return started(j, osp_neutron_subnets(j->api, j->network, step, on_answer, j, &error), error);
}

static int port_subnet_found(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    const char *ip = j->p.mappings[j->i].ip_address;

    if (r < 0)
        return fail_with(j, r, error);
    if (osp_neutron_read_subnet_for(reply, ip, &j->subnet) < 0)
        return fail(j, -ENOMEM, NULL);
    if (!j->subnet)
        log_info("%s is in no IPv4 subnet of network %s: the port gets no fixed IP", ip, j->network);
    return jump(j, PORT_CREATE, j->i);
}

static int port_create(struct osp_job *j)
{
    _cleanup_free_ char *step = port_step(j);
    char *error = NULL;

    json_object_put(j->port);
    j->port = port_body(j, &j->p.mappings[j->i], j->network, j->subnet);
    if (!step || !j->port)
        return fail(j, -ENOMEM, NULL);
    return started(j, osp_neutron_create_port(j->api, OSP_DEST, j->port, step, on_answer, j, &error), error);
}

static int port_created_in(struct osp_job *j, enum osp_scope scope, struct json_object *reply)
{
    _cleanup_free_ char *step = port_step(j), *id = NULL;
    char *why = NULL;

    if (!step)
        return fail(j, -ENOMEM, NULL);
    int r = osp_neutron_read_port(reply, step, &id, &why);
    if (r < 0)
        return fail(j, r, why);
    if (!record(j, PORT, id, scope))
        return fail(j, -ENOMEM, NULL);
    return jump(j, PORT_NETWORK, j->i + 1);
}

static int port_created(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    if (r == -EACCES) {
        /* A member may not set a MAC or a fixed IP on a network it does
         * not own: the source project's user (an admin) creates it. */
        log_info("%s; trying as the source project's user for project %s", error, osp_api_dest_project(j->api));
        if (osp_neutron_port_for_project(j->port, osp_api_dest_project(j->api)) < 0)
            return fail(j, -ENOMEM, NULL);
        return jump(j, PORT_CREATE_AS_SOURCE, j->i);
    }
    if (r < 0)
        return fail_with(j, r, error);
    return port_created_in(j, OSP_DEST, reply);
}

static int port_create_as_source(struct osp_job *j)
{
    _cleanup_free_ char *step = port_step(j);
    char *error = NULL;

    if (!step)
        return fail(j, -ENOMEM, NULL);
    return started(j, osp_neutron_create_port(j->api, OSP_SOURCE, j->port, step, on_answer, j, &error), error);
}

static int port_created_as_source(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    if (r < 0)
        return fail_with(j, r, error);
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
        json_object_object_add(d, "uuid", json_object_new_string(volume(j, i)->id));
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

    set_status(j, "creating server");
    if (!body)
        return fail(j, -ENOMEM, NULL);
    return started(j, osp_nova_create_server(j->api, body, "creating server", on_answer, j, &error), error);
}

static int server_created(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_free_ char *id = NULL;
    char *why = NULL;

    if (r < 0)
        return fail_with(j, r, error);
    if ((r = osp_nova_read_server_id(reply, "creating server", &id, &why)) < 0)
        return fail(j, r, why);
    if (!record(j, SERVER, id, OSP_DEST))
        return fail(j, -ENOMEM, NULL);
    j->deadline = now_usec(j) + j->p.server_timeout_usec;
    set_status(j, "waiting for server %s to become active", id);
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
    return started(j, osp_nova_server(j->api, the_server(j)->id, "creating server", on_answer, j, &error), error);
}

static int server_checked(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_free_ char *status = NULL, *fault = NULL;
    const struct resource *srv = the_server(j);

    if (r < 0)
        return fail_with(j, r, error);
    if (osp_nova_read_status(reply, &status, &fault) < 0)
        return fail(j, -ENOMEM, NULL);
    if (strcmp(status, "ACTIVE") == 0)
        return NEXT_PHASE;
    if (strcmp(status, "ERROR") == 0)
        return failf(j, -EIO, "Creating server failed: Nova put server %s in status ERROR%s%s", srv->id,
                     fault ? ": " : "", fault ? fault : "");
    if (now_usec(j) >= j->deadline)
        return failf(j, -ETIMEDOUT, "Creating server failed: server %s did not become active within %u seconds "
                     "(status %s)", srv->id, seconds(j->p.server_timeout_usec), status);
    return POLL;
}

static int succeeded(struct osp_job *j)
{
    const struct resource *srv = the_server(j);
    log_info("OpenStack server %s is active (%u REST calls)", srv->id, osp_api_calls(j->api));
    set_status(j, "server %s is active", srv->id);
    struct osp_job_result res = { .vm_id = srv->id };
    j->hooks.done(j->hooks.userdata, &res);
    return POLL;                 /* never runs again: the caller frees us */
}
/* ---- cleanup ---- */

static void note(struct osp_job *j, struct resource *r, const char *reason)
{
    if (reason)
        j->n_left++;
    else
        j->n_removed++;
    r->live = false;
    if (j->hooks.cleaned)
        j->hooks.cleaned(j->hooks.userdata, kind_names[r->kind], r->id, reason);
}

static bool cleanup_overdue(struct osp_job *j)
{
    return now_usec(j) >= j->cleanup_deadline;
}

/* The volumes the engine's log named count as ours too (a crashed engine
 * did not get to set the guest id property); those gone already are
 * noted as removed by the volume step. */
static void engine_volumes(struct osp_job *j)
{
    for (size_t i = 0; i < j->p.n_engine_volumes; i++)
        if (!find(j, VOLUME, j->p.engine_volumes[i]) && !record(j, VOLUME, j->p.engine_volumes[i], OSP_SOURCE))
            log_error("Out of memory recording volume %s", j->p.engine_volumes[i]);
}

static struct resource *nth_live(struct osp_job *j, enum kind kind, size_t from, size_t *at)
{
    for (size_t i = from; i < j->n_res; i++)
        if (j->res[i].kind == kind && j->res[i].live) {
            *at = i;
            return &j->res[i];
        }
    return NULL;
}


static int answer_now(struct osp_job *j, int r, const char *error);

/* A cleanup call started, or its failure to start taken as its answer
 * (the cleanup goes on whatever happens). */
static int clean_started(struct osp_job *j, int r, char *error)
{
    if (r >= 0) {
        j->in_flight = true;
        return WAIT;
    }
    r = answer_now(j, r, error ? error : strerror(-r));
    free(error);
    return r;
}

static int clean_begin(struct osp_job *j)
{
    char *error = NULL;

    j->cleanup_deadline = now_usec(j) + j->p.cleanup_timeout_usec;
    set_status(j, "cleaning up");
    /* Volumes the engine left behind with our guest id count as ours. */
    return clean_started(j, osp_cinder_find_volumes(j->api, j->p.guest_id, "cleaning up", on_answer, j, &error),
                         error);
}

static int clean_begun(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_json_ struct json_object *list = NULL;
    _cleanup_free_ char *why = NULL;

    if (r < 0 || osp_cinder_read_volumes(reply, "cleaning up", &list, &why) < 0) {
        log_error("Cannot look for volumes left with guest id %s: %s", j->p.guest_id, r < 0 ? error : why);
        engine_volumes(j);
        return NEXT_PHASE;
    }
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        const char *id = http_json_str(json_object_array_get_idx(list, i), "id");
        if (id && !find(j, VOLUME, id)) {
            struct resource *res = record(j, VOLUME, id, OSP_SOURCE);
            if (res)
                res->index = disk_index(json_object_array_get_idx(list, i));
        }
    }
    engine_volumes(j);
    return NEXT_PHASE;
}

static enum kind uncertain_kind(const struct osp_job *j)
{
    return j->uncertain == TRANSFER_CREATE ? TRANSFER : j->uncertain == CREATE_SERVER ? SERVER : PORT;
}

static int clean_uncertain(struct osp_job *j)
{
    _cleanup_free_ char *name = NULL;
    char *error = NULL;
    int r;

    if (!j->uncertain)
        return NEXT_PHASE;
    if (now_usec(j) < j->uncertain_after && !cleanup_overdue(j)) {
        set_status(j, "cleaning up: waiting to see whether an unanswered request created something");
        return POLL;
    }
    switch (uncertain_kind(j)) {
    case TRANSFER:
        r = osp_cinder_transfers(j->api, "cleaning up", on_answer, j, &error);
        break;
    case PORT:
        if (asprintf(&name, "%s_port_%zu", j->p.server_name, j->uncertain_item) < 0)
            return NEXT_PHASE;
        r = osp_neutron_ports_named(j->api, name, "cleaning up", on_answer, j, &error);
        break;
    default:
        r = osp_nova_servers_named(j->api, j->p.server_name, "cleaning up", on_answer, j, &error);
        break;
    }
    return clean_started(j, r, error);
}

static int uncertain_found(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_(strv_free) struct strv ids = { 0 };
    _cleanup_free_ char *name = NULL;
    enum kind kind = uncertain_kind(j);

    if (r < 0) {
        log_error("Cannot look for a %s an unanswered request may have created: %s", kind_names[kind], error);
        return NEXT_PHASE;
    }
    if (kind == TRANSFER)
        r = osp_cinder_read_transfers_of(reply, volume(j, j->uncertain_item)->id, &ids);
    else if (kind == PORT)
        r = asprintf(&name, "%s_port_%zu", j->p.server_name, j->uncertain_item) < 0
            ? -ENOMEM : osp_neutron_read_ports_named(reply, name, &ids);
    else
        r = osp_nova_read_servers_named(reply, j->p.server_name, &ids);
    if (r < 0)
        log_error("Out of memory reading what an unanswered request created");
    for (size_t i = 0; i < ids.n; i++)
        if (!find(j, kind, ids.v[i])) {
            log_info("An unanswered request created %s %s after all", kind_names[kind], ids.v[i]);
            struct resource *res = record(j, kind, ids.v[i], kind == TRANSFER ? OSP_SOURCE : OSP_DEST);
            if (res && kind == TRANSFER)
                res->volume_id = strdup(volume(j, j->uncertain_item)->id);
        }
    return NEXT_PHASE;
}

static int clean_server(struct osp_job *j)
{
    struct resource *srv = nth_live(j, SERVER, 0, &j->cur);
    char *error = NULL;

    if (!srv)
        return jump(j, CLEAN_DETACH, 0);
    set_status(j, "cleaning up: deleting server %s", srv->id);
    return clean_started(j, osp_nova_delete_server(j->api, srv->id, "deleting server", on_answer, j, &error),
                         error);
}

static int server_deleted(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    struct resource *srv = &j->res[j->cur];

    if (r == -ENOENT)
        note(j, srv, NULL);
    else if (r < 0)
        note(j, srv, error);
    return NEXT_PHASE;
}

static int clean_server_gone(struct osp_job *j)
{
    struct resource *srv = nth_live(j, SERVER, 0, &j->cur);
    char *error = NULL;

    if (!srv)
        return NEXT_PHASE;
    return clean_started(j, osp_nova_server(j->api, srv->id, "deleting server", on_answer, j, &error), error);
}

static int server_gone_checked(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_free_ char *status = NULL, *fault = NULL, *why = NULL;
    struct resource *srv = &j->res[j->cur];

    if (r >= 0 && osp_nova_read_status(reply, &status, &fault) < 0)
        r = -ENOMEM;
    if (r == -ENOENT || (r >= 0 && strcmp(status, "DELETED") == 0)) {
        note(j, srv, NULL);
        return NEXT_PHASE;
    }
    if (!cleanup_overdue(j))
        return POLL;
    if (asprintf(&why, "still %s when the cleanup deadline (%u s) passed", r >= 0 ? status : "there",
                 seconds(j->p.cleanup_timeout_usec)) >= 0)
        note(j, srv, r < 0 && error ? error : why);
    return NEXT_PHASE;
}

/* Volumes still attached to the conversion appliance (engine failures). */
static int clean_detach(struct osp_job *j)
{
    struct resource *v = nth_live(j, VOLUME, j->i, &j->cur);
    char *error = NULL;

    if (!v)
        return jump(j, CLEAN_TRANSFERS, 0);
    j->i = j->cur + 1;
    if (v->scope != OSP_SOURCE || cleanup_overdue(j))
        return AGAIN_NOW;
    return clean_started(j, osp_cinder_volume_status(j->api, OSP_SOURCE, v->id, "cleaning up", on_answer, j,
                                                     &error), error);
}

static int detach_checked(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_free_ char *status = NULL;

    if (r >= 0 && osp_cinder_read_status(reply, &status) >= 0 && strcmp(status, "in-use") == 0)
        return jump(j, CLEAN_DETACH_VOLUME, j->i);
    return AGAIN_NOW;
}

static int clean_detach_volume(struct osp_job *j)
{
    const struct resource *v = &j->res[j->cur];
    char *error = NULL;

    set_status(j, "cleaning up: detaching volume %s", v->id);
    return clean_started(j, osp_nova_detach_volume(j->api, j->p.appliance_id, v->id, "detaching volume",
                                                   on_answer, j, &error), error);
}

static int volume_detached(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    if (r < 0 && r != -ENOENT)
        log_error("%s", error);
    return jump(j, CLEAN_DETACH, j->i);
}

static int clean_simple(struct osp_job *j, enum kind kind)
{
    struct resource *res = nth_live(j, kind, 0, &j->cur);
    char *error = NULL;
    int r;

    if (!res)
        return NEXT_PHASE;
    if (cleanup_overdue(j)) {
        note(j, res, "not tried: the cleanup deadline passed");
        return AGAIN_NOW;
    }
    set_status(j, "cleaning up: deleting %s %s", kind_names[kind], res->id);
    if (kind == TRANSFER)
        r = osp_cinder_delete_transfer(j->api, res->id, "deleting transfer", on_answer, j, &error);
    else
        r = osp_neutron_delete_port(j->api, res->scope, res->id, "deleting port", on_answer, j, &error);
    return clean_started(j, r, error);
}

static int simple_deleted(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    note(j, &j->res[j->cur], r >= 0 || r == -ENOENT ? NULL : error);
    return AGAIN_NOW;
}

static int clean_transfers(struct osp_job *j)
{
    return clean_simple(j, TRANSFER);
}

static int clean_ports(struct osp_job *j)
{
    return clean_simple(j, PORT);
}
static bool deletable(const char *status)
{
    static const char *const ok[] = { "available", "error", "error_restoring", "error_extending",
                                      "error_managing", NULL };
    for (size_t i = 0; ok[i]; i++)
        if (strcmp(status, ok[i]) == 0)
            return true;
    return false;
}


static int clean_volumes(struct osp_job *j)
{
    struct resource *v = nth_live(j, VOLUME, 0, &j->cur);
    char *error = NULL;

    if (!v)
        return jump(j, CLEAN_END, 0);
    set_status(j, "cleaning up: deleting volume %s", v->id);
    return clean_started(j, osp_cinder_volume_status(j->api, v->scope, v->id, "deleting volume", on_answer, j,
                                                     &error), error);
}

static int volume_to_delete_checked(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    _cleanup_free_ char *status = NULL, *why = NULL;
    struct resource *v = &j->res[j->cur];

    if (r >= 0 && osp_cinder_read_status(reply, &status) < 0)
        r = -ENOMEM;
    if (r == -ENOENT) {
        note(j, v, NULL);
        return AGAIN_NOW;
    }
    if (r < 0) {
        note(j, v, error ? error : strerror(-r));
        return AGAIN_NOW;
    }
    if (deletable(status))
        return jump(j, CLEAN_VOLUME_DELETE, 0);
    if (!cleanup_overdue(j))
        return POLL;
    if (asprintf(&why, "still %s when the cleanup deadline (%u s) passed", status,
                 seconds(j->p.cleanup_timeout_usec)) >= 0)
        note(j, v, why);
    return AGAIN_NOW;
}

static int clean_volume_delete(struct osp_job *j)
{
    const struct resource *v = &j->res[j->cur];
    char *error = NULL;

    return clean_started(j, osp_cinder_delete_volume(j->api, v->scope, v->id, "deleting volume", on_answer, j,
                                                     &error), error);
}

static int volume_deleted(struct osp_job *j, int r, struct json_object *reply, const char *error)
{
    note(j, &j->res[j->cur], r >= 0 || r == -ENOENT ? NULL : error);
    return jump(j, CLEAN_VOLUMES, 0);
}

static int clean_end(struct osp_job *j)
{
    log_info("OpenStack cleanup done: %zu removed, %zu left (%u REST calls)", j->n_removed, j->n_left,
             osp_api_calls(j->api));
    set_status(j, j->n_left ? "cleanup incomplete" : "cleaned up");
    struct osp_job_result res = { .failed = true, .error = j->error, .removed = j->n_removed,
                                  .left = j->n_left };
    j->hooks.done(j->hooks.userdata, &res);
    return POLL;
}

/* ---- the machine ---- */

struct phase_ops {
    int (*start)(struct osp_job *j);
    /* The answer to the call `start` made (NULL: it makes none). */
    int (*reply)(struct osp_job *j, int r, struct json_object *reply, const char *error);
};

static const struct phase_ops phases[] = {
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
    [CLEAN_BEGIN] = { clean_begin, clean_begun },
    [CLEAN_UNCERTAIN] = { clean_uncertain, uncertain_found },
    [CLEAN_SERVER] = { clean_server, server_deleted },
    [CLEAN_SERVER_GONE] = { clean_server_gone, server_gone_checked },
    [CLEAN_DETACH] = { clean_detach, detach_checked },
    [CLEAN_DETACH_VOLUME] = { clean_detach_volume, volume_detached },
    [CLEAN_TRANSFERS] = { clean_transfers, simple_deleted },
    [CLEAN_PORTS] = { clean_ports, simple_deleted },
    [CLEAN_VOLUMES] = { clean_volumes, volume_to_delete_checked },
    [CLEAN_VOLUME_DELETE] = { clean_volume_delete, volume_deleted },
    [CLEAN_END] = { clean_end, NULL },
};

static void schedule(struct osp_job *j, uint64_t usec)
{
    sd_event_source_set_time_relative(j->timer, usec);
    sd_event_source_set_enabled(j->timer, SD_EVENT_ONESHOT);
}

static void enter_cleanup(struct osp_job *j)
{
    j->failed = true;
    j->phase = CLEAN_BEGIN;
    j->i = 0;
    j->deadline = 0;
}

/* What phase `was` said: the next step now, later, or on an answer. */
static void advance(struct osp_job *j, enum phase was, int r)
{
    if (r == WAIT)
        return;
    if (r < 0) {
        assert(was < SUCCEEDED);
        log_error("%s", j->error ? j->error : strerror(-r));
        enter_cleanup(j);
        r = AGAIN_NOW;
    } else if (r == NEXT_PHASE) {
        j->phase = was + 1;
        j->i = 0;
        if (was != CREATE_SERVER)
            j->deadline = 0;
    }
    assert(r == NEXT_PHASE || r == AGAIN_NOW || r == POLL || r == JUMPED);
    schedule(j, r == POLL ? j->p.poll_usec : 0);
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
    struct osp_job *j = userdata;
    enum phase was = j->phase;
    int r = phases[was].start(j);

    if (was == SUCCEEDED || was == CLEAN_END)
        return 0;                                  /* done was called: j may be gone */
    advance(j, was, r);
    return 0;
}

static int answer_now(struct osp_job *j, int r, const char *error)
{
    assert(phases[j->phase].reply);
    return phases[j->phase].reply(j, r, NULL, error);
}

/* The answer to the call of the phase in flight. */
static void on_answer(void *userdata, int r, struct json_object *reply, const char *error)
{
    struct osp_job *j = userdata;
    enum phase was = j->phase;

    assert(j->in_flight && phases[was].reply);
    j->in_flight = false;
    advance(j, was, phases[was].reply(j, r, reply, error));
}

int osp_job_start(sd_event *event, struct osp_api *api, const struct osp_job_params *p,
                  const struct osp_job_hooks *hooks, struct osp_job **out)
{
    struct osp_job *j = calloc(1, sizeof *j);
    if (!j) {
        osp_api_free(api);
        return -ENOMEM;
    }
    j->event = sd_event_ref(event);
    j->api = api;
    j->p = *p;
    j->hooks = *hooks;
    j->phase = p->engine_failed ? CLEAN_BEGIN : AUTHENTICATE;
    j->failed = p->engine_failed;
    /* Accuracy 1 ms: each step starts from this timer (sd-event's default
     * 250 ms would add up over the job's steps). */
    int r = sd_event_add_time_relative(event, &j->timer, CLOCK_MONOTONIC, 0, 1000, on_tick, j);
    if (r < 0) {
        osp_job_free(j);
        return r;
    }
    sd_event_source_set_enabled(j->timer, SD_EVENT_ONESHOT);
    *out = j;
    return 0;
}

/* At once, even while a call is in flight: that one is abandoned (a create
 * it may have done is looked for by the cleanup). */
void osp_job_cancel(struct osp_job *j, const char *why)
{
    if (!j || j->phase >= SUCCEEDED)
        return;
    log_info("OpenStack: %s: cleaning up", why);
    fail(j, -ECANCELED, strdup(why));
    if (j->in_flight)
        osp_api_cancel(j->api);
    j->in_flight = false;
    enter_cleanup(j);
    schedule(j, 0);
}

void osp_job_free(struct osp_job *j)
{
    if (!j)
        return;
    sd_event_source_disable_unref(j->timer);
    sd_event_unref(j->event);
    for (size_t i = 0; i < j->n_res; i++) {
        free(j->res[i].id);
        free(j->res[i].volume_id);
        secret_free(TAKE_PTR(j->res[i].auth_key));
    }
    free(j->res);
    free(j->volumes);
    free(j->error);
    free(j->network);
    free(j->subnet);
    json_object_put(j->port);
    osp_api_free(j->api);            /* abandons a call in flight: no answer after this */
    free(j);
}
