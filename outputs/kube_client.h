/* SPDX-License-Identifier: Apache-2.0 */
/* A small asynchronous Kubernetes API client for the pod's own object, on
 * the HTTP layer's event-driven exchanges (outputs/http.h: nothing blocks
 * the loop). Every request reads the token file
 * again (projected service account tokens rotate) and trusts only the
 * service account's CA. */
#ifndef V2VW_KUBE_CLIENT_H
#define V2VW_KUBE_CLIENT_H

#include <systemd/sd-event.h>
#include "outputs/kube_config.h"

#define KUBE_CONNECT_TIMEOUT_MS 5000L

struct kube_client;

/* status: the HTTP status, 0 when there was no answer (then `error` says
 * why); body: the reply (NUL-terminated, may be empty). */
typedef void (*kube_reply_fn)(void *userdata, long status, const char *body, const char *error);

int kube_client_new(sd_event *event, const struct kube_config *cfg, struct kube_client **out);
/* Cancels what is in flight (no callbacks). NULL is fine. */
void kube_client_free(struct kube_client *k);
/* GET or PATCH (body with content_type) /api/v1/namespaces/NS/pods/NAME.
 * `reply` is called exactly once, from the event loop, unless the client
 * is freed first. Negative errno when the request could not be queued
 * (then `reply` is not called). */
int kube_client_get_pod(struct kube_client *k, kube_reply_fn reply, void *userdata);
int kube_client_patch_pod(struct kube_client *k, const char *content_type, const char *body,
                          kube_reply_fn reply, void *userdata);
/* "pods/NAME in NAMESPACE at SERVER", for log lines. */
const char *kube_client_describe(const struct kube_client *k);

#endif
