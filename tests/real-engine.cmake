# SPDX-License-Identifier: Apache-2.0
# Real-engine end-to-end tests: the real virt-v2v converts the phony Windows
# guest (scripts/make-phony-guest, cached per machine) through the wrapper.
# Label real-engine; serial (each runs a TCG appliance); the first builds the
# guest once for the others.
v2vw_shell_test(phony-guest-build tests/real-engine-guest.sh)
set_tests_properties(phony-guest-build PROPERTIES
  LABELS real-engine RUN_SERIAL TRUE TIMEOUT 900 FIXTURES_SETUP phony-guest)

foreach(t single two noos)
  v2vw_shell_test(real-engine-${t} tests/real-engine-${t}.sh)
  set_tests_properties(real-engine-${t} PROPERTIES
    LABELS real-engine RUN_SERIAL TRUE TIMEOUT 900 FIXTURES_REQUIRED phony-guest)
endforeach()
