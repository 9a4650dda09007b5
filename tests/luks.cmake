# LUKS keys vault (luks/vault.c): unit test, run as root in CI.
v2vw_unit_test(test-vault tests/test-vault.c)
# Secrets never leak (vddk + LUKS vault, ssh key); needs root.
v2vw_shell_test(luks-secrets tests/secrets.sh)
# The fault matrix (engine/wrapper killed, exec failures, full and
# read-only directories, deleted log, 1 GiB log flood); needs root.
v2vw_shell_test(luks-fault-matrix tests/fault-matrix.sh)
# Hostile vm_name values never reach a path; refused ones leave nothing.
v2vw_shell_test(luks-hostile-names tests/hostile-names.sh)
