/* SPDX-License-Identifier: Apache-2.0 */
/* Neutron v2.0: the mapping's network (by id or name), its IPv4 subnets,
 * ports. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "outputs/openstack_api-internal.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/json.h"
#include "common/log.h"

int osp_neutron_network(struct osp_api *a, const char *id, const char *step, osp_done_fn done, void *userdata,
                        char **error)
{
    _cleanup_free_ char *path = osp_path("networks", id, NULL);
    if (!path)
        return -ENOMEM;
    return osp_api_call(a, OSP_DEST, OSP_NETWORK, HTTP_GET, path, NULL, step, done, userdata, error);
}

int osp_neutron_networks_named(struct osp_api *a, const char *name, const char *step, osp_done_fn done,
                               void *userdata, char **error)
{
    _cleanup_free_ char *query = osp_query("networks", "name", name);
    if (!query)
        return -ENOMEM;
    return osp_api_call(a, OSP_DEST, OSP_NETWORK, HTTP_GET, query, NULL, step, done, userdata, error);
}

int osp_neutron_read_network(struct json_object *reply, const char *name, const char *project,
                             const char *step, char **network_id, char **error)
{
    struct json_object *list;
    size_t n = json_object_object_get_ex(reply, "networks", &list) ? json_object_array_length(list) : 0;

    *network_id = NULL;
    if (n != 1)
        return error_set(error, n ? -EINVAL : -ENOENT, "%c%s failed: %s network named \"%s\" in project %s",
                         toupper((unsigned char)step[0]), step + 1, n ? "more than one" : "no", name, project);
    const char *id = http_json_str(json_object_array_get_idx(list, 0), "id");
    if (!id)
        return osp_answer_error(step, "Neutron", "network id", error);
    return (*network_id = strdup(id)) ? 0 : -ENOMEM;
}

int osp_neutron_subnets(struct osp_api *a, const char *network_id, const char *step, osp_done_fn done,
                        void *userdata, char **error)
{
    _cleanup_free_ char *query = osp_query("subnets", "network_id", network_id);
    if (!query)
        return -ENOMEM;
    return osp_api_call(a, OSP_DEST, OSP_NETWORK, HTTP_GET, query, NULL, step, done, userdata, error);
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

int osp_neutron_read_subnet_for(struct json_object *reply, const char *ip, char **subnet_id)
{
    struct json_object *list;

    *subnet_id = NULL;
    if (!json_object_object_get_ex(reply, "subnets", &list) || !json_object_is_type(list, json_type_array))
        return 0;
    for (size_t i = 0; i < json_object_array_length(list); i++) {
        struct json_object *sn = json_object_array_get_idx(list, i), *v;
        const char *cidr = http_json_str(sn, "cidr"), *id = http_json_str(sn, "id");
        if (json_object_object_get_ex(sn, "ip_version", &v) && json_object_get_int(v) == 4 && cidr && id
            && ipv4_in(ip, cidr))
            return (*subnet_id = strdup(id)) ? 0 : -ENOMEM;
    }
    return 0;
}

int osp_neutron_create_port(struct osp_api *a, enum osp_scope scope, struct json_object *port,
                            const char *step, osp_done_fn done, void *userdata, char **error)
{
    _cleanup_json_ struct json_object *body = json_object_new_object();

    if (!body || !json_add(body, "port", json_object_get(port)))
        return -ENOMEM;
    return osp_api_call(a, scope, OSP_NETWORK, HTTP_POST, "ports", body, step, done, userdata, error);
}

/* A member may not set a MAC or a fixed IP on a network it does not own:
 * the source project's user (an admin) creates it for the project. */
int osp_neutron_port_for_project(struct json_object *port, const char *project_id)
{
    return json_add(port, "project_id", json_object_new_string(project_id)) ? 0 : -ENOMEM;
}

int osp_neutron_read_port(struct json_object *reply, const char *step, char **port_id, char **error)
{
    struct json_object *port;
    const char *id = json_object_object_get_ex(reply, "port", &port) ? http_json_str(port, "id") : NULL;

    *port_id = NULL;
    if (!id)
        return osp_answer_error(step, "Neutron", "port id", error);
    return (*port_id = strdup(id)) ? 0 : -ENOMEM;
}

int osp_neutron_delete_port(struct osp_api *a, enum osp_scope scope, const char *id, const char *step,
                            osp_done_fn done, void *userdata, char **error)
{
    _cleanup_free_ char *path = osp_path("ports", id, NULL);
    if (!path)
        return -ENOMEM;
    return osp_api_call(a, scope, OSP_NETWORK, HTTP_DELETE, path, NULL, step, done, userdata, error);
}

int osp_neutron_ports_named(struct osp_api *a, const char *name, const char *step, osp_done_fn done,
                            void *userdata, char **error)
{
    _cleanup_free_ char *query = osp_query("ports", "name", name);
    if (!query)
        return -ENOMEM;
    return osp_api_call(a, OSP_DEST, OSP_NETWORK, HTTP_GET, query, NULL, step, done, userdata, error);
}

int osp_neutron_read_ports_named(struct json_object *reply, const char *name, struct strv *ids)
{
    struct json_object *list;

    if (json_object_object_get_ex(reply, "ports", &list))
        for (size_t i = 0; i < json_object_array_length(list); i++) {
            struct json_object *p = json_object_array_get_idx(list, i);
            const char *n = http_json_str(p, "name"), *id = http_json_str(p, "id");
            if (n && id && strcmp(n, name) == 0 && strv_push(ids, id) < 0)
                return -ENOMEM;
        }
    return 0;
}
