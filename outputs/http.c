/* SPDX-License-Identifier: Apache-2.0 */
#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <curl/curl.h>

#include "outputs/http.h"
#include "outputs/http_internal.h"
#include "common/cleanup.h"
#include "common/dlib.h"
#include "common/error.h"
#include "common/log.h"

struct http_client {
    CURL *curl;
    char errbuf[CURL_ERROR_SIZE];
};

static struct curl_lib curl_table;
static const struct curl_lib *cu = &curl_table;
const struct curl_lib *const http_curl = &curl_table;
static bool loaded;

int http_curl_load(const char *what, char **error)
{
#define S(field) DLIB_SYMBOL(struct curl_lib, field, "curl_" #field)
    static const struct dlib_symbol syms[] = {
        S(easy_cleanup), S(easy_escape), S(easy_getinfo), S(easy_init), S(easy_perform),
        S(easy_reset), S(easy_setopt), S(easy_strerror), S(easy_unescape), S(free),
        S(global_init), S(slist_append), S(slist_free_all), S(url), S(url_cleanup),
        S(url_set), S(url_strerror),
        S(multi_add_handle), S(multi_assign), S(multi_cleanup), S(multi_info_read),
        S(multi_init), S(multi_remove_handle), S(multi_setopt), S(multi_socket_action),
    };
#undef S
    if (loaded)
        return 0;
    int r = dlib_load("libcurl.so.4", what, syms, ELEMENTSOF(syms), &curl_table, error);
    if (r < 0)
        return r;
    cu->global_init(CURL_GLOBAL_DEFAULT);
    loaded = true;
    return 0;
}

int http_client_new(const char *what, struct http_client **out, char **error)
{
    *out = NULL;
    int r = http_curl_load(what, error);
    if (r < 0)
        return r;
    struct http_client *c = calloc(1, sizeof *c);
    if (!c)
        return -ENOMEM;
    c->curl = cu->easy_init();
    if (!c->curl) {
        free(c);
        return -ENOMEM;
    }
    *out = c;
    return 0;
}

void http_client_free(struct http_client *c)
{
    if (!c)
        return;
    cu->easy_cleanup(c->curl);
    free(c);
}

const char *http_method_name(enum http_method m)
{
    static const char *const names[] = { "GET", "POST", "PUT", "PATCH", "DELETE" };
    assert((size_t)m < ELEMENTSOF(names));
    return names[m];
}

void http_reply_wipe(struct http_reply *r)
{
    if (r->data) {
        explicit_bzero(r->data, r->cap);
        free(r->data);
    }
    secret_free(r->header);
    *r = (struct http_reply){ 0 };
}

int http_header_add(struct curl_slist **list, const char *line)
{
    assert(loaded);
    struct curl_slist *l = cu->slist_append(*list, line);
    if (!l)
        return -ENOMEM;
    *list = l;
    return 0;
}

void http_slist_wipe(struct curl_slist **l)
{
    if (!*l)
        return;
    for (struct curl_slist *i = *l; i; i = i->next)
        explicit_bzero(i->data, strlen(i->data));
    cu->slist_free_all(*l);
    *l = NULL;
}

/* A string libcurl allocated, copied to plain malloc memory and wiped. */
static char *from_curl(char *s, size_t len)
{
    if (!s)
        return NULL;
    char *out = malloc(len + 1);
    if (out) {
        memcpy(out, s, len);
        out[len] = '\0';
    }
    explicit_bzero(s, len);
    cu->free(s);
    return out;
}

char *http_escape(struct http_client *c, const char *s, size_t len)
{
    assert(loaded);
    if (len == 0)
        len = strlen(s);
    if (len > INT32_MAX)
        return NULL;
    char *e = cu->easy_escape(c ? c->curl : NULL, s, (int)len);
    return from_curl(e, e ? strlen(e) : 0);
}

char *http_unescape(struct http_client *c, const char *s, size_t len)
{
    assert(loaded);
    int outlen = 0;
    if (len == 0)
        len = strlen(s);
    if (len > INT32_MAX)
        return NULL;
    char *u = cu->easy_unescape(c->curl, s, (int)len, &outlen);
    return from_curl(u, u ? (size_t)outlen : 0);
}

int http_url_check(const char *url, const char **why)
{
    assert(loaded);
    CURLU *u = cu->url();
    if (!u) {
        *why = "out of memory";
        return -ENOMEM;
    }
    CURLUcode uc = cu->url_set(u, CURLUPART_URL, url, 0);
    cu->url_cleanup(u);
    if (uc != CURLUE_OK) {
        *why = cu->url_strerror(uc);
        return -EINVAL;
    }
    return 0;
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct http_reply *r = userdata;
    size_t n = size * nmemb;

    if (n > HTTP_MAX_REPLY - r->len)
        return 0;                           /* makes curl fail the transfer */
    if (r->len + n + 1 > r->cap) {
        size_t cap = r->cap ? r->cap : 4096;
        while (cap < r->len + n + 1)
            cap *= 2;
        char *data = malloc(cap);           /* not realloc: the old buffer is wiped */
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

static size_t on_header(char *ptr, size_t size, size_t nmemb, void *userdata)
{
    struct http_capture *cap = userdata;
    size_t n = size * nmemb, k = strlen(cap->name);

    if (n > k && ptr[k] == ':' && strncasecmp(ptr, cap->name, k) == 0) {
        const char *v = ptr + k + 1;
        size_t len = n - k - 1;
        while (len && (*v == ' ' || *v == '\t'))
            v++, len--;
        while (len && strchr(" \t\r\n", v[len - 1]))
            len--;
        secret_free(cap->reply->header);
        cap->reply->header = strndup(v, len);
        if (!cap->reply->header)
            return 0;
    }
    return n;
}

/* The headers of one exchange: the caller's, then the ones the request's
 * fields ask for. */
int http_request_headers(const struct http_request *req, struct curl_slist **out)
{
    _cleanup_http_headers_ struct curl_slist *h = NULL;
    for (const struct curl_slist *i = req->headers; i; i = i->next)
        if (http_header_add(&h, i->data) < 0)
            return -ENOMEM;
    char *line = NULL;
    if (req->content_type) {
        if (asprintf(&line, "Content-Type: %s", req->content_type) < 0)
            return -ENOMEM;
        int r = http_header_add(&h, line);
        free(line);
        if (r < 0)
            return r;
    }
    if (req->accept) {
        if (asprintf(&line, "Accept: %s", req->accept) < 0)
            return -ENOMEM;
        int r = http_header_add(&h, line);
        free(line);
        if (r < 0)
            return r;
    }
    if (req->bearer_token) {
        if (asprintf(&line, "Authorization: Bearer %s", req->bearer_token) < 0)
            return -ENOMEM;
        int r = http_header_add(&h, line);
        secret_free(line);
        if (r < 0)
            return r;
    }
    *out = TAKE_PTR(h);
    return 0;
}

/* scheme://host[:port]/path of `url`: no user part, no query, no fragment. */
void http_log_exchange(const struct http_request *req, const struct http_reply *r, const char *why)
{
    const char *url = req->url, *sep = strstr(url, "://");
    const char *auth = sep ? sep + 3 : url;
    size_t auth_len = strcspn(auth, "/?#");
    const char *at = memrchr(auth, '@', auth_len);
    const char *host = at ? at + 1 : auth;
    size_t rest = strcspn(host, "?#");
    const char *name = req->log_name ? req->log_name : "HTTP";

    if (why)
        log_debug("%s: %s %.*s%.*s: %s (%.1f ms)", name, http_method_name(req->method),
                  sep ? (int)(sep + 3 - url) : 0, url, (int)rest, host, why, r->ms);
    else
        log_debug("%s: %s %.*s%.*s -> HTTP %ld (%.1f ms)", name, http_method_name(req->method),
                  sep ? (int)(sep + 3 - url) : 0, url, (int)rest, host, r->status, r->ms);
}

static void set_method(CURL *c, const struct http_request *req)
{
    switch (req->method) {
    case HTTP_GET:
        cu->easy_setopt(c, CURLOPT_HTTPGET, 1L);
        break;
    case HTTP_POST:
    case HTTP_PUT:
    case HTTP_PATCH:
        cu->easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        cu->easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)(req->body ? strlen(req->body) : 0));
        if (req->method != HTTP_POST)
            cu->easy_setopt(c, CURLOPT_CUSTOMREQUEST, http_method_name(req->method));
        break;
    case HTTP_DELETE:
        cu->easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
        break;
    }
}

static void set_tls(CURL *c, const struct http_request *req)
{
    if (req->insecure) {
        cu->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        cu->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
        return;
    }
    cu->easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    cu->easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (req->cafile)
        cu->easy_setopt(c, CURLOPT_CAINFO, req->cafile);
    if (req->cafile_only)
        cu->easy_setopt(c, CURLOPT_CAPATH, NULL);
}

void http_easy_setup(CURL *c, const struct http_request *req, struct curl_slist *headers,
                     struct http_reply *r, struct http_capture *cap, char *errbuf)
{
    assert(req->url && req->connect_timeout_ms > 0 && req->timeout_ms > 0);
    errbuf[0] = '\0';
    cu->easy_setopt(c, CURLOPT_URL, req->url);
    cu->easy_setopt(c, CURLOPT_PROTOCOLS_STR, req->protocols ? req->protocols : "https");
    cu->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    cu->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    cu->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                    req->connect_timeout_ms < req->timeout_ms ? req->connect_timeout_ms : req->timeout_ms);
    cu->easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms);
    cu->easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    cu->easy_setopt(c, CURLOPT_USERAGENT, "virt-v2v-wrapper");
    cu->easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    cu->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    cu->easy_setopt(c, CURLOPT_WRITEDATA, r);
    if (req->capture_header) {
        cu->easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        cu->easy_setopt(c, CURLOPT_HEADERDATA, cap);
    }
    set_tls(c, req);
    set_method(c, req);
}

int http_perform(struct http_client *hc, const struct http_request *req, struct http_reply *r,
                 const char **why)
{
    CURL *c = hc->curl;
    _cleanup_http_headers_ struct curl_slist *headers = NULL;
    struct http_capture cap = { req->capture_header, r };

    *why = NULL;
    if (http_request_headers(req, &headers) < 0) {
        *why = "out of memory";
        return -ENOMEM;
    }
    cu->easy_reset(c);
    http_easy_setup(c, req, headers, r, &cap, hc->errbuf);

    CURLcode rc = cu->easy_perform(c);
    curl_off_t usec = 0;
    cu->easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &usec);
    r->ms = usec / 1000.0;
    /* The body and headers stay with us: make curl forget the pointers. */
    cu->easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
    cu->easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    if (rc != CURLE_OK) {
        *why = hc->errbuf[0] ? hc->errbuf : cu->easy_strerror(rc);
        http_log_exchange(req, r, *why);
        return rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EIO;
    }
    cu->easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    http_log_exchange(req, r, NULL);
    return 0;
}

char *http_clean_text(const char *s)
{
    size_t len = strnlen(s, HTTP_MAX_TEXT);
    char *out = strndup(s, len);
    if (!out)
        return NULL;
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
    return out;
}

const char *http_json_str(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
        return NULL;
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}
