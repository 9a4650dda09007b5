#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "outputs/http.h"
#include "common/cleanup.h"

const char *http_method_name(enum http_method m)
{
    static const char *const names[] = { "GET", "POST", "PUT", "DELETE" };
    return names[m];
}

void http_global_init(void)
{
    static bool initialized;
    if (!initialized) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        initialized = true;
    }
}

void http_reply_wipe(struct http_reply *r)
{
    if (r->data) {
        explicit_bzero(r->data, r->cap);
        free(r->data);
    }
    secret_free(TAKE_PTR(r->header));
    *r = (struct http_reply){ 0 };
}

void http_slist_wipe(struct curl_slist **l)
{
    for (struct curl_slist *i = *l; i; i = i->next)
        explicit_bzero(i->data, strlen(i->data));
    curl_slist_free_all(*l);
    *l = NULL;
}

void http_curl_wipe_freep(char **s)
{
    if (*s) {
        explicit_bzero(*s, strlen(*s));
        curl_free(*s);
    }
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
    struct http_reply *r = userdata;
    size_t n = size * nmemb, k = strlen(r->capture);

    if (n > k && ptr[k] == ':' && strncasecmp(ptr, r->capture, k) == 0) {
        const char *v = ptr + k + 1;
        size_t len = n - k - 1;
        while (len && (*v == ' ' || *v == '\t'))
            v++, len--;
        while (len && strchr(" \t\r\n", v[len - 1]))
            len--;
        secret_free(TAKE_PTR(r->header));
        r->header = strndup(v, len);
    }
    return n;
}

int http_perform(CURL *c, const struct http_request *req, struct http_reply *r,
                 char errbuf[CURL_ERROR_SIZE], const char **why)
{
    curl_easy_reset(c);
    errbuf[0] = '\0';
    r->capture = req->capture_header;
    curl_easy_setopt(c, CURLOPT_URL, req->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, req->protocols);
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, req->connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, req->timeout_ms);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "virt-v2v-wrapper");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, req->headers);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
    if (req->capture_header) {
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, r);
    }
    if (req->insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    } else {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        if (req->cafile)
            curl_easy_setopt(c, CURLOPT_CAINFO, req->cafile);
        if (req->cafile_only)
            curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
    }
    switch (req->method) {
    case HTTP_GET:
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
        break;
    case HTTP_POST:
    case HTTP_PUT:
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req->body ? req->body : "");
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)(req->body ? strlen(req->body) : 0));
        if (req->method == HTTP_PUT)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
        break;
    case HTTP_DELETE:
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "DELETE");
        break;
    }

    CURLcode rc = curl_easy_perform(c);
    curl_off_t usec = 0;
    curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &usec);
    r->ms = usec / 1000.0;
    /* The body stays with the caller: make curl forget the pointer. */
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, NULL);
    if (rc != CURLE_OK) {
        *why = errbuf[0] ? errbuf : curl_easy_strerror(rc);
        return rc == CURLE_OPERATION_TIMEDOUT ? -ETIMEDOUT : -EIO;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
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

long http_env_ms(const char *name, long def)
{
    const char *v = getenv(name);
    char *end;
    if (!v || !*v)
        return def;
    double s = strtod(v, &end);
    if (*end || s < 0 || s > 86400)
        return def;
    long ms = (long)(s * 1000);
    return ms > 0 ? ms : 1;
}
