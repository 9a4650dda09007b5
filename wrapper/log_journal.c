/* SPDX-License-Identifier: Apache-2.0 */
/* The wrapper log also goes to the journal, with structured fields
 * (V2V_TAG, V2V_VM, PRIORITY), when the wrapper runs under systemd or
 * journald is reachable: `journalctl V2V_TAG=TAG` shows one conversion.
 * V2VW_JOURNAL=0 turns it off, =1 on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/uio.h>
#include <unistd.h>
/* The location fields would name this file, not the caller. */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-journal.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/systemd_lib.h"
#include "common/settings.h"
#include "wrapper/log_journal.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

static bool journal_on;
static void journal_send(enum log_level level, const char *text, size_t len);
static char journal_tag[64];
static char journal_vm[256];

static bool journal_wanted(void)
{
    if (settings()->journal >= 0)
        return settings()->journal == 1;
    return getenv("INVOCATION_ID") || getenv("JOURNAL_STREAM") || access(JOURNAL_SOCKET, W_OK) == 0;
}

void log_journal_start(const char *tag, const char *vm_name)
{
    _cleanup_free_ char *error = NULL;
    journal_on = journal_wanted();
    if (journal_on && systemd_lib_load(&error) < 0) {
        log_warning("not logging to the journal: %s", error ? error : "out of memory");
        journal_on = false;
    }
    snprintf(journal_tag, sizeof journal_tag, "%s", tag ? tag : "");
    snprintf(journal_vm, sizeof journal_vm, "%s", vm_name ? vm_name : "");
    log_set_sink(journal_on ? journal_send : NULL);
}

static struct iovec field(const char *text)
{
    return (struct iovec){ (char *)text, strlen(text) };
}

static void journal_send(enum log_level level, const char *text, size_t len)
{
    static const int priorities[] = {
        [LOG_LEVEL_DEBUG] = LOG_DEBUG,
        [LOG_LEVEL_INFO] = LOG_INFO,
        [LOG_LEVEL_WARNING] = LOG_WARNING,
        [LOG_LEVEL_ERROR] = LOG_ERR,
    };
    _cleanup_free_ char *message = NULL;
    char priority[16], tag[80], vm[272];

    if (!journal_on || asprintf(&message, "MESSAGE=%.*s", (int)len, text) < 0)
        return;
    snprintf(priority, sizeof priority, "PRIORITY=%i", priorities[level]);
    snprintf(tag, sizeof tag, "V2V_TAG=%s", journal_tag);
    snprintf(vm, sizeof vm, "V2V_VM=%s", journal_vm);
    /* One KEY=value field per vector. */
    struct iovec fields[] = {
        field(message), field(priority), field("SYSLOG_IDENTIFIER=virt-v2v-wrapper"), field(tag), field(vm),
    };
    sd_journal_sendv(fields, (int)ELEMENTSOF(fields));
}
