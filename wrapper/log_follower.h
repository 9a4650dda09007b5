/* SPDX-License-Identifier: Apache-2.0 */
/* Follow a file the engine appends to, as it grows (inotify), and hand the
 * new bytes to a parser. Never re-reads from the start. */
#ifndef V2VW_LOG_FOLLOWER_H
#define V2VW_LOG_FOLLOWER_H

#include <stddef.h>
#include <systemd/sd-event.h>

typedef void (*follower_feed_fn)(void *userdata, const char *buf, size_t len);

struct log_follower;

int log_follower_new(sd_event *event, const char *path, follower_feed_fn feed, void *userdata,
                     struct log_follower **out);
/* Read everything there is now (also called at the engine's end). */
void log_follower_drain(struct log_follower *f);
void log_follower_free(struct log_follower *f);

#endif
