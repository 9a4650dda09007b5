/* SPDX-License-Identifier: Apache-2.0 */
/* Streaming parser of the engine's two logs (ENGINE-OUTPUT.md).
 *
 * Feed it the bytes of the v2v log and of the machine-readable log in
 * whatever chunks they arrive (a byte at a time works); it splits records on
 * both '\r' and '\n', keeps at most ENGINE_PARSER_MAX_RECORD bytes of a
 * partial record (the rest of an overlong record is skipped, never
 * buffered), and updates the conversion state as it goes. Copy state
 * (current disk, progress, disk paths, vm_id; disk ids as events) comes from the v2v
 * log; stage messages and errors come from the machine-readable log (the
 * v2v log's `virt-v2v: error:` line is used only when the machine-readable
 * log gave none). Understands virt-v2v 1.x and 2.x. */
#ifndef V2VW_ENGINE_PARSER_H
#define V2VW_ENGINE_PARSER_H

#include <stdbool.h>
#include <stddef.h>
#include "state/state.h"

#define ENGINE_PARSER_MAX_RECORD 65536

struct engine_parser;

/* What the engine reported that is not client state (the output that
 * needs it keeps it): handed over as it is read, every time it is seen. */
enum engine_event {
    ENGINE_EVENT_DISK_ID,              /* rhv-upload `disk.id = 'UUID'` */
    ENGINE_EVENT_VM_ID,                /* also the state's vm_id */
    ENGINE_EVENT_OSP_VOLUME,           /* -o openstack `openstack ... volume show UUID` */
};
/* value: NUL-terminated, valid UTF-8, valid only during the call. */
typedef void (*engine_event_fn)(void *userdata, enum engine_event ev, const char *value);

struct engine_parser *engine_parser_new(struct conversion_state *state);
void engine_parser_on_event(struct engine_parser *p, engine_event_fn fn, void *userdata);
void engine_parser_free(struct engine_parser *p);

void engine_parser_feed_v2v_log(struct engine_parser *p, const char *buf, size_t len);
void engine_parser_feed_mr_log(struct engine_parser *p, const char *buf, size_t len);
/* End of input (engine exited): treat buffered partial records as complete. */
void engine_parser_flush(struct engine_parser *p);
/* The engine failed: make last_message the most specific error it printed
 * (the machine-readable error when it says something itself; when it only
 * points to earlier messages, or there is none, the first specific error
 * line of the v2v log such as `nbdcopy: write at offset N failed: No space
 * left on device`). Leaves last_message alone when the engine printed no
 * error at all (returns false then). */
bool engine_parser_apply_cause(struct engine_parser *p);

#endif
