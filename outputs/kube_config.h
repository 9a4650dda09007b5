/* SPDX-License-Identifier: Apache-2.0 */
/* In-cluster configuration of the Kubernetes API client, the way client-go's
 * rest.InClusterConfig finds it: the service from KUBERNETES_SERVICE_HOST and
 * KUBERNETES_SERVICE_PORT, the service account's token, CA and namespace
 * from its mounted directory, and the pod's own name from POD_NAME (the
 * downward API) else HOSTNAME (a pod's host name is its name). */
#ifndef V2VW_KUBE_CONFIG_H
#define V2VW_KUBE_CONFIG_H

#define KUBE_TOKEN_MAX 65536

struct kube_config {
    char *server;            /* https://HOST:PORT (IPv6 hosts in brackets) */
    char *token_file;        /* read again for every request: projected tokens rotate */
    char *ca_file;
    char *namespace;
    char *pod_name;
};

/* Fill `cfg` from the environment and the service account directory.
 * Negative errno and *error (one sentence naming what is missing). */
int kube_config_in_cluster(struct kube_config *cfg, char **error);
void kube_config_free(struct kube_config *cfg);
/* The bearer token, read now from cfg->token_file, trailing white space
 * removed. Caller erases and frees. */
int kube_config_read_token(const struct kube_config *cfg, char **token);

#endif
