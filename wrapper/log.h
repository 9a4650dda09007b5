/* The wrapper log: timestamped, levelled lines in v2v-import-TAG-wrapper.log.
 * Lines logged before the log is opened are kept (16 KiB) and written into
 * it when it opens; errors before that reach the user as the one-line
 * message on stderr, not through the log. */
#ifndef V2VW_LOG_H
#define V2VW_LOG_H

#include <stdbool.h>

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARNING, LOG_LEVEL_ERROR };

/* Open (append) the wrapper log. Negative errno on failure. */
int log_open(const char *path);
/* Foreground mode: also copy every line to stdout. */
void log_mirror_to_stdout(bool on);
void log_close(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
