/* What the API clients of the outputs (oVirt, Kubernetes) share on top of
 * libcurl: reply buffers that are wiped (they may hold tokens), header lists
 * that are wiped, server text made fit for one log line, and TLS settings
 * that trust only the given CA file. */
#ifndef V2VW_HTTP_H
#define V2VW_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <curl/curl.h>

#define HTTP_MAX_REPLY (16 * 1024 * 1024)
#define HTTP_MAX_TEXT 400

struct http_reply {
    char *data;              /* NUL-terminated, NULL when empty */
    size_t len, cap;
    long status;             /* HTTP status, 0 = none */
};

/* Initialize libcurl once per process. */
void http_global_init(void);
/* CURLOPT_WRITEFUNCTION for a struct http_reply (CURLOPT_WRITEDATA);
 * longer replies than HTTP_MAX_REPLY fail the transfer. */
size_t http_reply_on_data(char *ptr, size_t size, size_t nmemb, void *userdata);
void http_reply_wipe(struct http_reply *r);
/* Free a header list, overwriting it first (Authorization). */
void http_slist_wipe(struct curl_slist **l);
/* At most HTTP_MAX_TEXT bytes of s with control characters as spaces. */
char *http_clean_text(const char *s);
/* HTTPS only, no redirects, no signals, verified against `cafile` alone
 * (or not verified at all when insecure). */
void http_setup_common(CURL *c, const char *cafile, bool insecure, char *errbuf);

#endif
