# LUKS keys vault (luks/vault.c): unit test, run as root in CI.
v2vw_unit_test(test-vault tests/test-vault.c)
