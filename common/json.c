/* SPDX-License-Identifier: Apache-2.0 */
#include "common/json.h"

bool json_add(struct json_object *o, const char *key, struct json_object *v)
{
    if (!v)
        return false;
    if (json_object_object_add(o, key, v) < 0) {
        json_object_put(v);
        return false;
    }
    return true;
}
