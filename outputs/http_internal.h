/* SPDX-License-Identifier: Apache-2.0 */
/* Inside the HTTP layer only (http.c and http_loop.c): the libcurl
 * function table and the setup of one exchange both ways of running it
 * share. No other file includes this. */
#ifndef V2VW_HTTP_INTERNAL_H
#define V2VW_HTTP_INTERNAL_H

#include <curl/curl.h>
#include "outputs/http.h"

/* The libcurl functions the layer calls, loaded at the first client. */
struct curl_lib {
    void (*easy_cleanup)(CURL *curl);
    char *(*easy_escape)(CURL *curl, const char *string, int length);
    CURLcode (*easy_getinfo)(CURL *curl, CURLINFO info, ...);
    CURL *(*easy_init)(void);
    CURLcode (*easy_perform)(CURL *curl);
    void (*easy_reset)(CURL *curl);
    CURLcode (*easy_setopt)(CURL *curl, CURLoption option, ...);
    const char *(*easy_strerror)(CURLcode code);
    char *(*easy_unescape)(CURL *curl, const char *string, int length, int *outlength);
    void (*free)(void *p);
    CURLcode (*global_init)(long flags);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *data);
    void (*slist_free_all)(struct curl_slist *list);
    CURLU *(*url)(void);
    void (*url_cleanup)(CURLU *handle);
    CURLUcode (*url_set)(CURLU *handle, CURLUPart what, const char *part, unsigned int flags);
    const char *(*url_strerror)(CURLUcode code);
    /* the event-driven exchanges (http_loop.c) */
    CURLMcode (*multi_add_handle)(CURLM *multi, CURL *easy);
    CURLMcode (*multi_assign)(CURLM *multi, curl_socket_t fd, void *p);
    CURLMcode (*multi_cleanup)(CURLM *multi);
    CURLMsg *(*multi_info_read)(CURLM *multi, int *left);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *easy);
    CURLMcode (*multi_setopt)(CURLM *multi, CURLMoption option, ...);
    CURLMcode (*multi_socket_action)(CURLM *multi, curl_socket_t fd, int mask, int *running);
};

extern const struct curl_lib *const http_curl;

/* Load libcurl once per process; `what` names who needs it in *error. */
int http_curl_load(const char *what, char **error);

/* A response header to keep (request->capture_header) and where. */
struct http_capture {
    const char *name;
    struct http_reply *reply;
};

/* The header lines of one exchange: the request's, then those its fields
 * ask for (content type, Accept, bearer token). */
int http_request_headers(const struct http_request *req, struct curl_slist **out);
/* Every option of one exchange on a fresh or reset easy handle; headers,
 * reply, cap and errbuf (CURL_ERROR_SIZE) must outlive the exchange, and
 * so must req->body. */
void http_easy_setup(CURL *c, const struct http_request *req, struct curl_slist *headers,
                     struct http_reply *r, struct http_capture *cap, char *errbuf);
/* The one DEBUG line of an exchange. */
void http_log_exchange(const struct http_request *req, const struct http_reply *r, const char *why);

#endif
