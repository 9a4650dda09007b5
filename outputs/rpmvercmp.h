/* SPDX-License-Identifier: Apache-2.0 */
/* Version comparison exactly as rpm does it (rpmvercmp from librpm):
 * alphanumeric segments, numeric segments beat alphabetic ones, leading
 * zeros ignored, `~` sorts before everything (even the end), `^` sorts after
 * the end but before anything else. */
#ifndef V2VW_RPMVERCMP_H
#define V2VW_RPMVERCMP_H

/* -1 if a < b, 0 if equal, 1 if a > b. */
int rpmvercmp(const char *a, const char *b);

#endif
