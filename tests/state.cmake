# SPDX-License-Identifier: Apache-2.0
# Tests of the state/ room: the state model and file, the engine log parser.
v2vw_unit_test(test-state tests/test-state.c)
v2vw_unit_test(test-engine-parser tests/test-engine-parser.c)
# The root-only part (mounts a tiny tmpfs and fills it): its own test.
add_test(NAME test-state-full-tmpfs COMMAND test-state full-tmpfs)
set_tests_properties(test-state-full-tmpfs PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)
