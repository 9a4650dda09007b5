/* UTF-8 (RFC 3629): the one decoder every room uses. */
#ifndef V2VW_UTF8_H
#define V2VW_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the well-formed UTF-8 sequence at p (at most `avail` bytes), or
 * 0 when the bytes there are not one: overlongs, surrogates, code points
 * past U+10FFFF and NUL are not. */
size_t utf8_char_len(const char *p, size_t avail);
/* All `len` bytes are well-formed UTF-8 without NUL. */
bool utf8_valid(const char *s, size_t len);
/* Turn arbitrary bytes into a bounded, valid UTF-8, NUL-terminated string
 * (invalid sequences and NULs become U+FFFD, truncated at a code point
 * boundary to at most max_bytes). Caller frees; NULL on out of memory. */
char *utf8_sanitize(const char *buf, size_t len, size_t max_bytes);

#endif
