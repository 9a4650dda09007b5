/* SPDX-License-Identifier: Apache-2.0 */
/* Watching a conversion's throttling file (CONTRACT §8) from the sd-event
 * loop: each complete file that appears is parsed, handed to the callback
 * and removed. */
#ifndef V2VW_THROTTLE_WATCH_H
#define V2VW_THROTTLE_WATCH_H

#include <systemd/sd-event.h>

#include "throttle/throttle.h"

/* req is NULL on error; error is then one human sentence. Both are only
 * valid during the call. */
typedef void (*throttle_watch_fn)(void *userdata, const struct throttle_request *req,
                                  const char *error);

struct throttle_watch;

/* Watch `path` (its directory must exist). A file already there is handled
 * at the next loop iteration. Negative errno. */
int throttle_watch_new(sd_event *e, const char *path, throttle_watch_fn fn, void *userdata,
                       struct throttle_watch **out);
void throttle_watch_free(struct throttle_watch *w);

#endif
