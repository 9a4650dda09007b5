/* The wrapper log also goes to the journal, with structured fields
 * (V2V_TAG, V2V_VM, PRIORITY), when the wrapper runs under systemd or
 * journald is reachable: `journalctl V2V_TAG=TAG` shows one conversion.
 * V2VW_JOURNAL=0 turns it off, =1 on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <systemd/sd-journal.h>

#include "common/log.h"
#include "wrapper/log_journal.h"

#define JOURNAL_SOCKET "/run/systemd/journal/socket"

static bool journal_on;
static void journal_send(enum log_level level, const char *text, size_t len);
static char journal_tag[64];
static char journal_vm[256];

static bool journal_wanted(void)
{
    const char *v = getenv("V2VW_JOURNAL");
    if (v && *v)
        return strcmp(v, "0") != 0;
    return getenv("INVOCATION_ID") || getenv("JOURNAL_STREAM") || access(JOURNAL_SOCKET, W_OK) == 0;
}

void log_journal_start(const char *tag, const char *vm_name)
{
    journal_on = journal_wanted();
    snprintf(journal_tag, sizeof journal_tag, "%s", tag ? tag : "");
    snprintf(journal_vm, sizeof journal_vm, "%s", vm_name ? vm_name : "");
    log_set_sink(journal_on ? journal_send : NULL);
}

static void journal_send(enum log_level level, const char *text, size_t len)
{
    static const int priorities[] = {
        [LOG_LEVEL_DEBUG] = LOG_DEBUG,
        [LOG_LEVEL_INFO] = LOG_INFO,
        [LOG_LEVEL_WARNING] = LOG_WARNING,
        [LOG_LEVEL_ERROR] = LOG_ERR,
    };
    if (!journal_on)
        return;
    sd_journal_send("MESSAGE=%.*s", (int)len, text, "PRIORITY=%i", priorities[level],
                    "SYSLOG_IDENTIFIER=virt-v2v-wrapper", "V2V_TAG=%s", journal_tag,
                    "V2V_VM=%s", journal_vm, NULL);
}
