/* TEMPORARY test-only copy of throttle_request_parse() until the lead's
 * throttle/throttle_request.c lands on main (then this file goes away). */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "throttle/throttle.h"
#include "wrapper/cleanup.h"

static bool digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static int value(struct json_object *o, const char *key, bool percent, bool *present, bool *unlimited,
                 uint64_t *v, char **error)
{
    struct json_object *x;
    if (!json_object_object_get_ex(o, key, &x))
        return 0;
    *present = true;
    if (!x) {
        *unlimited = true;
        return 0;
    }
    const char *s = json_object_is_type(x, json_type_string) ? json_object_get_string(x) : NULL;
    size_t n = s ? strlen(s) : 0;
    if (s && strcmp(s, "unlimited") == 0) {
        *unlimited = true;
        return 0;
    }
    if (s && percent && n > 0 && s[n - 1] == '%')
        n--;
    if (!s || !digits(s, n) || n > 15 || (*v = strtoull(s, NULL, 10)) == 0) {
        if (asprintf(error, "invalid %s value", key) < 0)
            *error = NULL;
        return -EINVAL;
    }
    return 0;
}

int throttle_request_parse(const char *buf, size_t len, struct throttle_request *req, char **error)
{
    *req = (struct throttle_request){ 0 };
    struct json_tokener *tok = json_tokener_new();
    if (!tok)
        return -ENOMEM;
    _cleanup_json_ struct json_object *o = json_tokener_parse_ex(tok, buf, (int)len);
    bool ok = json_tokener_get_error(tok) == json_tokener_success;
    json_tokener_free(tok);
    if (!ok || !json_object_is_type(o, json_type_object)) {
        *error = strdup("not a JSON object");
        return -EINVAL;
    }
    uint64_t cpu = 0;
    int r = value(o, "cpu", true, &req->cpu_present, &req->cpu_unlimited, &cpu, error);
    if (r == 0)
        r = value(o, "network", false, &req->network_present, &req->network_unlimited,
                  &req->network_bps, error);
    req->cpu_percent = (unsigned)cpu;
    return r;
}
