#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "outputs/http.h"
#include "outputs/kube_client.h"
#include "common/cleanup.h"
#include "common/log.h"

struct watch {                    /* one socket curl wants watched */
    struct kube_client *k;
    curl_socket_t fd;
    sd_event_source *io;
    struct watch *next;
};

struct request {
    struct kube_client *k;
    CURL *easy;
    struct curl_slist *headers;
    char *body;
    struct http_reply reply;
    kube_reply_fn done;
    void *userdata;
    char errbuf[CURL_ERROR_SIZE];
    struct request *next;
};

struct kube_client {
    sd_event *event;
    CURLM *multi;
    sd_event_source *timer;
    struct watch *watches;
    struct request *requests;
    struct kube_config cfg;       /* copies */
    char *url;                    /* .../api/v1/namespaces/NS/pods/NAME */
    char *describe;
    long timeout_ms;
};

static void request_free(struct request *q)
{
    if (!q)
        return;
    if (q->easy) {
        curl_multi_remove_handle(q->k->multi, q->easy);
        curl_easy_cleanup(q->easy);
    }
    http_slist_wipe(&q->headers);
    free(q->body);
    http_reply_wipe(&q->reply);
    free(q);
}

static void request_unlink(struct request *q)
{
    for (struct request **p = &q->k->requests; *p; p = &(*p)->next)
        if (*p == q) {
            *p = q->next;
            return;
        }
}

static void check_done(struct kube_client *k)
{
    CURLMsg *m;
    int left;

    while ((m = curl_multi_info_read(k->multi, &left))) {
        struct request *q = NULL;
        if (m->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&q);
        CURLcode rc = m->data.result;
        long status = 0;
        if (rc == CURLE_OK)
            curl_easy_getinfo(q->easy, CURLINFO_RESPONSE_CODE, &status);
        request_unlink(q);
        const char *error = rc == CURLE_OK ? NULL : q->errbuf[0] ? q->errbuf : curl_easy_strerror(rc);
        q->done(q->userdata, status, q->reply.data ? q->reply.data : "", error);
        request_free(q);
    }
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
    struct kube_client *k = userdata;
    int action = (revents & EPOLLIN ? CURL_CSELECT_IN : 0) | (revents & EPOLLOUT ? CURL_CSELECT_OUT : 0)
                 | (revents & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
    int running;

    curl_multi_socket_action(k->multi, fd, action, &running);
    check_done(k);
    return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
    struct kube_client *k = userdata;
    int running;

    curl_multi_socket_action(k->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(k);
    return 0;
}

static void watch_remove(struct kube_client *k, struct watch *w)
{
    for (struct watch **p = &k->watches; *p; p = &(*p)->next)
        if (*p == w) {
            *p = w->next;
            break;
        }
    sd_event_source_disable_unref(w->io);
    free(w);
}

/* CURLMOPT_SOCKETFUNCTION: watch what curl asks for. */
static int on_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    struct kube_client *k = userp;
    struct watch *w = socketp;
    uint32_t events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);

    if (what == CURL_POLL_REMOVE) {
        if (w) {
            curl_multi_assign(k->multi, fd, NULL);
            watch_remove(k, w);
        }
        return 0;
    }
    if (w)
        return sd_event_source_set_io_events(w->io, events) < 0 ? -1 : 0;
    w = calloc(1, sizeof *w);
    if (!w)
        return -1;
    if (sd_event_add_io(k->event, &w->io, fd, events, on_io, k) < 0) {
        free(w);
        return -1;
    }
    w->k = k;
    w->fd = fd;
    w->next = k->watches;
    k->watches = w;
    curl_multi_assign(k->multi, fd, w);
    return 0;
}

/* CURLMOPT_TIMERFUNCTION: one timer for the whole multi handle. */
static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
    struct kube_client *k = userp;
    uint64_t now;

    if (timeout_ms < 0)
        return sd_event_source_set_enabled(k->timer, SD_EVENT_OFF) < 0 ? -1 : 0;
    sd_event_now(k->event, CLOCK_MONOTONIC, &now);
    if (sd_event_source_set_time(k->timer, now + (uint64_t)timeout_ms * 1000) < 0
        || sd_event_source_set_enabled(k->timer, SD_EVENT_ONESHOT) < 0)
        return -1;
    return 0;
}

static long timeout_ms(void)
{
    const char *v = getenv("V2VW_KUBE_TIMEOUT");
    char *end;
    double s = v && *v ? strtod(v, &end) : 0;
    return v && *v && *end == '\0' && s > 0 && s < 3600 ? (long)(s * 1000) + 1 : KUBE_TIMEOUT_MS;
}

static int copy_config(struct kube_config *to, const struct kube_config *from)
{
    to->server = strdup(from->server);
    to->token_file = strdup(from->token_file);
    to->ca_file = strdup(from->ca_file);
    to->namespace = strdup(from->namespace);
    to->pod_name = strdup(from->pod_name);
    return to->server && to->token_file && to->ca_file && to->namespace && to->pod_name ? 0 : -ENOMEM;
}

static int pod_url(struct kube_client *k)
{
    CURL *c = curl_easy_init();
    char *ns = c ? curl_easy_escape(c, k->cfg.namespace, 0) : NULL;
    char *pod = c ? curl_easy_escape(c, k->cfg.pod_name, 0) : NULL;
    int r = ns && pod ? asprintf(&k->url, "%s/api/v1/namespaces/%s/pods/%s", k->cfg.server, ns, pod) : -1;
    if (r >= 0)
        r = asprintf(&k->describe, "pods/%s in namespace %s at %s", k->cfg.pod_name, k->cfg.namespace,
                     k->cfg.server);
    curl_free(ns);
    curl_free(pod);
    if (c)
        curl_easy_cleanup(c);
    return r < 0 ? -ENOMEM : 0;
}

int kube_client_new(sd_event *event, const struct kube_config *cfg, struct kube_client **out)
{
    struct kube_client *k = calloc(1, sizeof *k);
    int r;

    if (!k)
        return -ENOMEM;
    http_global_init();
    k->event = sd_event_ref(event);
    k->timeout_ms = timeout_ms();
    k->multi = curl_multi_init();
    if (!k->multi || (r = copy_config(&k->cfg, cfg)) < 0 || (r = pod_url(k)) < 0) {
        r = -ENOMEM;
        goto fail;
    }
    r = sd_event_add_time(event, &k->timer, CLOCK_MONOTONIC, 0, 0, on_timer, k);
    if (r < 0 || (r = sd_event_source_set_enabled(k->timer, SD_EVENT_OFF)) < 0)
        goto fail;
    curl_multi_setopt(k->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(k->multi, CURLMOPT_SOCKETDATA, k);
    curl_multi_setopt(k->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl_multi_setopt(k->multi, CURLMOPT_TIMERDATA, k);
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
    while (k->requests) {
        struct request *q = k->requests;
        k->requests = q->next;
        request_free(q);
    }
    if (k->multi)
        curl_multi_cleanup(k->multi);
    while (k->watches)
        watch_remove(k, k->watches);
    sd_event_source_disable_unref(k->timer);
    sd_event_unref(k->event);
    kube_config_free(&k->cfg);
    free(k->url);
    free(k->describe);
    free(k);
}

const char *kube_client_describe(const struct kube_client *k)
{
    return k->describe;
}

static int add_headers(struct request *q, const char *content_type)
{
    _cleanup_erase_ char *token = NULL, *auth = NULL;
    int r = kube_config_read_token(&q->k->cfg, &token);

    if (r < 0) {
        log_warning("Cannot read the service account token %s: %s", q->k->cfg.token_file, strerror(-r));
        token = NULL;
    }
    if (token && asprintf(&auth, "Authorization: Bearer %s", token) < 0)
        return -ENOMEM;
    struct curl_slist *h = q->headers = curl_slist_append(NULL, "Accept: application/json");
    if (h && auth)
        h = q->headers = curl_slist_append(q->headers, auth);
    _cleanup_free_ char *ct = NULL;
    if (h && content_type) {
        if (asprintf(&ct, "Content-Type: %s", content_type) < 0)
            return -ENOMEM;
        h = q->headers = curl_slist_append(q->headers, ct);
    }
    return h ? 0 : -ENOMEM;
}

static int submit(struct kube_client *k, const char *method, const char *content_type, const char *body,
                  kube_reply_fn done, void *userdata)
{
    struct request *q = calloc(1, sizeof *q);
    int r;

    if (!q)
        return -ENOMEM;
    q->k = k;
    q->done = done;
    q->userdata = userdata;
    q->easy = curl_easy_init();
    if (!q->easy || (body && !(q->body = strdup(body))) || (r = add_headers(q, content_type)) < 0) {
        request_free(q);
        return -ENOMEM;
    }
    CURL *c = q->easy;
    http_setup_common(c, k->cfg.ca_file, false, q->errbuf);
    curl_easy_setopt(c, CURLOPT_URL, k->url);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, KUBE_CONNECT_TIMEOUT_MS < k->timeout_ms
                                                   ? KUBE_CONNECT_TIMEOUT_MS : k->timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, k->timeout_ms);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, q->headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_reply_on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &q->reply);
    curl_easy_setopt(c, CURLOPT_PRIVATE, q);
    if (body) {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, q->body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(q->body));
    } else {
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    if (curl_multi_add_handle(k->multi, c) != CURLM_OK) {
        request_free(q);
        return -EIO;
    }
    q->next = k->requests;
    k->requests = q;
    return 0;
}

int kube_client_get_pod(struct kube_client *k, kube_reply_fn reply, void *userdata)
{
    return submit(k, "GET", NULL, NULL, reply, userdata);
}

int kube_client_patch_pod(struct kube_client *k, const char *content_type, const char *body,
                          kube_reply_fn reply, void *userdata)
{
    return submit(k, "PATCH", content_type, body, reply, userdata);
}
