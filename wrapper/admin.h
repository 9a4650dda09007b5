/* The admin command (`virt-v2v-wrapper list|watch|show|cancel|throttle|
 * metrics`): a small separate program that reads state files and nothing
 * else of the wrapper (json-c and the state metrics only). */
#ifndef V2VW_ADMIN_H
#define V2VW_ADMIN_H

#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <json-c/json.h>

/* Exit statuses (documented in the usage and the README). */
enum {
    ADMIN_OK = 0,
    ADMIN_USAGE = 1,          /* bad command line */
    ADMIN_NOT_FOUND = 2,      /* no conversion with that tag */
    ADMIN_FAILED = 3,         /* the wrapper refused or could not do it */
    ADMIN_TIMEOUT = 4,        /* no answer in time */
};

#define ADMIN_RECENT_SECONDS 86400     /* finished conversions listed for a day */

struct admin_conversion {
    char *tag;                /* 20261122T101500-4242 */
    char *state_file;         /* the real path */
    struct json_object *state;
    time_t mtime;
};

struct admin_list {
    struct admin_conversion *v;
    size_t n;
};

/* Where conversions are found: the index directory ($V2VW_INDEX_DIR, else
 * $V2VW_STATE_DIR, else /run/virt-v2v-wrapper/conversions) and the state
 * directory when $V2VW_STATE_DIR is set. */
const char *admin_index_dir(void);
/* Every conversion on the host: running, and finished within a day (all
 * when `all`), oldest first. */
int admin_load(struct admin_list *l, bool all);
void admin_list_free(struct admin_list *l);
/* The one with this tag (or the state file's path), NULL if none. */
struct admin_conversion *admin_find(struct admin_list *l, const char *tag);
/* Re-read one state file; false when it is gone or unreadable. */
bool admin_reload(struct admin_conversion *c);

/* JSON helpers on a state object. */
const char *admin_str(struct json_object *o, const char *key);
double admin_num(struct json_object *o, const char *key, double def);
bool admin_bool(struct json_object *o, const char *key);
/* "running", "stalled", "succeeded", "failed (CLASS)". */
void admin_result(struct json_object *state, char *buf, size_t size);

/* Rendering (admin_render.c). */
void admin_render_list(FILE *out, const struct admin_list *l, int width);
void admin_render_line(FILE *out, const struct admin_conversion *c);
void admin_render_show(FILE *out, const struct admin_conversion *c, int log_lines);
struct json_object *admin_list_json(const struct admin_list *l);

/* Commands. */
int admin_cmd_watch(const char *tag);
int admin_cmd_cancel(const char *tag);
int admin_cmd_throttle(const char *tag, int argc, char **argv);
int admin_cmd_metrics(void);

/* Wait until the state file of c changes (inotify on its directory) or
 * `deadline` (CLOCK_MONOTONIC seconds) passes; false on timeout. */
bool admin_wait_change(struct admin_conversion *c, double deadline);
double admin_now(void);

#endif
