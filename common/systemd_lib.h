/* SPDX-License-Identifier: Apache-2.0 */
/* libsystemd (sd-event, sd-bus, the journal), loaded on demand. The core
 * process links only libc and json-c, so `--version` and the path to the
 * JSON line pay for no library they do not use (libsystemd alone maps
 * six more: libgcrypt, libgpg-error, liblzma, libzstd, liblz4, libcap).
 *
 * Code calls the sd_* functions as documented. systemd_lib.c defines
 * each one the project calls and forwards it to the library, which is
 * loaded at the first call, like the dynamic loader would have done at
 * start. Call systemd_lib_load() first where a missing library must be
 * reported and survived (the conversion's event loop, the journal); a
 * forwarder that cannot load it prints why and exits 1, as the dynamic
 * loader does for a missing library. A new sd_* call needs its line in
 * SYSTEMD_FUNCTIONS and its forwarder: until then the link fails with an
 * undefined reference to it. */
#ifndef V2VW_SYSTEMD_LIB_H
#define V2VW_SYSTEMD_LIB_H

/* 0, or negative errno and *error naming the library and what is missing. */
int systemd_lib_load(char **error);

#endif
