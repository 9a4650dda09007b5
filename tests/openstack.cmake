# SPDX-License-Identifier: Apache-2.0
# OpenStack output: a real OpenStack (Keystone, Cinder, Neutron, Placement,
# Nova from Debian 12's packages) on 127.0.0.1, installed and started by
# tests/openstack/lab-* as the ctest fixture "openstack-lab", stopped at
# the end.  Tests that need it: FIXTURES_REQUIRED openstack-lab and the
# label openstack; they source the env file lab-start writes
# (/run/v2vw-osplab/env).
set(_osplab ${CMAKE_SOURCE_DIR}/tests/openstack)

add_test(NAME openstack-lab-setup
  COMMAND ${_osplab}/lab-fixture setup ${CMAKE_BINARY_DIR})
set_tests_properties(openstack-lab-setup PROPERTIES
  FIXTURES_SETUP openstack-lab LABELS openstack
  SKIP_RETURN_CODE 77 TIMEOUT 3600)

add_test(NAME openstack-lab-cleanup
  COMMAND ${_osplab}/lab-fixture cleanup ${CMAKE_BINARY_DIR})
set_tests_properties(openstack-lab-cleanup PROPERTIES
  FIXTURES_CLEANUP openstack-lab LABELS openstack
  SKIP_RETURN_CODE 77 TIMEOUT 300)

add_test(NAME openstack-lab-smoke COMMAND ${_osplab}/lab-smoke)
set_tests_properties(openstack-lab-smoke PROPERTIES
  FIXTURES_REQUIRED openstack-lab LABELS openstack
  SKIP_RETURN_CODE 77 TIMEOUT 600)

# The lab's own test doubles, checked against the real services.
add_test(NAME openstack-fake-engine COMMAND ${_osplab}/engine-check)
add_test(NAME openstack-fault-proxy COMMAND ${_osplab}/proxy-check)
set_tests_properties(openstack-fake-engine openstack-fault-proxy PROPERTIES
  FIXTURES_REQUIRED openstack-lab LABELS openstack
  SKIP_RETURN_CODE 77 TIMEOUT 600)

# The OpenStack output (issue 12): input rules and the engine command
# without OpenStack; then the post-conversion steps and cleanup against
# the real lab, with the fake openstack engine. Each behaviour its own file.
v2vw_shell_test(openstack-bad-input tests/openstack-bad-input.sh)
v2vw_unit_test(test-openstack-argv tests/test-openstack-argv.c)
v2vw_unit_test(test-openstack-call tests/test-openstack-call.c)
# (No label openstack: they need no lab and run under the sanitizers too.)
foreach(t success-3disks success-vddk engine-fail engine-crash step-volume-never-available
          step-transfer-accept step-second-port step-server-create cleanup-fail token-expiry
          preflight fault-get-503-retried fault-get-503-persistent fault-get-reset-retried fault-post-500
          fault-slow-timeout fault-slow-sigterm fault-delete-gateway-retried fault-auth-503-retried)
  v2vw_shell_test(openstack-${t} tests/openstack-${t}.sh)
  set_tests_properties(openstack-${t} PROPERTIES
    FIXTURES_REQUIRED openstack-lab LABELS openstack RUN_SERIAL TRUE TIMEOUT 900)
endforeach()

# Under the sanitizers too (make check-sanitize runs the label
# sanitize-lab after its main selection): the happy path, a failing step
# with its cleanup, and a re-authentication, the REST client's three paths.
set_tests_properties(openstack-success-3disks openstack-step-second-port openstack-token-expiry
  PROPERTIES LABELS "openstack;sanitize-lab")
