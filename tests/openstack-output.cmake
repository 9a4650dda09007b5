# OpenStack output (issue 12): input rules and engine command without
# OpenStack; the post-conversion steps and cleanup against the real
# OpenStack lab (fixture openstack-lab from tests/openstack.cmake).
v2vw_shell_test(openstack-bad-input tests/openstack-bad-input.sh)
v2vw_unit_test(test-openstack-argv tests/test-openstack-argv.c)
set_tests_properties(openstack-bad-input test-openstack-argv PROPERTIES LABELS openstack)

# Against the real OpenStack lab, with the fake openstack engine.
foreach(t success engine-fail step-fail cleanup-fail preflight)
  v2vw_shell_test(openstack-${t} tests/openstack-${t}.sh)
  set_tests_properties(openstack-${t} PROPERTIES
    FIXTURES_REQUIRED openstack-lab LABELS openstack RUN_SERIAL TRUE TIMEOUT 2400)
endforeach()
