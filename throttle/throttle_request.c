/* Throttling requests (CONTRACT §8): the input's `throttling` key and the
 * throttling file share one form and one validator. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "throttle/throttle.h"
#include "common/cleanup.h"
#include "common/error.h"

#define CPU_PERCENT_MAX 100000u               /* 1000 CPUs */

static int request_error(char **error, const char *what, const char *key, const char *problem)
{
    return error_set(error, -EINVAL, "%s: \"%s\" %s", what, key, problem);
}

/* Digits only, no sign, no leading junk, fits in uint64. */
static bool parse_digits(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0 || len > 19)
        return false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    *out = v;
    return true;
}

static int parse_cpu(struct json_object *v, const char *what, struct throttle_request *req,
                     char **error)
{
    req->cpu_present = true;
    if (!v) {
        req->cpu_unlimited = true;
        return 0;
    }
    if (!json_object_is_type(v, json_type_string))
        return request_error(error, what, "cpu", "must be a string like \"50%\", \"unlimited\" or null");
    const char *s = json_object_get_string(v);
    size_t len = (size_t)json_object_get_string_len(v);
    if (strlen(s) == len && strcmp(s, "unlimited") == 0) {
        req->cpu_unlimited = true;
        return 0;
    }
    if (len > 0 && s[len - 1] == '%')
        len--;
    uint64_t pct;
    if (!parse_digits(s, len, &pct) || pct == 0 || pct > CPU_PERCENT_MAX)
        return request_error(error, what, "cpu",
                             "must be a whole percent of one CPU (1 to 100000, e.g. \"50%\"), \"unlimited\" or null");
    req->cpu_unlimited = false;
    req->cpu_percent = (unsigned)pct;
    return 0;
}

static int parse_network(struct json_object *v, const char *what, struct throttle_request *req,
                         char **error)
{
    req->network_present = true;
    if (!v) {
        req->network_unlimited = true;
        return 0;
    }
    if (!json_object_is_type(v, json_type_string))
        return request_error(error, what, "network", "must be a string of digits (bytes per second), \"unlimited\" or null");
    const char *s = json_object_get_string(v);
    size_t len = (size_t)json_object_get_string_len(v);
    if (strlen(s) == len && strcmp(s, "unlimited") == 0) {
        req->network_unlimited = true;
        return 0;
    }
    uint64_t bps;
    if (!parse_digits(s, len, &bps) || bps == 0)
        return request_error(error, what, "network",
                             "must be a positive number of bytes per second as a string of digits, \"unlimited\" or null");
    req->network_unlimited = false;
    req->network_bps = bps;
    return 0;
}

int throttle_request_from_json(struct json_object *obj, const char *what,
                               struct throttle_request *req, char **error)
{
    struct json_object *v;

    *req = (struct throttle_request){ 0 };
    *error = NULL;
    if (!json_object_is_type(obj, json_type_object))
        return error_set(error, -EINVAL, "%s must be a JSON object", what);
    if (json_object_object_get_ex(obj, "cpu", &v)) {
        int r = parse_cpu(v, what, req, error);
        if (r < 0)
            return r;
    }
    if (json_object_object_get_ex(obj, "network", &v)) {
        int r = parse_network(v, what, req, error);
        if (r < 0)
            return r;
    }
    return 0;
}

int throttle_request_parse(const char *buf, size_t len, struct throttle_request *req,
                           char **error)
{
    _cleanup_(json_tokener_freep) struct json_tokener *tok = json_tokener_new();
    _cleanup_json_ struct json_object *obj = NULL;

    *req = (struct throttle_request){ 0 };
    *error = NULL;
    if (!tok)
        return -ENOMEM;
    if (len > INT32_MAX || memchr(buf, '\0', len)) {
        return error_set(error, -EINVAL, "throttling file is not valid JSON");
    }
    obj = json_tokener_parse_ex(tok, buf, (int)len);
    if (!obj || json_tokener_get_error(tok) != json_tokener_success) {
        return error_set(error, -EINVAL, "throttling file is not valid JSON");
    }
    /* Trailing garbage after the object is an error too. */
    size_t used = json_tokener_get_parse_end(tok);
    while (used < len && strchr(" \t\r\n", buf[used]))
        used++;
    if (used != len) {
        return error_set(error, -EINVAL, "throttling file has data after the JSON object");
    }
    return throttle_request_from_json(obj, "throttling file", req, error);
}

void throttle_cpu_text(const struct throttle_request *req, char *buf, size_t size)
{
    if (req->cpu_unlimited)
        snprintf(buf, size, "unlimited");
    else
        snprintf(buf, size, "%u%%", req->cpu_percent);
}

void throttle_network_text(const struct throttle_request *req, char *buf, size_t size)
{
    if (req->network_unlimited)
        snprintf(buf, size, "unlimited");
    else
        snprintf(buf, size, "%" PRIu64, req->network_bps);
}
