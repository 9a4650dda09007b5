/* SPDX-License-Identifier: Apache-2.0 */
/* The one HTTP layer of the outputs' REST clients (oVirt, OpenStack,
 * Kubernetes), on libcurl loaded on demand (common/dlib.h): the core
 * process does not link libcurl and its TLS libraries unless an output
 * that talks HTTP runs. Callers never see libcurl: they describe one
 * exchange (struct http_request) and get the reply (struct http_reply,
 * wiped when freed: replies carry tokens).
 *
 * Every exchange is bounded (connect and total timeout), never follows
 * redirects, verifies TLS unless told otherwise, and logs one DEBUG line:
 * method, URL without user part or query, status (or the transport
 * error) and milliseconds. Headers, bodies and tokens are never logged. */
#ifndef V2VW_HTTP_H
#define V2VW_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <json-c/json.h>

#define HTTP_MAX_REPLY (16 * 1024 * 1024)
#define HTTP_MAX_TEXT 400                 /* bytes of server text in an error */

#define HTTP_JSON "application/json"
#define HTTP_FORM "application/x-www-form-urlencoded"
#define HTTP_MERGE_PATCH "application/merge-patch+json"

enum http_method { HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_PATCH, HTTP_DELETE };

/* A list of "Name: value" header lines (libcurl's, opaque here). */
struct curl_slist;

struct http_request {
    enum http_method method;
    const char *url;
    struct curl_slist *headers;           /* extra lines; NULL = none */
    const char *content_type;             /* of the body; NULL = none sent */
    const char *accept;                   /* Accept:; NULL = none sent */
    const char *bearer_token;             /* Authorization: Bearer (a secret); NULL = none */
    const char *body;                     /* POST/PUT/PATCH; NULL = empty */
    const char *protocols;                /* "https" or "http,https"; NULL = "https" */
    bool insecure;                        /* no TLS verification */
    const char *cafile;                   /* NULL = the system's CAs */
    bool cafile_only;                     /* trust only cafile (no CA directory) */
    long connect_timeout_ms, timeout_ms;  /* the exchange's deadline (> 0) */
    const char *capture_header;           /* e.g. "X-Subject-Token": its value into reply->header */
    const char *log_name;                 /* who calls, in the DEBUG line ("oVirt API"); NULL = "HTTP" */
};

struct http_reply {
    char *data;                           /* NUL-terminated body, NULL = none */
    size_t len, cap;
    long status;                          /* HTTP status; 0 = no answer */
    char *header;                         /* the captured header's value (a secret) */
    double ms;                            /* the exchange's duration */
};

/* A connection (reused between exchanges). */
struct http_client;

/* Load libcurl (once per process; `what` names who needs it in the error:
 * "the oVirt client") and make a client. Negative errno and *error. */
int http_client_new(const char *what, struct http_client **c, char **error);
void http_client_free(struct http_client *c);
static inline void http_client_freep(struct http_client **c) { http_client_free(*c); }
#define _cleanup_http_client_ __attribute__((cleanup(http_client_freep)))

const char *http_method_name(enum http_method m);

/* One exchange. 0 with any HTTP status in r->status, or a negative errno
 * (-ETIMEDOUT, -EIO, -ENOMEM) with *why naming the transport error (valid
 * until the client's next exchange) when no HTTP answer came. */
int http_perform(struct http_client *c, const struct http_request *req, struct http_reply *r,
                 const char **why);
void http_reply_wipe(struct http_reply *r);
static inline void http_reply_wipep(struct http_reply *r) { http_reply_wipe(r); }
#define _cleanup_http_reply_ __attribute__((cleanup(http_reply_wipep)))

/* Append a header line to *list (libcurl must be loaded: after
 * http_client_new). -ENOMEM on failure, *list unchanged. */
int http_header_add(struct curl_slist **list, const char *line);
/* Free a header list after wiping its lines (they may hold tokens). */
void http_slist_wipe(struct curl_slist **l);
static inline void http_slist_wipep(struct curl_slist **l) { http_slist_wipe(l); }
#define _cleanup_http_headers_ __attribute__((cleanup(http_slist_wipep)))

/* URL-encode (percent-encode every byte but unreserved ones) / decode
 * `len` bytes (len 0: strlen); http_escape needs no client (NULL) once
 * libcurl is loaded. Plain malloc'd strings (wipe them with
 * secret_free when they held a secret); NULL when out of memory. */
char *http_escape(struct http_client *c, const char *s, size_t len);
char *http_unescape(struct http_client *c, const char *s, size_t len);
/* 0 when libcurl parses `url` as a URL, else -EINVAL and *why. */
int http_url_check(const char *url, const char **why);

/* Exchanges driven by an sd-event loop, for clients that must not block
 * it (the Kubernetes annotations while the engine runs): the same
 * requests, any number in flight, each answered once from the loop. */
struct sd_event;
struct http_loop;
/* r = 0 with the HTTP status in reply->status, or negative errno and
 * `why` (no HTTP answer: -ETIMEDOUT after the deadline, -ECONNREFUSED,
 * -ECONNRESET when the connection failed or broke, else -EIO). reply and
 * why are valid during the call only. */
typedef void (*http_done_fn)(void *userdata, int r, const struct http_reply *reply, const char *why);
int http_loop_new(struct sd_event *event, const char *what, struct http_loop **out, char **error);
/* Cancels the exchanges in flight: their `done` is never called. NULL is fine. */
void http_loop_free(struct http_loop *l);
/* Start one exchange (the request and its strings are copied; req->headers
 * too). `done` follows from the loop, never from inside this call.
 * Negative errno when it could not start (then `done` is not called). */
int http_loop_start(struct http_loop *l, const struct http_request *req, http_done_fn done,
                    void *userdata);

/* Abandon the exchanges in flight started with `userdata`: their `done`
 * is never called. */
void http_loop_cancel(struct http_loop *l, void *userdata);

/* Server text made fit for one line of an error message (bounded). */
char *http_clean_text(const char *s);
/* The string member `key` of an object, NULL if absent or not a string. */
const char *http_json_str(struct json_object *o, const char *key);

#endif
