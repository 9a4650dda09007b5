/* What the REST clients (oVirt, OpenStack) share on top of libcurl: one
 * bounded HTTP exchange, a reply buffer that is wiped when freed (replies
 * carry tokens), one-line texts out of server answers. */
#ifndef V2VW_HTTP_H
#define V2VW_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <curl/curl.h>
#include <json-c/json.h>

#define HTTP_MAX_REPLY (16 * 1024 * 1024)
#define HTTP_MAX_TEXT 400                 /* bytes of server text in an error */

enum http_method { HTTP_GET, HTTP_POST, HTTP_PUT, HTTP_DELETE };

struct http_request {
    enum http_method method;
    const char *url;
    struct curl_slist *headers;
    const char *body;                     /* POST/PUT; NULL = empty */
    const char *protocols;                /* "https" or "http,https" */
    bool insecure;                        /* no TLS verification */
    const char *cafile;                   /* NULL = the system's CAs */
    bool cafile_only;                     /* trust only cafile (no CA path) */
    long connect_timeout_ms, timeout_ms;  /* the call's deadline */
    const char *capture_header;           /* e.g. "X-Subject-Token": value into reply->header */
};

struct http_reply {
    char *data;                           /* NUL-terminated body, NULL = none */
    size_t len, cap;
    long status;
    char *header;                         /* the captured header's value (a secret) */
    const char *capture;                  /* internal */
    double ms;                            /* the exchange's duration */
};

const char *http_method_name(enum http_method m);
void http_global_init(void);
/* One exchange. 0 with any HTTP status in r->status, or a negative errno
 * (-ETIMEDOUT, -EIO) with *why naming the transport error (errbuf or a
 * static text) when no HTTP answer came. */
int http_perform(CURL *curl, const struct http_request *req, struct http_reply *r,
                 char errbuf[CURL_ERROR_SIZE], const char **why);
void http_reply_wipe(struct http_reply *r);
/* Free a header list after wiping its lines (they hold tokens). */
void http_slist_wipe(struct curl_slist **l);
void http_curl_wipe_freep(char **s);
/* Server text made fit for one line of an error message (bounded). */
char *http_clean_text(const char *s);
/* The string member `key` of an object, NULL if absent or not a string. */
const char *http_json_str(struct json_object *o, const char *key);
/* Seconds from the environment variable `name` (fractions allowed) as ms;
 * `def` when unset or invalid. */
long http_env_ms(const char *name, long def);

#endif
