# SPDX-License-Identifier: Apache-2.0
# The systemd runner against a real systemd booted in private namespaces
# (tests/systemd-harness.sh). Root only; skipped (77) otherwise.
add_executable(systemd-runner-driver tests/systemd-runner-driver.c)
target_link_libraries(systemd-runner-driver PRIVATE v2vw)

v2vw_shell_test(systemd-runner tests/systemd.sh)
set_tests_properties(systemd-runner PROPERTIES TIMEOUT 600 LABELS root)

v2vw_unit_test(test-systemd-unit tests/test-systemd-unit.c)

v2vw_shell_test(systemd-wrapper tests/systemd-wrapper.sh)
set_tests_properties(systemd-wrapper PROPERTIES TIMEOUT 600 LABELS root)
