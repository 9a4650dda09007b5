/* SPDX-License-Identifier: Apache-2.0 */
/* The wrapper log: timestamped, levelled lines in v2v-import-TAG-wrapper.log.
 * Until a log is opened, lines go to stderr; or, after
 * log_hold_until_open(), they are kept (16 KiB) and written into the log
 * when it opens (the wrapper: its stderr is for the one-line error only). */
#ifndef V2VW_LOG_H
#define V2VW_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARNING, LOG_LEVEL_ERROR };

/* Open (append) the wrapper log. Negative errno on failure. */
int log_open(const char *path);
/* The wrapper log: a new file NAME in DIR (0600, O_EXCL, no link, no FIFO). */
int log_open_at(int dir, const char *name);
void log_hold_until_open(void);
/* Foreground mode: also copy every line to stdout, as long as stdout takes
 * them: a line is dropped when stdout would block, and mirroring stops at
 * the first write error (EPIPE: the reader is gone). */
void log_mirror_to_stdout(bool on);
bool log_stdout_mirrored(void);
size_t log_stdout_dropped(void);
/* While mirrored: copy another program's log text (any chunking) to
 * stdout under the same rules. */
void log_stdout_copy(const char *text, size_t len);
void log_close(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Another place every line also goes (e.g. the journal): the text
 * without timestamp and level, not NUL-terminated. NULL = none. */
typedef void (*log_sink_fn)(enum log_level level, const char *text, size_t len);
void log_set_sink(log_sink_fn sink);

#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_warning(...) log_msg(LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
