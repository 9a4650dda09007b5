/* Unit names and the Environment= filter of the systemd runner (no systemd
 * needed; the runner itself is tested against a real one in systemd.sh). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "wrapper/systemd_unit.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

int main(void)
{
    _cleanup_free_ char *name = NULL;
    char *bad = NULL;
    CHECK(systemd_unit_name("20240102T030405-1234", &name) == 0);
    CHECK(name && strcmp(name, "virt-v2v-wrapper-20240102T030405-1234.service") == 0);
    CHECK(systemd_unit_name("a/b", &bad) < 0 && !bad);
    CHECK(systemd_unit_name("a b", &bad) < 0 && !bad);
    CHECK(systemd_unit_name("", &bad) < 0 && !bad);

    CHECK(systemd_env_valid("LANG=C"));
    CHECK(systemd_env_valid("EMPTY="));
    CHECK(systemd_env_valid("MULTI=line1\nline2\tx"));
    CHECK(systemd_env_valid("UTF8=caf\xc3\xa9 \xf0\x9f\x98\x80"));
    CHECK(!systemd_env_valid("NOEQUALS"));
    CHECK(!systemd_env_valid("=value"));
    CHECK(!systemd_env_valid("1ABC=x"));
    CHECK(!systemd_env_valid("BASH_FUNC_f%%=() {  echo; }"));
    CHECK(!systemd_env_valid("A-B=x"));
    CHECK(!systemd_env_valid("CC=a\x01" "b"));
    CHECK(!systemd_env_valid("DEL=a\x7f"));
    CHECK(!systemd_env_valid("LATIN1=caf\xe9"));
    CHECK(!systemd_env_valid("OVERLONG=\xc0\xaf"));
    CHECK(!systemd_env_valid("SURROGATE=\xed\xa0\x80"));
    CHECK(!systemd_env_valid("TOOBIG=\xf4\x90\x80\x80"));
    CHECK(!systemd_env_valid("TRUNC=\xe2\x82"));
    if (failures)
        return 1;
    printf("test-systemd-unit: ok\n");
    return 0;
}
