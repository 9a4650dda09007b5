/* SPDX-License-Identifier: Apache-2.0 */
#include <string.h>

#include "outputs/rpmvercmp.h"

/* ASCII-only classes, like rpm's risalpha/risdigit (locale independent). */
static int is_digit(char c) { return c >= '0' && c <= '9'; }
static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_alnum(char c) { return is_digit(c) || is_alpha(c); }

static const char *skip_separators(const char *p)
{
    while (*p && !is_alnum(*p) && *p != '~' && *p != '^')
        p++;
    return p;
}

/* Compare the segments [a, a_end) and [b, b_end), both numeric or both
 * alphabetic. */
static int compare_segment(const char *a, const char *a_end, const char *b, const char *b_end,
                           int numeric)
{
    if (numeric) {
        while (a < a_end && *a == '0')
            a++;
        while (b < b_end && *b == '0')
            b++;
        if (a_end - a != b_end - b)
            return a_end - a > b_end - b ? 1 : -1;
    }
    size_t la = (size_t)(a_end - a), lb = (size_t)(b_end - b);
    int rc = memcmp(a, b, la < lb ? la : lb);
    if (rc == 0 && la != lb)
        rc = la > lb ? 1 : -1;
    return rc < 0 ? -1 : rc > 0;
}

int rpmvercmp(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 0;

    const char *one = a, *two = b;
    while (*one || *two) {
        one = skip_separators(one);
        two = skip_separators(two);

        /* Tilde sorts before everything else, even the end. */
        if (*one == '~' || *two == '~') {
            if (*one != '~')
                return 1;
            if (*two != '~')
                return -1;
            one++, two++;
            continue;
        }
        /* Caret sorts after the end but before anything else. */
        if (*one == '^' || *two == '^') {
            if (!*one)
                return -1;
            if (!*two)
                return 1;
            if (*one != '^')
                return 1;
            if (*two != '^')
                return -1;
            one++, two++;
            continue;
        }
        if (!*one || !*two)
            break;

        int numeric = is_digit(*one);
        const char *e1 = one, *e2 = two;
        while (*e1 && (numeric ? is_digit(*e1) : is_alpha(*e1)))
            e1++;
        while (*e2 && (numeric ? is_digit(*e2) : is_alpha(*e2)))
            e2++;
        /* Segments of different kinds: numeric is newer. */
        if (e2 == two)
            return numeric ? 1 : -1;

        int rc = compare_segment(one, e1, two, e2, numeric);
        if (rc)
            return rc;
        one = e1;
        two = e2;
    }
    if (!*one && !*two)
        return 0;
    return *one ? 1 : -1;
}
