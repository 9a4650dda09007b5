# SPDX-License-Identifier: Apache-2.0
# Throttle room tests: the real cgroups, tc and inotify (root required).
add_executable(throttle-driver tests/throttle-driver.c)
target_link_libraries(throttle-driver PRIVATE v2vw)

foreach(t net cpu many badfiles leftovers wrapper)
  v2vw_shell_test(throttle-${t} tests/throttle-${t}.sh)
  # Timing-sensitive (rates, CPU shares): not beside other tests. The CPU
  # test takes about 50 s idle and over 120 s on a busy host.
  set_tests_properties(throttle-${t} PROPERTIES RUN_SERIAL TRUE TIMEOUT 300)
endforeach()
