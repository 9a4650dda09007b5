/* Why a conversion failed, in a small fixed vocabulary, with one sentence
 * of what to check or do. The table maps the engine's real messages
 * (virt-v2v 2.2 transcripts and its own message strings) to a class. */
#ifndef V2VW_ERROR_CLASS_H
#define V2VW_ERROR_CLASS_H

#include <stddef.h>

#define ERROR_CLASS_SOURCE_AUTH "source-auth"
#define ERROR_CLASS_SOURCE_UNREACHABLE "source-unreachable"
#define ERROR_CLASS_TLS_THUMBPRINT "tls-thumbprint"
#define ERROR_CLASS_NO_ROOT "no-root-filesystem"
#define ERROR_CLASS_HIBERNATED "hibernated-windows"
#define ERROR_CLASS_LUKS_KEY "luks-key"
#define ERROR_CLASS_NO_SPACE "no-space"
#define ERROR_CLASS_OUTPUT_AUTH "output-auth"
#define ERROR_CLASS_KILLED "killed"
#define ERROR_CLASS_CANCELLED "cancelled"
#define ERROR_CLASS_TIMEOUT "timeout"
#define ERROR_CLASS_INTERNAL "internal"
#define ERROR_CLASS_UNKNOWN "unknown"

/* The class of an engine message ("unknown" when no rule matches); the
 * returned string is one of the constants above. */
const char *error_class_of(const char *msg, size_t len);
/* The hint sentence of a class, NULL for "unknown". */
const char *error_class_hint(const char *cls);

#endif
