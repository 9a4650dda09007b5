# LUKS keys vault (luks/vault.c): unit test, run as root in CI.
v2vw_unit_test(test-vault tests/test-vault.c)
# Secrets never leak (vddk + LUKS vault, ssh key); needs root.
v2vw_shell_test(luks-secrets tests/secrets.sh)
