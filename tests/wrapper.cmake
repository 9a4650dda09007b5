# SPDX-License-Identifier: Apache-2.0
# The wrapper core: the real binary with a fake engine (tests/fake-engine).
v2vw_shell_test(wrapper-cli tests/wrapper-cli.sh)
v2vw_shell_test(wrapper-bad-input tests/wrapper-bad-input.sh)
v2vw_shell_test(wrapper-argv tests/wrapper-argv.sh)
foreach(_case daemon foreground engine-error engine-exit-status replay)
  v2vw_shell_test(wrapper-run-${_case} tests/wrapper-run-${_case}.sh)
endforeach()
v2vw_shell_test(wrapper-signals tests/wrapper-signals.sh)
v2vw_unit_test(test-config tests/test-config.c)
