/* utf8_sanitize: arbitrary bytes -> bounded, valid UTF-8 (RFC 3629). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/utf8.h"

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */

/* Length of the valid UTF-8 sequence at p (at most `avail` bytes), or 0
 * when the bytes there are not one (NUL counts as invalid). */
static size_t valid_len(const unsigned char *p, size_t avail)
{
    unsigned char c = p[0];
    unsigned char lo = 0x80, hi = 0xbf;
    size_t n;

    if (c >= 0x01 && c <= 0x7f)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0)
            lo = 0xa0;             /* overlong */
        else if (c == 0xed)
            hi = 0x9f;             /* surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0)
            lo = 0x90;             /* overlong */
        else if (c == 0xf4)
            hi = 0x8f;             /* > U+10FFFF */
    } else
        return 0;

    if (avail < n)
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xbf)
            return 0;
    return n;
}

size_t utf8_char_len(const char *p, size_t avail)
{
    return avail ? valid_len((const unsigned char *)p, avail) : 0;
}

bool utf8_valid(const char *s, size_t len)
{
    for (size_t i = 0, n; i < len; i += n)
        if (!(n = utf8_char_len(s + i, len - i)))
            return false;
    return true;
}

/* One pass over the input: the output length, or (out != NULL) the output. */
static size_t sanitize(const unsigned char *p, size_t len, size_t max_bytes, char *out)
{
    size_t i = 0, o = 0;
    while (i < len) {
        size_t n = valid_len(p + i, len - i);
        size_t out_n = n ? n : 3;
        if (o + out_n > max_bytes)
            break;                 /* truncate at a code-point boundary */
        if (out)
            memcpy(out + o, n ? (const char *)p + i : replacement, out_n);
        o += out_n;
        i += n ? n : 1;
    }
    return o;
}

char *utf8_sanitize(const char *buf, size_t len, size_t max_bytes)
{
    const unsigned char *p = (const unsigned char *)buf;
    size_t n = sanitize(p, len, max_bytes, NULL);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    sanitize(p, len, max_bytes, out);
    out[n] = '\0';
    return out;
}
