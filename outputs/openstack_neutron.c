/* SPDX-License-Identifier: Apache-2.0 */
/* Neutron v2.0: the mapping's network (by id or name), its IPv4 subnets,
 * ports. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "outputs/openstack_api-internal.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/log.h"

int osp_neutron_find_network(struct osp_api *a, const char *name_or_id, const char *step,
                             char **network_id, char **error)
{
    _cleanup_free_ char *path = osp_path(a, "networks", name_or_id, NULL), *query = NULL;
    _cleanup_json_ struct json_object *reply = NULL;
    _cleanup_free_ char *ignored = NULL;
    struct json_object *list;

    *network_id = NULL;
    if (!path)
        return -ENOMEM;
    int r = osp_api_call(a, OSP_DEST, OSP_NETWORK, HTTP_GET, path, NULL, step, NULL, &ignored);
    if (r >= 0)
        return (*network_id = strdup(name_or_id)) ? 0 : -ENOMEM;
    if (r != -ENOENT)
        return error_set(error, r, "%s", ignored ? ignored : "out of memory");
    char *escaped = http_escape(a->http, name_or_id, 0);
    if (!escaped)
        return -ENOMEM;
    r = asprintf(&query, "networks?name=%s", escaped);
    free(escaped);
    if (r < 0)
        return -ENOMEM;
    if ((r = osp_api_call(a, OSP_DEST, OSP_NETWORK, HTTP_GET, query, NULL, step, &reply, error)) < 0)
        return r;
    size_t n = json_object_object_get_ex(reply, "networks", &list) ? json_object_array_length(list) : 0;
    if (n != 1)
        return error_set(error, n ? -EINVAL : -ENOENT, "%c%s failed: %s network named \"%s\" in project %s",
                         step[0] - 32, step + 1, n ? "more than one" : "no", name_or_id, a->s.dest_project_id);
    const char *id = http_json_str(json_object_array_get_idx(list, 0), "id");
    return id && (*network_id = strdup(id)) ? 0 : -ENOMEM;
}

static bool ipv4_in(const char *ip, const char *cidr)
{
    char net[INET_ADDRSTRLEN];
    struct in_addr a, b;
    const char *slash = strchr(cidr, '/');
    if (!slash || (size_t)(slash - cidr) >= sizeof net)
        return false;
    memcpy(net, cidr, (size_t)(slash - cidr));
    net[slash - cidr] = '\0';
    int bits = atoi(slash + 1);
    if (bits < 0 || bits > 32 || inet_pton(AF_INET, ip, &a) != 1 || inet_pton(AF_INET, net, &b) != 1)
        return false;
    uint32_t mask = bits ? htonl(~0u << (32 - bits)) : 0;
    return (a.s_addr & mask) == (b.s_addr & mask);
}

int osp_neutron_subnet_for(struct osp_api *a, const char *network_id, const char *ip, const char *step,
                           char **subnet_id, char **error)
{
    _cleanup_free_ char *query = NULL;
    _cleanup_json_ struct json_object *reply = NULL;
    struct json_object *list;

    *subnet_id = NULL;
    char *escaped = http_escape(a->http, network_id, 0);
    if (!escaped)
        return -ENOMEM;
    int r = asprintf(&query, "subnets?network_id=%s", escaped);
    free(escaped);
    if (r < 0)
        return -ENOMEM;
    if ((r = osp_api_call(a, OSP_DEST, OSP_NETWORK, HTTP_GET, query, NULL, step, &reply, error)) < 0)
        return r;
    if (!json_object_object_get_ex(reply, "subnets", &list) || !json_object_is_type(list, json_type_array))
        return 0;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        struct json_object *sn = json_object_array_get_idx(list, i), *v;
        const char *cidr = http_json_str(sn, "cidr"), *id = http_json_str(sn, "id");
        if (json_object_object_get_ex(sn, "ip_version", &v) && json_object_get_int(v) == 4 && cidr && id
            && ipv4_in(ip, cidr))
            return (*subnet_id = strdup(id)) ? 0 : -ENOMEM;
    }
    log_info("%s is in no IPv4 subnet of network %s: the port gets no fixed IP", ip, network_id);
    return 0;
}

static int read_port_id(struct json_object *reply, char **port_id, const char *step, char **error)
{
    struct json_object *port;
    const char *id = json_object_object_get_ex(reply, "port", &port) ? http_json_str(port, "id") : NULL;
    if (!id)
        return error_set(error, -EBADMSG, "%c%s failed: Neutron's answer has no port id", step[0] - 32, step + 1);
    return (*port_id = strdup(id)) ? 0 : -ENOMEM;
}

int osp_neutron_create_port(struct osp_api *a, struct json_object *port, const char *step, char **port_id,
                            enum osp_scope *created_in, char **error)
{
    _cleanup_json_ struct json_object *body = json_object_new_object(), *reply = NULL;
    _cleanup_free_ char *refused = NULL;

    *port_id = NULL;
    if (!body || json_object_object_add(body, "port", json_object_get(port)) < 0)
        return -ENOMEM;
    int r = osp_api_call(a, OSP_DEST, OSP_NETWORK, HTTP_POST, "ports", body, step, &reply, &refused);
    if (r >= 0) {
        *created_in = OSP_DEST;
        return read_port_id(reply, port_id, step, error);
    }
    if (r != -EACCES)
        return error_set(error, r, "%s", refused ? refused : "out of memory");
    /* A member may not set a MAC or a fixed IP on a network it does not
     * own: the source project's user (an admin) creates it for the project. */
    log_info("%s; trying as the source project's user for project %s", refused, a->s.dest_project_id);
    if (json_object_object_add(port, "project_id", json_object_new_string(a->s.dest_project_id)) < 0)
        return -ENOMEM;
    r = osp_api_call(a, OSP_SOURCE, OSP_NETWORK, HTTP_POST, "ports", body, step, &reply, error);
    if (r < 0)
        return r;
    *created_in = OSP_SOURCE;
    return read_port_id(reply, port_id, step, error);
}

int osp_neutron_delete_port(struct osp_api *a, enum osp_scope scope, const char *id, const char *step,
                            char **error)
{
    _cleanup_free_ char *path = osp_path(a, "ports", id, NULL);
    if (!path)
        return -ENOMEM;
    return osp_api_call(a, scope, OSP_NETWORK, HTTP_DELETE, path, NULL, step, NULL, error);
}

int osp_neutron_ports_named(struct osp_api *a, const char *name, const char *step, struct strv *ids,
                            char **error)
{
    _cleanup_free_ char *query = NULL;
    _cleanup_json_ struct json_object *reply = NULL;
    struct json_object *list;

    char *escaped = http_escape(a->http, name, 0);
    if (!escaped)
        return -ENOMEM;
    int r = asprintf(&query, "ports?name=%s", escaped);
    free(escaped);
    if (r < 0)
        return -ENOMEM;
    if ((r = osp_api_call(a, OSP_DEST, OSP_NETWORK, HTTP_GET, query, NULL, step, &reply, error)) < 0)
        return r;
    if (json_object_object_get_ex(reply, "ports", &list))
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            struct json_object *p = json_object_array_get_idx(list, i);
            const char *n = http_json_str(p, "name"), *id = http_json_str(p, "id");
            if (n && id && strcmp(n, name) == 0 && strv_push(ids, id) < 0)
                return -ENOMEM;
        }
    return 0;
}
