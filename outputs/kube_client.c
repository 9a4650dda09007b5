/* SPDX-License-Identifier: Apache-2.0 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <curl/curl.h>

#include "common/dlib.h"
#include "outputs/kube_client.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/settings.h"

/* The libcurl functions the client calls, loaded at the first client: the
 * conversion's process does not link libcurl. */
struct curl_lib {
    void (*easy_cleanup)(CURL *curl);
    char *(*easy_escape)(CURL *curl, const char *string, int length);
    CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
    const char *(*easy_strerror)(CURLcode code);
    void (*free)(void *p);
    CURLcode (*global_init)(long flags);
    CURLMcode (*multi_add_handle)(CURLM *multi, CURL *easy);
    CURLMcode (*multi_assign)(CURLM *multi, curl_socket_t fd, void *p);
    CURLMcode (*multi_cleanup)(CURLM *multi);
    CURLMsg *(*multi_info_read)(CURLM *multi, int *left);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *easy);
    CURLMcode (*multi_setopt)(CURLM *multi, CURLMoption option, ...);
    CURLMcode (*multi_socket_action)(CURLM *multi, curl_socket_t fd, int mask, int *running);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *data);
    void (*slist_free_all)(struct curl_slist *list);
};

static struct curl_lib curl_table;
/* INTERIM: replaced by the shared outputs/http layer when it lands. */
#define HTTP_MAX_REPLY (16 * 1024 * 1024)
struct http_reply {
    char *data;
    size_t len, cap;
};
static const struct curl_lib *cu = &curl_table;

static int curl_lib_load(char **error)
{
    static bool loaded;
#define S(field) DLIB_SYMBOL(struct curl_lib, field, "curl_" #field)
    static const struct dlib_symbol syms[] = {
        S(easy_cleanup), S(easy_escape), S(easy_getinfo), S(easy_init), S(easy_setopt),
        S(easy_strerror), S(free), S(global_init), S(multi_add_handle), S(multi_assign),
        S(multi_cleanup), S(multi_info_read), S(multi_init), S(multi_remove_handle),
        S(multi_setopt), S(multi_socket_action), S(slist_append), S(slist_free_all),
    };
#undef S
    if (loaded)
        return 0;
    int r = dlib_load("libcurl.so.4", "the Kubernetes API client", syms, ELEMENTSOF(syms),
                      &curl_table, error);
    if (r >= 0) {
        cu->global_init(CURL_GLOBAL_DEFAULT);
        loaded = true;
    }
    return r;
}

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

/* INTERIM: replaced by the shared outputs/http layer when it lands. */
static size_t http_reply_on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct http_reply *r = userdata;
    size_t n = size * nmemb;

    if (n > HTTP_MAX_REPLY - r->len)
        return 0;
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < r->len + n + 1)
            cap *= 2;
        char *data = malloc(cap);
        if (!data)
            return 0;
        if (r->data) {
            memcpy(data, r->data, r->len);
            explicit_bzero(r->data, r->cap);
            free(r->data);
        }
        r->data = data;
        r->cap = cap;
    }
    memcpy(r->data + r->len, ptr, n);
    r->len += n;
    r->data[r->len] = '\0';
    return n;
}

static void http_reply_wipe(struct http_reply *r)
{
    if (r->data) {
        explicit_bzero(r->data, r->cap);
        free(r->data);
    }
    *r = (struct http_reply){ 0 };
}

static void http_slist_wipe(struct curl_slist **l)
{
    for (struct curl_slist *i = *l; i; i = i->next)
        explicit_bzero(i->data, strlen(i->data));
    cu->slist_free_all(*l);
    *l = NULL;
}

static void http_setup_common(CURL *c, const char *cafile, bool insecure, char *errbuf)
{
    errbuf[0] = '\0';
    cu->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    cu->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    cu->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    cu->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    cu->easy_setopt(c, CURLOPT_USERAGENT, "virt-v2v-wrapper");
    cu->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, insecure ? 0L : 1L);
    cu->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, insecure ? 0L : 2L);
    cu->easy_setopt(c, CURLOPT_CAINFO, cafile);
    cu->easy_setopt(c, CURLOPT_CAPATH, NULL);
}

static void request_free(struct request *q)
{
    if (!q)
        return;
    if (q->easy) {
        cu->multi_remove_handle(q->k->multi, q->easy);
        cu->easy_cleanup(q->easy);
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

    while ((m = cu->multi_info_read(k->multi, &left))) {
        struct request *q = NULL;
        if (m->msg != CURLMSG_DONE)
            continue;
        cu->easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&q);
        CURLcode rc = m->data.result;
        long status = 0;
        if (rc == CURLE_OK)
            cu->easy_getinfo(q->easy, CURLINFO_RESPONSE_CODE, &status);
        request_unlink(q);
        const char *error = rc == CURLE_OK ? NULL : q->errbuf[0] ? q->errbuf : cu->easy_strerror(rc);
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

    cu->multi_socket_action(k->multi, fd, action, &running);
    check_done(k);
    return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
    struct kube_client *k = userdata;
    int running;

    cu->multi_socket_action(k->multi, CURL_SOCKET_TIMEOUT, 0, &running);
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
            cu->multi_assign(k->multi, fd, NULL);
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
    cu->multi_assign(k->multi, fd, w);
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
    return settings()->kube_timeout_ms;
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
    CURL *c = cu->easy_init();
    char *ns = c ? cu->easy_escape(c, k->cfg.namespace, 0) : NULL;
    char *pod = c ? cu->easy_escape(c, k->cfg.pod_name, 0) : NULL;
    int r = ns && pod ? asprintf(&k->url, "%s/api/v1/namespaces/%s/pods/%s", k->cfg.server, ns, pod) : -1;
    if (r >= 0)
        r = asprintf(&k->describe, "pods/%s in namespace %s at %s", k->cfg.pod_name, k->cfg.namespace,
                     k->cfg.server);
    cu->free(ns);
    cu->free(pod);
    if (c)
        cu->easy_cleanup(c);
    return r < 0 ? -ENOMEM : 0;
}

int kube_client_new(sd_event *event, const struct kube_config *cfg, struct kube_client **out)
{
    struct kube_client *k = calloc(1, sizeof *k);
    int r;

    if (!k)
        return -ENOMEM;
    _cleanup_free_ char *error = NULL;
    if ((r = curl_lib_load(&error)) < 0) {
        log_warning("%s", error);
        free(k);
        return r;
    }
    k->event = sd_event_ref(event);
    k->timeout_ms = timeout_ms();
    k->multi = cu->multi_init();
    if (!k->multi || (r = copy_config(&k->cfg, cfg)) < 0 || (r = pod_url(k)) < 0) {
        r = -ENOMEM;
        goto fail;
    }
    r = sd_event_add_time(event, &k->timer, CLOCK_MONOTONIC, 0, 0, on_timer, k);
    if (r < 0 || (r = sd_event_source_set_enabled(k->timer, SD_EVENT_OFF)) < 0)
        goto fail;
    cu->multi_setopt(k->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    cu->multi_setopt(k->multi, CURLMOPT_SOCKETDATA, k);
    cu->multi_setopt(k->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    cu->multi_setopt(k->multi, CURLMOPT_TIMERDATA, k);
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
        cu->multi_cleanup(k->multi);
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
    struct curl_slist *h = q->headers = cu->slist_append(NULL, "Accept: application/json");
    if (h && auth)
        h = q->headers = cu->slist_append(q->headers, auth);
    _cleanup_free_ char *ct = NULL;
    if (h && content_type) {
        if (asprintf(&ct, "Content-Type: %s", content_type) < 0)
            return -ENOMEM;
        h = q->headers = cu->slist_append(q->headers, ct);
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
    q->easy = cu->easy_init();
    if (!q->easy || (body && !(q->body = strdup(body))) || (r = add_headers(q, content_type)) < 0) {
        request_free(q);
        return -ENOMEM;
    }
    CURL *c = q->easy;
    http_setup_common(c, k->cfg.ca_file, false, q->errbuf);
    cu->easy_setopt(c, CURLOPT_URL, k->url);
    cu->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, KUBE_CONNECT_TIMEOUT_MS < k->timeout_ms
                                                   ? KUBE_CONNECT_TIMEOUT_MS : k->timeout_ms);
    cu->easy_setopt(c, CURLOPT_TIMEOUT_MS, k->timeout_ms);
    cu->easy_setopt(c, CURLOPT_HTTPHEADER, q->headers);
    cu->easy_setopt(c, CURLOPT_WRITEFUNCTION, http_reply_on_data);
    cu->easy_setopt(c, CURLOPT_WRITEDATA, &q->reply);
    cu->easy_setopt(c, CURLOPT_PRIVATE, q);
    if (body) {
        cu->easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        cu->easy_setopt(c, CURLOPT_POSTFIELDS, q->body);
        cu->easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(q->body));
    } else {
        cu->easy_setopt(c, CURLOPT_HTTPGET, 1L);
    }
    if (cu->multi_add_handle(k->multi, c) != CURLM_OK) {
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
