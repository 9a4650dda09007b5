/* Finding the conversions of this host: the state files in the index
 * directory (where each wrapper links its state file) and in the state
 * directory. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "wrapper/admin.h"
#include "common/cleanup.h"

#define STATE_FILE_MAX (1024 * 1024)
#define PREFIX "v2v-import-"
#define SUFFIX ".state"

const char *admin_index_dir(void)
{
    const char *v = getenv("V2VW_INDEX_DIR");
    if (v && *v)
        return v;
    v = getenv("V2VW_STATE_DIR");
    if (v && *v)
        return v;
    return "/run/virt-v2v-wrapper/conversions";
}

double admin_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *admin_str(struct json_object *o, const char *key)
{
    struct json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

double admin_num(struct json_object *o, const char *key, double def)
{
    struct json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v)
        || !(json_object_is_type(v, json_type_int) || json_object_is_type(v, json_type_double)))
        return def;
    return json_object_get_double(v);
}

bool admin_bool(struct json_object *o, const char *key)
{
    struct json_object *v;
    return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_boolean)
        && json_object_get_boolean(v);
}

void admin_result(struct json_object *state, char *buf, size_t size)
{
    struct json_object *lm = NULL;
    json_object_object_get_ex(state, "last_message", &lm);
    if (!admin_bool(state, "finished"))
        snprintf(buf, size, "%s", admin_bool(state, "stalled") ? "stalled" : "running");
    else if (!admin_bool(state, "failed"))
        snprintf(buf, size, "succeeded");
    else
        snprintf(buf, size, "failed (%s)", admin_str(lm, "class") ? admin_str(lm, "class") : "unknown");
}

static struct json_object *read_state(const char *path, time_t *mtime)
{
    _cleanup_fclose_ FILE *f = fopen(path, "re");
    struct stat st;
    if (!f || fstat(fileno(f), &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > STATE_FILE_MAX)
        return NULL;
    _cleanup_free_ char *buf = malloc((size_t)st.st_size + 1);
    if (!buf)
        return NULL;
    size_t n = fread(buf, 1, (size_t)st.st_size, f);
    buf[n] = '\0';
    *mtime = st.st_mtime;
    struct json_object *o = json_tokener_parse(buf);
    if (o && !json_object_is_type(o, json_type_object)) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

bool admin_reload(struct admin_conversion *c)
{
    time_t mtime;
    struct json_object *o = read_state(c->state_file, &mtime);
    if (!o)
        return false;
    json_object_put(c->state);
    c->state = o;
    c->mtime = mtime;
    return true;
}

static bool recent(const struct admin_conversion *c)
{
    return !admin_bool(c->state, "finished") || time(NULL) - c->mtime <= ADMIN_RECENT_SECONDS;
}

static int add_entry(struct admin_list *l, const char *dir, const char *name, bool all)
{
    _cleanup_free_ char *path = NULL, *real = NULL, *tag = NULL;
    size_t nlen = strlen(name);
    if (nlen <= strlen(PREFIX) + strlen(SUFFIX) || strncmp(name, PREFIX, strlen(PREFIX)) != 0
        || strcmp(name + nlen - strlen(SUFFIX), SUFFIX) != 0)
        return 0;
    if (asprintf(&path, "%s/%s", dir, name) < 0)
        return -ENOMEM;
    if (!(real = realpath(path, NULL)))
        return 0;                      /* a link to a removed file */
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].state_file, real) == 0)
            return 0;
    tag = strndup(name + strlen(PREFIX), nlen - strlen(PREFIX) - strlen(SUFFIX));
    struct admin_conversion c = { .tag = tag, .state_file = real };
    if (!tag || !admin_reload(&c))
        return 0;
    if (!all && !recent(&c)) {
        json_object_put(c.state);
        return 0;
    }
    struct admin_conversion *v = realloc(l->v, (l->n + 1) * sizeof *v);
    if (!v) {
        json_object_put(c.state);
        return -ENOMEM;
    }
    l->v = v;
    tag = real = NULL;
    l->v[l->n++] = c;
    return 0;
}

static int scan(struct admin_list *l, const char *dir, bool all)
{
    _cleanup_closedir_ DIR *d = opendir(dir);
    struct dirent *e;
    if (!d)
        return errno == ENOENT ? 0 : -errno;
    while ((e = readdir(d)))
        if (add_entry(l, dir, e->d_name, all) < 0)
            return -ENOMEM;
    return 0;
}

static int by_start(const void *a, const void *b)
{
    const struct admin_conversion *x = a, *y = b;
    return strcmp(x->tag, y->tag);     /* tags start with the start time */
}

int admin_load(struct admin_list *l, bool all)
{
    const char *state_dir = getenv("V2VW_STATE_DIR");
    int r = scan(l, admin_index_dir(), all);
    if (r >= 0 && state_dir && *state_dir)
        r = scan(l, state_dir, all);
    if (l->n > 1)
        qsort(l->v, l->n, sizeof l->v[0], by_start);
    return r;
}

void admin_list_free(struct admin_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].tag);
        free(l->v[i].state_file);
        json_object_put(l->v[i].state);
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

struct admin_conversion *admin_find(struct admin_list *l, const char *tag)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].tag, tag) == 0 || strcmp(l->v[i].state_file, tag) == 0)
            return &l->v[i];
    return NULL;
}
