#include <stdlib.h>
#include <string.h>

#include "outputs/http.h"

void http_global_init(void)
{
    static bool initialized;
    if (!initialized) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        initialized = true;
    }
}

size_t http_reply_on_data(char *ptr, size_t size, size_t nmemb, void *userdata)
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

void http_reply_wipe(struct http_reply *r)
{
    if (r->data) {
        explicit_bzero(r->data, r->cap);
        free(r->data);
    }
    *r = (struct http_reply){ 0 };
}

void http_slist_wipe(struct curl_slist **l)
{
    for (struct curl_slist *i = *l; i; i = i->next)
        explicit_bzero(i->data, strlen(i->data));
    curl_slist_free_all(*l);
    *l = NULL;
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

void http_setup_common(CURL *c, const char *cafile, bool insecure, char *errbuf)
{
    errbuf[0] = '\0';
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "virt-v2v-wrapper");
    if (insecure) {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
    } else {
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
        curl_easy_setopt(c, CURLOPT_CAINFO, cafile);
        curl_easy_setopt(c, CURLOPT_CAPATH, NULL);   /* only this CA */
    }
}
