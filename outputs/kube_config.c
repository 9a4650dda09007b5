/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outputs/kube_config.h"
#include "outputs/kube_name.h"
#include "common/cleanup.h"
#include "common/error.h"
#include "common/settings.h"

static const char *sa_dir(void)
{
    return settings()->kube_sa_dir;
}

/* A small text file, trailing white space removed. */
static int read_small(const char *path, size_t max, char **out)
{
    _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    char *buf = malloc(max + 1);
    size_t n = 0;
    if (!buf)
        return -ENOMEM;
    while (n < max) {
        ssize_t k = read(fd, buf + n, max - n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            int e = errno;
            explicit_bzero(buf, max + 1);
            free(buf);
            return -e;
        }
        if (k == 0)
            break;
        n += (size_t)k;
    }
    while (n > 0 && strchr(" \t\r\n", buf[n - 1]))
        n--;
    buf[n] = '\0';
    *out = buf;
    return 0;
}

int kube_config_read_token(const struct kube_config *cfg, char **token)
{
    int r = read_small(cfg->token_file, KUBE_TOKEN_MAX, token);
    if (r >= 0 && (*token)[0] == '\0') {
        free(*token);
        *token = NULL;
        return -ENODATA;
    }
    return r;
}

static int server_url(char **out, char **error)
{
    const char *host = getenv("KUBERNETES_SERVICE_HOST");
    const char *port = getenv("KUBERNETES_SERVICE_PORT");

    if (!host || !*host || !port || !*port)
        return error_set(error, -ENOENT, "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT "
                                         "are not set: not running in a Kubernetes pod");
    if (strspn(port, "0123456789") != strlen(port) || strlen(port) > 5
        || strcspn(host, "/@?# ") != strlen(host))
        return error_set(error, -EINVAL, "KUBERNETES_SERVICE_HOST/PORT (%s, %s) are not a host "
                                         "and a port", host, port);
    bool ipv6 = strchr(host, ':') != NULL;
    if (asprintf(out, "https://%s%s%s:%s", ipv6 ? "[" : "", host, ipv6 ? "]" : "", port) < 0)
        return -ENOMEM;
    return 0;
}

int kube_config_in_cluster(struct kube_config *cfg, char **error)
{
    const char *dir = sa_dir();
    const char *pod = getenv("POD_NAME");
    _cleanup_free_ char *ns_file = NULL;
    int r;

    *cfg = (struct kube_config){ 0 };
    if (!pod || !*pod)
        pod = getenv("HOSTNAME");
    if (!pod || !*pod)
        return error_set(error, -ENOENT, "neither POD_NAME nor HOSTNAME is set: the pod's name is unknown");
    if ((r = server_url(&cfg->server, error)) < 0)
        goto fail;
    if (asprintf(&cfg->token_file, "%s/token", dir) < 0 || asprintf(&cfg->ca_file, "%s/ca.crt", dir) < 0
        || asprintf(&ns_file, "%s/namespace", dir) < 0 || !(cfg->pod_name = strdup(pod))) {
        r = -ENOMEM;
        goto fail;
    }
    if ((r = read_small(ns_file, 253, &cfg->namespace)) < 0) {
        error_set(error, r, "cannot read the pod's namespace from %s: %s", ns_file, strerror(-r));
        goto fail;
    }
    /* Both go into the URL's path as they are: Kubernetes names only. */
    if (!kube_name_valid(cfg->namespace) || !kube_name_valid(cfg->pod_name)) {
        r = error_set(error, -EINVAL, "the pod's namespace or name (from %s, %s) is not a Kubernetes "
                      "(RFC 1123) name", ns_file, getenv("POD_NAME") && *getenv("POD_NAME") ? "POD_NAME"
                                                                                            : "HOSTNAME");
        goto fail;
    }
    if (access(cfg->token_file, R_OK) < 0 || access(cfg->ca_file, R_OK) < 0) {
        r = error_set(error, -errno, "cannot read the service account token or CA in %s: %s", dir,
                      strerror(errno));
        goto fail;
    }
    return 0;
fail:
    kube_config_free(cfg);
    return r;
}

void kube_config_free(struct kube_config *cfg)
{
    free(cfg->server);
    free(cfg->token_file);
    free(cfg->ca_file);
    free(cfg->namespace);
    free(cfg->pod_name);
    *cfg = (struct kube_config){ 0 };
}
