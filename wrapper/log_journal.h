/* The wrapper log also goes to the journal with structured fields
 * (V2V_TAG, V2V_VM, PRIORITY) when the wrapper runs under systemd or
 * journald is reachable; V2VW_JOURNAL=0|1 forces it off or on. */
#ifndef V2VW_LOG_JOURNAL_H
#define V2VW_LOG_JOURNAL_H

/* From now on, also send every log line to the journal (when wanted). */
void log_journal_start(const char *tag, const char *vm_name);

#endif
