/* SPDX-License-Identifier: Apache-2.0 */
/* The sd_* functions the project calls, forwarded to libsystemd loaded on
 * demand (common/systemd_lib.h). The headers declare every function: the
 * compiler checks each forwarder against them. A variadic function goes
 * to its va_list twin (sd_bus_message_append -> sd_bus_message_appendv). */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>
/* The location fields would name this file, not the caller. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "common/cleanup.h"
#include "common/dlib.h"
#include "common/systemd_lib.h"

#define SYSTEMD_FUNCTIONS(X) \
    X(sd_bus_attach_event) \
    X(sd_bus_call) \
    X(sd_bus_call_methodv) \
    X(sd_bus_detach_event) \
    X(sd_bus_error_free) \
    X(sd_bus_error_get_errno) \
    X(sd_bus_error_has_name) \
    X(sd_bus_error_is_set) \
    X(sd_bus_flush_close_unref) \
    X(sd_bus_get_property_string) \
    X(sd_bus_get_property_trivial) \
    X(sd_bus_match_signal) \
    X(sd_bus_message_append_strv) \
    X(sd_bus_message_appendv) \
    X(sd_bus_message_close_container) \
    X(sd_bus_message_enter_container) \
    X(sd_bus_message_exit_container) \
    X(sd_bus_message_new_method_call) \
    X(sd_bus_message_open_container) \
    X(sd_bus_message_read_basic) \
    X(sd_bus_message_readv) \
    X(sd_bus_message_skip) \
    X(sd_bus_message_unref) \
    X(sd_bus_new) \
    X(sd_bus_open_system) \
    X(sd_bus_path_encode) \
    X(sd_bus_process) \
    X(sd_bus_set_address) \
    X(sd_bus_set_method_call_timeout) \
    X(sd_bus_slot_unref) \
    X(sd_bus_start) \
    X(sd_bus_wait) \
    X(sd_event_add_child) \
    X(sd_event_add_defer) \
    X(sd_event_add_inotify) \
    X(sd_event_add_io) \
    X(sd_event_add_signal) \
    X(sd_event_add_time) \
    X(sd_event_add_time_relative) \
    X(sd_event_default) \
    X(sd_event_exit) \
    X(sd_event_loop) \
    X(sd_event_new) \
    X(sd_event_now) \
    X(sd_event_ref) \
    X(sd_event_run) \
    X(sd_event_source_disable_unref) \
    X(sd_event_source_get_enabled) \
    X(sd_event_source_get_event) \
    X(sd_event_source_set_enabled) \
    X(sd_event_source_set_io_events) \
    X(sd_event_source_set_time) \
    X(sd_event_source_set_time_relative) \
    X(sd_event_unref) \
    X(sd_journal_sendv)

struct systemd_table {
#define FIELD(name) __typeof__(name) *name;
    SYSTEMD_FUNCTIONS(FIELD)
#undef FIELD
};

static struct systemd_table table;
static bool loaded;

int systemd_lib_load(char **error)
{
#define SYMBOL(name) DLIB_SYMBOL(struct systemd_table, name, #name),
    static const struct dlib_symbol syms[] = { SYSTEMD_FUNCTIONS(SYMBOL) };
#undef SYMBOL
    if (loaded)
        return 0;
    int r = dlib_load("libsystemd.so.0", "the event loop, D-Bus and the journal", syms,
                      ELEMENTSOF(syms), &table, error);
    loaded = r >= 0;
    return r;
}

static const struct systemd_table *sd(void)
{
    _cleanup_free_ char *error = NULL;
    if (systemd_lib_load(&error) < 0) {
        fprintf(stderr, "virt-v2v-wrapper: %s\n", error ? error : "out of memory");
        exit(EXIT_FAILURE);
    }
    return &table;
}

int sd_bus_attach_event(sd_bus *a0, sd_event *a1, int a2)
{
    return sd()->sd_bus_attach_event(a0, a1, a2);
}

int sd_bus_call(sd_bus *a0, sd_bus_message *a1, uint64_t a2, sd_bus_error *a3, sd_bus_message **a4)
{
    return sd()->sd_bus_call(a0, a1, a2, a3, a4);
}

int sd_bus_call_method(sd_bus *a0, const char *a1, const char *a2, const char *a3, const char *a4, sd_bus_error *a5, sd_bus_message **a6, const char *a7, ...)
{
    va_list ap;
    va_start(ap, a7);
    int r = sd()->sd_bus_call_methodv(a0, a1, a2, a3, a4, a5, a6, a7, ap);
    va_end(ap);
    return r;
}

int sd_bus_detach_event(sd_bus *a0)
{
    return sd()->sd_bus_detach_event(a0);
}

void sd_bus_error_free(sd_bus_error *a0)
{
    sd()->sd_bus_error_free(a0);
}

int sd_bus_error_get_errno(const sd_bus_error *a0)
{
    return sd()->sd_bus_error_get_errno(a0);
}

int sd_bus_error_has_name(const sd_bus_error *a0, const char *a1)
{
    return sd()->sd_bus_error_has_name(a0, a1);
}

int sd_bus_error_is_set(const sd_bus_error *a0)
{
    return sd()->sd_bus_error_is_set(a0);
}

sd_bus *sd_bus_flush_close_unref(sd_bus *a0)
{
    return sd()->sd_bus_flush_close_unref(a0);
}

int sd_bus_get_property_string(sd_bus *a0, const char *a1, const char *a2, const char *a3, const char *a4, sd_bus_error *a5, char **a6)
{
    return sd()->sd_bus_get_property_string(a0, a1, a2, a3, a4, a5, a6);
}

int sd_bus_get_property_trivial(sd_bus *a0, const char *a1, const char *a2, const char *a3, const char *a4, sd_bus_error *a5, char a6, void *a7)
{
    return sd()->sd_bus_get_property_trivial(a0, a1, a2, a3, a4, a5, a6, a7);
}

int sd_bus_match_signal(sd_bus *a0, sd_bus_slot **a1, const char *a2, const char *a3, const char *a4, const char *a5, sd_bus_message_handler_t a6, void *a7)
{
    return sd()->sd_bus_match_signal(a0, a1, a2, a3, a4, a5, a6, a7);
}

int sd_bus_message_append(sd_bus_message *a0, const char *a1, ...)
{
    va_list ap;
    va_start(ap, a1);
    int r = sd()->sd_bus_message_appendv(a0, a1, ap);
    va_end(ap);
    return r;
}

int sd_bus_message_append_strv(sd_bus_message *a0, char **a1)
{
    return sd()->sd_bus_message_append_strv(a0, a1);
}

int sd_bus_message_appendv(sd_bus_message *a0, const char *a1, va_list a2)
{
    return sd()->sd_bus_message_appendv(a0, a1, a2);
}

int sd_bus_message_close_container(sd_bus_message *a0)
{
    return sd()->sd_bus_message_close_container(a0);
}

int sd_bus_message_enter_container(sd_bus_message *a0, char a1, const char *a2)
{
    return sd()->sd_bus_message_enter_container(a0, a1, a2);
}

int sd_bus_message_exit_container(sd_bus_message *a0)
{
    return sd()->sd_bus_message_exit_container(a0);
}

int sd_bus_message_new_method_call(sd_bus *a0, sd_bus_message **a1, const char *a2, const char *a3, const char *a4, const char *a5)
{
    return sd()->sd_bus_message_new_method_call(a0, a1, a2, a3, a4, a5);
}

int sd_bus_message_open_container(sd_bus_message *a0, char a1, const char *a2)
{
    return sd()->sd_bus_message_open_container(a0, a1, a2);
}

int sd_bus_message_read(sd_bus_message *a0, const char *a1, ...)
{
    va_list ap;
    va_start(ap, a1);
    int r = sd()->sd_bus_message_readv(a0, a1, ap);
    va_end(ap);
    return r;
}

int sd_bus_message_read_basic(sd_bus_message *a0, char a1, void *a2)
{
    return sd()->sd_bus_message_read_basic(a0, a1, a2);
}

int sd_bus_message_skip(sd_bus_message *a0, const char *a1)
{
    return sd()->sd_bus_message_skip(a0, a1);
}

sd_bus_message *sd_bus_message_unref(sd_bus_message *a0)
{
    return sd()->sd_bus_message_unref(a0);
}

int sd_bus_new(sd_bus **a0)
{
    return sd()->sd_bus_new(a0);
}

int sd_bus_open_system(sd_bus **a0)
{
    return sd()->sd_bus_open_system(a0);
}

int sd_bus_path_encode(const char *a0, const char *a1, char **a2)
{
    return sd()->sd_bus_path_encode(a0, a1, a2);
}

int sd_bus_process(sd_bus *a0, sd_bus_message **a1)
{
    return sd()->sd_bus_process(a0, a1);
}

int sd_bus_set_address(sd_bus *a0, const char *a1)
{
    return sd()->sd_bus_set_address(a0, a1);
}

int sd_bus_set_method_call_timeout(sd_bus *a0, uint64_t a1)
{
    return sd()->sd_bus_set_method_call_timeout(a0, a1);
}

sd_bus_slot *sd_bus_slot_unref(sd_bus_slot *a0)
{
    return sd()->sd_bus_slot_unref(a0);
}

int sd_bus_start(sd_bus *a0)
{
    return sd()->sd_bus_start(a0);
}

int sd_bus_wait(sd_bus *a0, uint64_t a1)
{
    return sd()->sd_bus_wait(a0, a1);
}

int sd_event_add_child(sd_event *a0, sd_event_source **a1, pid_t a2, int a3, sd_event_child_handler_t a4, void *a5)
{
    return sd()->sd_event_add_child(a0, a1, a2, a3, a4, a5);
}

int sd_event_add_defer(sd_event *a0, sd_event_source **a1, sd_event_handler_t a2, void *a3)
{
    return sd()->sd_event_add_defer(a0, a1, a2, a3);
}

int sd_event_add_inotify(sd_event *a0, sd_event_source **a1, const char *a2, uint32_t a3, sd_event_inotify_handler_t a4, void *a5)
{
    return sd()->sd_event_add_inotify(a0, a1, a2, a3, a4, a5);
}

int sd_event_add_io(sd_event *a0, sd_event_source **a1, int a2, uint32_t a3, sd_event_io_handler_t a4, void *a5)
{
    return sd()->sd_event_add_io(a0, a1, a2, a3, a4, a5);
}

int sd_event_add_signal(sd_event *a0, sd_event_source **a1, int a2, sd_event_signal_handler_t a3, void *a4)
{
    return sd()->sd_event_add_signal(a0, a1, a2, a3, a4);
}

int sd_event_add_time(sd_event *a0, sd_event_source **a1, clockid_t a2, uint64_t a3, uint64_t a4, sd_event_time_handler_t a5, void *a6)
{
    return sd()->sd_event_add_time(a0, a1, a2, a3, a4, a5, a6);
}

int sd_event_add_time_relative(sd_event *a0, sd_event_source **a1, clockid_t a2, uint64_t a3, uint64_t a4, sd_event_time_handler_t a5, void *a6)
{
    return sd()->sd_event_add_time_relative(a0, a1, a2, a3, a4, a5, a6);
}

int sd_event_default(sd_event **a0)
{
    return sd()->sd_event_default(a0);
}

int sd_event_exit(sd_event *a0, int a1)
{
    return sd()->sd_event_exit(a0, a1);
}

int sd_event_loop(sd_event *a0)
{
    return sd()->sd_event_loop(a0);
}

int sd_event_new(sd_event **a0)
{
    return sd()->sd_event_new(a0);
}

int sd_event_now(sd_event *a0, clockid_t a1, uint64_t *a2)
{
    return sd()->sd_event_now(a0, a1, a2);
}

sd_event *sd_event_ref(sd_event *a0)
{
    return sd()->sd_event_ref(a0);
}

int sd_event_run(sd_event *a0, uint64_t a1)
{
    return sd()->sd_event_run(a0, a1);
}

sd_event_source *sd_event_source_disable_unref(sd_event_source *a0)
{
    return sd()->sd_event_source_disable_unref(a0);
}

int sd_event_source_get_enabled(sd_event_source *a0, int *a1)
{
    return sd()->sd_event_source_get_enabled(a0, a1);
}

sd_event *sd_event_source_get_event(sd_event_source *a0)
{
    return sd()->sd_event_source_get_event(a0);
}

int sd_event_source_set_enabled(sd_event_source *a0, int a1)
{
    return sd()->sd_event_source_set_enabled(a0, a1);
}

int sd_event_source_set_io_events(sd_event_source *a0, uint32_t a1)
{
    return sd()->sd_event_source_set_io_events(a0, a1);
}

int sd_event_source_set_time(sd_event_source *a0, uint64_t a1)
{
    return sd()->sd_event_source_set_time(a0, a1);
}

int sd_event_source_set_time_relative(sd_event_source *a0, uint64_t a1)
{
    return sd()->sd_event_source_set_time_relative(a0, a1);
}

sd_event *sd_event_unref(sd_event *a0)
{
    return sd()->sd_event_unref(a0);
}

int sd_journal_sendv(const struct iovec *a0, int a1)
{
    return sd()->sd_journal_sendv(a0, a1);
}
