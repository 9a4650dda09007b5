# SPDX-License-Identifier: Apache-2.0
# LUKS keys vault (luks/vault.c): unit test, run as root in CI.
v2vw_unit_test(test-vault tests/test-vault.c)
# Secrets never leak (vddk + LUKS vault, a bad vault, ssh key); need root.
foreach(_case vddk-luks bad-vault ssh-key)
  v2vw_shell_test(luks-secrets-${_case} tests/secrets-${_case}.sh)
endforeach()
# The fault matrix (engine/wrapper killed, exec failures, full and
# read-only directories, deleted log, 1 GiB log flood); needs root.
# The fault matrix: one ctest case per row (tests/fault-matrix.sh, FAULT_ROW).
foreach(row engine-sigkill wrapper-sigterm wrapper-sigkill engine-missing engine-nolog
            log-deleted state-dir-full log-dir-readonly log-flood)
  v2vw_shell_test(luks-fault-matrix-${row} tests/fault-matrix.sh)
  set_property(TEST luks-fault-matrix-${row} APPEND PROPERTY ENVIRONMENT FAULT_ROW=${row})
endforeach()
# Hostile vm_name values never reach a path; refused ones leave nothing.
v2vw_shell_test(luks-hostile-names tests/hostile-names.sh)
