/* SPDX-License-Identifier: Apache-2.0 */
/* json-c helpers every room building JSON documents uses. */
#ifndef V2VW_JSON_H
#define V2VW_JSON_H

#include <stdbool.h>
#include <json-c/json.h>

/* Add key -> v to object o, taking the reference of v (also on failure,
 * when v is released). v may be NULL (a failed constructor): false. */
bool json_add(struct json_object *o, const char *key, struct json_object *v);

#endif
