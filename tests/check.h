/* The one helper of every C unit test.
 *
 *   CHECK(cond)                 report and count a failure, keep going
 *   CHECK(cond, fmt, ...)       the same with the details
 *   return check_finish();      "N checks, M failures"; exit status 1 if any
 */
#ifndef V2VW_TEST_CHECK_H
#define V2VW_TEST_CHECK_H

#include <stdarg.h>
#include <stdio.h>

static int failures, checks;

/* CHECK(cond) has no details: "" is a format on purpose. */
#pragma GCC diagnostic ignored "-Wformat-zero-length"

__attribute__((format(printf, 1, 2), unused)) static void check_details_(const char *fmt, ...)
{
    va_list ap;
    if (!*fmt)
        return;
    fputs(": ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

#define CHECK(cond, ...)                                                      \
    do {                                                                      \
        checks++;                                                             \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: FAIL: %s", __FILE__, __LINE__, #cond);    \
            check_details_("" __VA_ARGS__);                                   \
            fputc('\n', stderr);                                              \
            failures++;                                                       \
        }                                                                     \
    } while (0)

__attribute__((unused)) static int check_finish(void)
{
    printf("%d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}

#endif
