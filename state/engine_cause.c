/* The real cause of an engine failure. virt-v2v often ends with a generic
 * error ("nbdcopy command failed, see earlier error messages") or none at
 * all (errors of its C parts are printed as `/usr/bin/virt-v2v: TEXT`, e.g.
 * a missing LUKS key); the specific line is in the v2v log before it. Keep
 * the first such line (with its continuation lines, joined into one
 * sentence) and use it when the engine fails. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "state/engine_parser-internal.h"

#define LIT(s) (s), (sizeof(s) - 1)
#define CAUSE_MAX 1024
#define CAUSE_CONTINUATIONS 4

static bool has_prefix(const char *r, size_t n, const char *prefix, size_t plen)
{
    return n >= plen && memcmp(r, prefix, plen) == 0;
}

bool engine_error_defers(const char *msg, size_t len)
{
    return memmem(msg, len, LIT("see earlier error")) || memmem(msg, len, LIT("see preceding messages"))
        || memmem(msg, len, LIT("see earlier errors"));
}

/* Append text to a cause, a space between parts, bounded. */
static void text_append(char **buf, size_t *blen, const char *t, size_t n)
{
    while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
        n--;
    while (n > 0 && (*t == ' ' || *t == '\t'))
        t++, n--;
    size_t sep = *blen > 0 ? 1 : 0;
    if (n == 0 || *blen + sep >= CAUSE_MAX)
        return;
    if (n > CAUSE_MAX - *blen - sep)
        n = CAUSE_MAX - *blen - sep;
    if (!*buf && !(*buf = malloc(CAUSE_MAX)))
        return;
    if (sep)
        (*buf)[(*blen)++] = ' ';
    memcpy(*buf + *blen, t, n);
    *blen += n;
}

static void cause_append(struct engine_parser *p, const char *t, size_t n)
{
    text_append(&p->cause, &p->cause_len, t, n);
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* `nbdkit: NAME: error: TEXT` or `Module.NameError: TEXT` /
 * `NameException: TEXT` (the last line of a Python traceback). */
static bool lesser_cause_line(const char *r, size_t n)
{
    if (r[0] == 'n')
        return has_prefix(r, n, LIT("nbdkit: ")) && memmem(r, n < 128 ? n : 128, LIT(": error: "));
    if (!is_alpha(r[0]) || r[0] == 'l' || r[0] == 'c' || r[0] == 'g')
        return false;
    const char *sp = memchr(r, ' ', n < 64 ? n : 64);
    if (!sp || sp - r < 7 || sp[-1] != ':')
        return false;
    size_t w = (size_t)(sp - r) - 1;
    return (w >= 5 && memcmp(r + w - 5, "Error", 5) == 0) || (w >= 9 && memcmp(r + w - 9, "Exception", 9) == 0);
}

/* "WORD: " at the start (a tool's or library's tagged line) or "[": a
 * line of its own, never a continuation. */
static bool tagged_line(const char *r, size_t n)
{
    if (r[0] == '[')
        return true;
    for (size_t i = 0; i < n && i < 32; i++) {
        if (r[i] == ':')
            return i > 0 && i + 1 < n && r[i + 1] == ' ';
        if (r[i] == ' ')
            return false;
    }
    return false;
}

/* `/usr/bin/virt-v2v: TEXT`: the C parts' error(3) names the program by
 * the path it was run as (the wrapper always runs a full path); the OCaml
 * parts' messages say a bare `virt-v2v:` (errors, warnings, and also
 * informational lines): TEXT's offset. */
static size_t program_line(const char *r, size_t n)
{
    const char *colon = memmem(r, n < 256 ? n : 256, LIT(": "));
    if (!colon)
        return 0;
    size_t plen = (size_t)(colon - r);
    if (plen < 8 || memcmp(colon - 8, "virt-v2v", 8) != 0)
        return 0;
    if (plen == 8 || r[0] != '/' || colon[-9] != '/')
        return 0;
    if (memchr(r, ' ', plen))
        return 0;
    size_t t = plen + 2;
    if (has_prefix(r + t, n - t, LIT("error:")) || has_prefix(r + t, n - t, LIT("warning:"))
        || has_prefix(r + t, n - t, LIT("debug:")))
        return 0;
    return t;
}

/* `nbdcopy: ...` (2.x copying) or `qemu-img: ...` (1.x), not warnings. */
static size_t copy_tool_line(const char *r, size_t n)
{
    size_t t;
    if (has_prefix(r, n, LIT("nbdcopy: ")))
        t = 9;
    else if (has_prefix(r, n, LIT("qemu-img: ")))
        t = 10;
    else
        return 0;
    if (memmem(r + t, n - t, LIT("warning:")))
        return 0;
    return t;
}

bool engine_cause_record(struct engine_parser *p, const char *r, size_t n)
{
    if (p->cause_open > 0) {
        if (n == 0)
            return true;           /* the blank lines between paragraphs */
        if (!tagged_line(r, n)) {
            cause_append(p, r, n);
            p->cause_open--;
            return true;
        }
        p->cause_open = 0;
    }
    if (n == 0 || p->cause_len > 0)
        return false;              /* the first cause is the real one */
    if (p->cause2_len == 0 && lesser_cause_line(r, n)) {
        text_append(&p->cause2, &p->cause2_len, r, n);
        return true;
    }
    if (r[0] != 'n' && r[0] != 'q' && r[0] != '/')
        return false;              /* the hot path: most records */
    size_t t = program_line(r, n);
    if (t > 0) {
        cause_append(p, r + t, n - t);
        p->cause_open = CAUSE_CONTINUATIONS;
        return true;
    }
    if (copy_tool_line(r, n) > 0) {
        cause_append(p, r, n);     /* the tool's name says what failed */
        return true;
    }
    return false;
}

/* Never a secret in the state: the value after "password" ('=' or ':'
 * and spaces between) becomes "***". The engine gets secrets by file, so
 * this is a second line of defence for tools that echo their options. */
static void mask_passwords(char *t, size_t *len, size_t cap)
{
    static const char word[] = "password";
    for (size_t i = 0; i + sizeof word - 1 <= *len; i++) {
        if (strncasecmp(t + i, word, sizeof word - 1) != 0)
            continue;
        size_t v = i + sizeof word - 1;
        while (v < *len && (t[v] == '=' || t[v] == ':' || t[v] == ' '))
            v++;
        if (v == i + sizeof word - 1 || (t[v - 1] == ' ' && t[v - 2] != ':' && t[v - 2] != '='))
            continue;                  /* "password" as a plain word */
        size_t e = v;
        while (e < *len && t[e] != ' ' && t[e] != ',' && t[e] != '\'' && t[e] != '"')
            e++;
        if (e == v || *len + 3 - (e - v) > cap)
            continue;
        memmove(t + v + 3, t + e, *len - e);
        memcpy(t + v, "***", 3);
        *len = *len - (e - v) + 3;
        i = v + 2;
    }
}

bool engine_parser_apply_cause(struct engine_parser *p)
{
    const char *err = p->mr_error ? p->mr_error : p->v2v_error;
    size_t len = p->mr_error ? strlen(p->mr_error) : p->v2v_error_len;

    char *cause = p->cause_len ? p->cause : p->cause2;
    size_t *cause_lenp = p->cause_len ? &p->cause_len : &p->cause2_len;
    size_t cause_len = *cause_lenp;
    if (cause_len > 0)
        mask_passwords(cause, cause_lenp, CAUSE_MAX);
    cause_len = *cause_lenp;

    if (cause_len > 0 && (!err || engine_error_defers(err, len)))
        state_set_last_message(p->state, cause, cause_len);
    else if (err)
        state_set_last_message(p->state, err, len);
    return cause_len > 0 || err;
}
