# SPDX-License-Identifier: Apache-2.0
# Hostile neighbours: the real wrapper, as root, against another local user
# (created and removed by each test) and a hostile engine running as uid 36,
# with the kernel's link/FIFO protections off and on. They flip global
# sysctls for a few seconds each (the concurrent case for about a minute):
# one at a time (RESOURCE_LOCK).
foreach(_case engine-uid36 2-orphan-fifo squats 3-throttle-file 4-name-spray 5-log-dir 7-agent-sigkill
        concurrent-sigkill collect-starting
        8-setsid-grandchild 8-unannounced-sigkill 8-utf8 8-log-secrets 8-bpf-filter-fails
        8-event-loop-fails)
  v2vw_shell_test(hostile-${_case} tests/hostile-${_case}.sh)
  set_tests_properties(hostile-${_case} PROPERTIES RESOURCE_LOCK v2vw-protection-sysctls LABELS hostile)
endforeach()
# Twenty conversions, twice: about 90 s on two loaded cores; a hang fails fast.
set_tests_properties(hostile-concurrent-sigkill PROPERTIES TIMEOUT 300)
