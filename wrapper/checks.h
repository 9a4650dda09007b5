/* Host checks (CONTRACT §1): --checks lists them, --check-NAME runs one. */
#ifndef V2VW_CHECKS_H
#define V2VW_CHECKS_H
#include <stdio.h>
void checks_list(FILE *out);
/* 0 = passed, 1 = failed or unknown check. */
int checks_run(const char *name, FILE *out);
#endif
