/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outputs/http.h"
#include "outputs/kube_client.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/secret.h"
#include "common/settings.h"

struct kube_client {
    struct http_loop *http;
    struct kube_config cfg;       /* copies */
    char *url;                    /* .../api/v1/namespaces/NS/pods/NAME */
    char *describe;
    long timeout_ms;
};

struct call {                     /* one request's caller */
    kube_reply_fn reply;
    void *userdata;
};

static int copy_config(struct kube_config *to, const struct kube_config *from)
{
    to->server = strdup(from->server);
    to->token_file = strdup(from->token_file);
    to->ca_file = strdup(from->ca_file);
    to->namespace = strdup(from->namespace);
    to->pod_name = strdup(from->pod_name);
    return to->server && to->token_file && to->ca_file && to->namespace && to->pod_name ? 0 : -ENOMEM;
}

/* The namespace and the pod's name are RFC 1123 names (kube_config checked
 * them): nothing in them needs escaping in a URL path. */
static int pod_url(struct kube_client *k)
{
    if (asprintf(&k->url, "%s/api/v1/namespaces/%s/pods/%s", k->cfg.server, k->cfg.namespace,
                 k->cfg.pod_name) < 0
        || asprintf(&k->describe, "pods/%s in namespace %s at %s", k->cfg.pod_name, k->cfg.namespace,
                    k->cfg.server) < 0)
        return -ENOMEM;
    return 0;
}

int kube_client_new(sd_event *event, const struct kube_config *cfg, struct kube_client **out)
{
    _cleanup_free_ char *error = NULL;
    struct kube_client *k = calloc(1, sizeof *k);
    int r;

    if (!k)
        return -ENOMEM;
    k->timeout_ms = settings()->kube_timeout_ms;
    if ((r = http_loop_new(event, "the Kubernetes API client", &k->http, &error)) < 0) {
        log_warning("%s", error ? error : strerror(-r));
        goto fail;
    }
    if ((r = copy_config(&k->cfg, cfg)) < 0 || (r = pod_url(k)) < 0)
        goto fail;
    *out = k;
    return 0;
fail:
    kube_client_free(k);
    return r;
}

void kube_client_free(struct kube_client *k)
{
    if (!k)
        return;
    http_loop_free(k->http);
    kube_config_free(&k->cfg);
    free(k->url);
    free(k->describe);
    free(k);
}

const char *kube_client_describe(const struct kube_client *k)
{
    return k->describe;
}

static void on_reply(void *userdata, int r, const struct http_reply *reply, const char *why)
{
    struct call call = *(struct call *)userdata;
    free(userdata);
    if (r < 0)
        call.reply(call.userdata, 0, "", why ? why : strerror(-r));
    else
        call.reply(call.userdata, reply->status, reply->data ? reply->data : "", NULL);
}

static int submit(struct kube_client *k, enum http_method method, const char *content_type,
                  const char *body, kube_reply_fn reply, void *userdata)
{
    _cleanup_erase_ char *token = NULL;
    int r = kube_config_read_token(&k->cfg, &token);

    if (r < 0) {
        log_warning("Cannot read the service account token %s: %s", k->cfg.token_file, strerror(-r));
        token = NULL;
    }
    struct call *call = malloc(sizeof *call);
    if (!call)
        return -ENOMEM;
    *call = (struct call){ reply, userdata };
    const struct http_request req = {
        .method = method, .url = k->url, .content_type = content_type, .accept = HTTP_JSON,
        .bearer_token = token, .body = body, .cafile = k->cfg.ca_file, .cafile_only = true,
        .connect_timeout_ms = KUBE_CONNECT_TIMEOUT_MS, .timeout_ms = k->timeout_ms,
        .log_name = "Kubernetes API",
    };
    if ((r = http_loop_start(k->http, &req, on_reply, call)) < 0)
        free(call);
    return r;
}

int kube_client_get_pod(struct kube_client *k, kube_reply_fn reply, void *userdata)
{
    return submit(k, HTTP_GET, NULL, NULL, reply, userdata);
}

int kube_client_patch_pod(struct kube_client *k, const char *content_type, const char *body,
                          kube_reply_fn reply, void *userdata)
{
    return submit(k, HTTP_PATCH, content_type, body, reply, userdata);
}
