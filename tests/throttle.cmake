# Throttle room tests: the real cgroups, tc and inotify (root required).
add_executable(throttle-driver tests/throttle-driver.c tests/throttle-request-tmp.c)
target_link_libraries(throttle-driver PRIVATE v2vw)
