/* SPDX-License-Identifier: Apache-2.0 */
/* HTTP exchanges driven by an sd-event loop: libcurl's multi interface,
 * its sockets and its one timer as event sources; nothing blocks. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <systemd/sd-event.h>

#include "outputs/http_internal.h"
#include "common/cleanup.h"
#include "common/log.h"

#define cu http_curl

struct watch {                    /* one socket curl wants watched */
    curl_socket_t fd;
    sd_event_source *io;
    struct watch *next;
};

struct transfer {
    struct http_loop *loop;
    CURL *easy;
    struct curl_slist *headers;
    struct http_request req;      /* url, body, log_name, capture_header: the copies below */
    char *url, *body, *log_name, *capture;
    struct http_capture cap;
    struct http_reply reply;
    http_done_fn done;
    void *userdata;
    char errbuf[CURL_ERROR_SIZE];
    struct transfer *next;
};

struct http_loop {
    sd_event *event;
    CURLM *multi;
    sd_event_source *timer;
    struct watch *watches;
    struct transfer *transfers;
    unsigned in_callback;         /* a `done` runs: freeing waits for it */
    bool freed;
};

static void transfer_release_curl(struct transfer *t)
{
    if (t->easy) {
        cu->multi_remove_handle(t->loop->multi, t->easy);
        cu->easy_cleanup(t->easy);
        t->easy = NULL;
    }
    http_slist_wipe(&t->headers);
}

static void transfer_free(struct transfer *t)
{
    if (!t)
        return;
    transfer_release_curl(t);
    if (t->body) {
        explicit_bzero(t->body, strlen(t->body));
        free(t->body);
    }
    free(t->url);
    free(t->log_name);
    free(t->capture);
    http_reply_wipe(&t->reply);
    free(t);
}

static void transfer_unlink(struct transfer *t)
{
    for (struct transfer **p = &t->loop->transfers; *p; p = &(*p)->next)
        if (*p == t) {
            *p = t->next;
            return;
        }
}

static void loop_destroy(struct http_loop *l)
{
    while (l->transfers) {
        struct transfer *t = l->transfers;
        l->transfers = t->next;
        transfer_free(t);
    }
    if (l->multi)
        cu->multi_cleanup(l->multi);
    while (l->watches) {
        struct watch *w = l->watches;
        l->watches = w->next;
        sd_event_source_disable_unref(w->io);
        free(w);
    }
    sd_event_source_disable_unref(l->timer);
    sd_event_unref(l->event);
    free(l);
}

/* Why no answer came, as an errno: a caller may try again after a refused
 * or dropped connection, not after its deadline passed. */
static int transport_errno(CURLcode rc)
{
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT: return -ETIMEDOUT;
    case CURLE_COULDNT_CONNECT: return -ECONNREFUSED;
    case CURLE_SEND_ERROR: case CURLE_RECV_ERROR: case CURLE_GOT_NOTHING: return -ECONNRESET;
    default: return -EIO;
    }
}

/* One ended exchange: logged, handed over, freed. */
static void transfer_end(struct transfer *t, CURLcode rc)
{
    struct http_loop *l = t->loop;
    curl_off_t usec = 0;
    const char *why = NULL;
    int r = 0;

    cu->easy_getinfo(t->easy, CURLINFO_TOTAL_TIME_T, &usec);
    t->reply.ms = usec / 1000.0;
    if (rc == CURLE_OK) {
        cu->easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &t->reply.status);
    } else {
        why = t->errbuf[0] ? t->errbuf : cu->easy_strerror(rc);
        r = transport_errno(rc);
    }
    http_log_exchange(&t->req, &t->reply, why);
    transfer_unlink(t);
    transfer_release_curl(t);
    l->in_callback++;
    t->done(t->userdata, r, &t->reply, why);
    l->in_callback--;
    transfer_free(t);
}

/* Hand over what ended; false when a callback freed the loop. */
static bool check_done(struct http_loop *l)
{
    CURLMsg *m;
    int left;

    while (!l->freed && (m = cu->multi_info_read(l->multi, &left))) {
        struct transfer *t = NULL;
        if (m->msg != CURLMSG_DONE)
            continue;
        cu->easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
        transfer_end(t, m->data.result);
    }
    if (l->freed && l->in_callback == 0) {
        loop_destroy(l);
        return false;
    }
    return true;
}

static int on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
    struct http_loop *l = userdata;
    int action = (revents & EPOLLIN ? CURL_CSELECT_IN : 0) | (revents & EPOLLOUT ? CURL_CSELECT_OUT : 0)
                 | (revents & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0);
    int running;

    cu->multi_socket_action(l->multi, fd, action, &running);
    check_done(l);
    return 0;
}

static int on_timer(sd_event_source *s, uint64_t usec, void *userdata)
{
    struct http_loop *l = userdata;
    int running;

    cu->multi_socket_action(l->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(l);
    return 0;
}

static void watch_remove(struct http_loop *l, struct watch *w)
{
    for (struct watch **p = &l->watches; *p; p = &(*p)->next)
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
    struct http_loop *l = userp;
    struct watch *w = socketp;
    uint32_t events = (what & CURL_POLL_IN ? EPOLLIN : 0) | (what & CURL_POLL_OUT ? EPOLLOUT : 0);

    if (what == CURL_POLL_REMOVE) {
        if (w) {
            cu->multi_assign(l->multi, fd, NULL);
            watch_remove(l, w);
        }
        return 0;
    }
    if (w)
        return sd_event_source_set_io_events(w->io, events) < 0 ? -1 : 0;
    w = calloc(1, sizeof *w);
    if (!w)
        return -1;
    if (sd_event_add_io(l->event, &w->io, fd, events, on_io, l) < 0) {
        free(w);
        return -1;
    }
    w->fd = fd;
    w->next = l->watches;
    l->watches = w;
    cu->multi_assign(l->multi, fd, w);
    return 0;
}

/* CURLMOPT_TIMERFUNCTION: one timer for the whole multi handle. */
static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
    struct http_loop *l = userp;
    uint64_t now;

    if (timeout_ms < 0)
        return sd_event_source_set_enabled(l->timer, SD_EVENT_OFF) < 0 ? -1 : 0;
    sd_event_now(l->event, CLOCK_MONOTONIC, &now);
    if (sd_event_source_set_time(l->timer, now + (uint64_t)timeout_ms * 1000) < 0
        || sd_event_source_set_enabled(l->timer, SD_EVENT_ONESHOT) < 0)
        return -1;
    return 0;
}

int http_loop_new(sd_event *event, const char *what, struct http_loop **out, char **error)
{
    *out = NULL;
    int r = http_curl_load(what, error);
    if (r < 0)
        return r;
    struct http_loop *l = calloc(1, sizeof *l);
    if (!l)
        return -ENOMEM;
    l->event = sd_event_ref(event);
    if (!(l->multi = cu->multi_init())) {
        loop_destroy(l);
        return -ENOMEM;
    }
    /* Accuracy 1 ms, not sd-event's default 250 ms: curl's timeouts start
     * and end exchanges. */
    r = sd_event_add_time(event, &l->timer, CLOCK_MONOTONIC, 0, 1000, on_timer, l);
    if (r < 0 || (r = sd_event_source_set_enabled(l->timer, SD_EVENT_OFF)) < 0) {
        loop_destroy(l);
        return r;
    }
    cu->multi_setopt(l->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
    cu->multi_setopt(l->multi, CURLMOPT_SOCKETDATA, l);
    cu->multi_setopt(l->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    cu->multi_setopt(l->multi, CURLMOPT_TIMERDATA, l);
    *out = l;
    return 0;
}

void http_loop_free(struct http_loop *l)
{
    if (!l)
        return;
    if (l->in_callback) {             /* check_done frees it after the callback */
        l->freed = true;
        return;
    }
    loop_destroy(l);
}

static int copy_request(struct transfer *t, const struct http_request *req)
{
    t->req = *req;
    t->req.url = t->url = strdup(req->url);
    t->req.body = t->body = req->body ? strdup(req->body) : NULL;
    t->req.log_name = t->log_name = req->log_name ? strdup(req->log_name) : NULL;
    t->req.capture_header = t->capture = req->capture_header ? strdup(req->capture_header) : NULL;
    if (!t->url || (req->body && !t->body) || (req->log_name && !t->log_name)
        || (req->capture_header && !t->capture))
        return -ENOMEM;
    return http_request_headers(req, &t->headers);
}

int http_loop_start(struct http_loop *l, const struct http_request *req, http_done_fn done,
                    void *userdata)
{
    struct transfer *t = calloc(1, sizeof *t);

    if (!t)
        return -ENOMEM;
    *t = (struct transfer){ .loop = l, .done = done, .userdata = userdata };
    if (copy_request(t, req) < 0 || !(t->easy = cu->easy_init())) {
        transfer_free(t);
        return -ENOMEM;
    }
    t->cap = (struct http_capture){ t->capture, &t->reply };
    http_easy_setup(t->easy, &t->req, t->headers, &t->reply, &t->cap, t->errbuf);
    /* Only what outlives this call stays in the copy: the headers hold
     * the token now, and curl copied the other strings. */
    t->req.bearer_token = NULL;
    t->req.headers = NULL;
    t->req.content_type = t->req.accept = t->req.cafile = t->req.protocols = NULL;
    cu->easy_setopt(t->easy, CURLOPT_PRIVATE, t);
    if (cu->multi_add_handle(l->multi, t->easy) != CURLM_OK) {
        transfer_free(t);
        return -EIO;
    }
    t->next = l->transfers;
    l->transfers = t;
    return 0;
}

void http_loop_cancel(struct http_loop *l, void *userdata)
{
    struct transfer **p = &l->transfers;

    while (*p) {
        struct transfer *t = *p;
        if (t->userdata != userdata) {
            p = &t->next;
            continue;
        }
        *p = t->next;
        transfer_free(t);
    }
}
