/* SPDX-License-Identifier: Apache-2.0 */
/* The input document (CONTRACT §2), parsed and validated into a typed
 * configuration. Nothing here touches the file system. */
#ifndef V2VW_CONFIG_H
#define V2VW_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>
#include "outputs/output.h"
#include "throttle/throttle.h"
#include "common/strv.h"

#define CONFIG_MAX_INPUT (1024 * 1024)   /* bytes of stdin we accept */

enum transport {
    TRANSPORT_VDDK, TRANSPORT_SSH, TRANSPORT_DISK, TRANSPORT_OVA,
    TRANSPORT_LIBVIRTXML, TRANSPORT_LIBVIRT,
};

struct conversion_config {
    char *vm_name;
    enum transport transport;

    /* vddk */
    char *vmware_uri, *vmware_password, *vmware_fingerprint;
    /* ssh */
    char *ssh_key;                     /* NULL = use ~/.ssh of the conversion user */
    /* disk, ova, libvirtxml: local path; libvirt: source_uri (+ optional password) */
    char *source_path;
    char *source_uri, *source_password;

    bool daemonize;
    char *output_format;               /* "raw" or "qcow2" */
    char *allocation;                  /* NULL, "preallocated" or "sparse" */
    char **source_disks;               /* NULL when absent */
    size_t n_source_disks;
    struct network_mapping *network_mappings;
    size_t n_network_mappings;
    char *virtio_win;
    bool install_drivers;
    bool have_throttling;
    struct throttle_request throttling;
    char *luks_keys_vault;
    bool insecure_connection;
    unsigned stall_seconds;            /* 0 = the default (V2VW_STALL_SECONDS or 600) */

    enum output_kind_id output;
    /* rhv-upload */
    char *rhv_url, *rhv_password, *rhv_cluster, *rhv_storage, *rhv_cafile;
    /* export domain */
    char *export_domain;
    /* local */
    char *local_storage;
    /* libvirt */
    char *libvirt_pool, *libvirt_uri;
    /* openstack */
    struct osp_env_entry *osp_environment;
    size_t n_osp_environment;
    char *osp_destination_project_id, *osp_flavor_id, *osp_server_id;
    char *osp_guest_id;                /* given, or a random UUID */
    char *osp_volume_type_id;          /* NULL = the engine's default */
    char **osp_security_groups_ids;    /* NULL-terminated, possibly empty */
    size_t n_osp_security_groups_ids;

    struct strv unknown_keys;          /* ignored keys ("network_mappings[0].x" inside) */
    struct strv warnings;              /* sentences about them, for stderr and the log */
};

/* Parse and validate the document. On error returns negative errno and sets
 * *error to one human sentence naming the key (caller frees). */
int config_parse(const char *text, size_t len, struct conversion_config *cfg, char **error);
void config_free(struct conversion_config *cfg);

const char *transport_name(enum transport t);

#endif
