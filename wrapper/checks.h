/* Host checks (CONTRACT §1): --checks lists them, --check-NAME runs one. */
#ifndef V2VW_CHECKS_H
#define V2VW_CHECKS_H
#include <stddef.h>
#include <stdio.h>
void checks_list(FILE *out);
/* The checks by index (the command line makes one --check-NAME each). */
size_t checks_count(void);
const char *checks_name(size_t i);
/* 0 = passed, 1 = failed or unknown check. */
int checks_run(const char *name, FILE *out);
#endif
