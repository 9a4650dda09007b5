# SPDX-License-Identifier: Apache-2.0
# Kubernetes pod mode: the in-cluster API client against a protocol-faithful
# test server (tests/kube-api-server.py), pod-mode runs with the fake engine,
# the examples, and the real engine in a private mount namespace.
v2vw_unit_test(test-kube tests/test-kube.c)
v2vw_shell_test(kube-select tests/kube-select.sh)
v2vw_shell_test(kube-annotations tests/kube-annotations.sh)
v2vw_shell_test(kube-failure tests/kube-failure.sh)
v2vw_shell_test(kube-nostart tests/kube-nostart.sh)
v2vw_shell_test(kube-backoff tests/kube-backoff.sh)
v2vw_shell_test(kube-auth tests/kube-auth.sh)
v2vw_shell_test(kube-budget tests/kube-budget.sh)
v2vw_shell_test(kube-stdout tests/kube-stdout.sh)
# 1800 s: one took 13-14 min on this 2-core machine under a load of 25.
foreach(t real real-fail)
  v2vw_shell_test(kube-${t} tests/kube-${t}.sh)
  set_tests_properties(kube-${t} PROPERTIES
    LABELS real-engine RUN_SERIAL TRUE TIMEOUT 1800 FIXTURES_REQUIRED phony-guest)
endforeach()
v2vw_shell_test(kube-examples tests/kube-examples.sh)
add_executable(kube-driver tests/kube-driver.c)
target_link_libraries(kube-driver PRIVATE v2vw)
v2vw_shell_test(kube-client tests/kube-client.sh)
