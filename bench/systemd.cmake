# SPDX-License-Identifier: Apache-2.0
# Unit start through the systemd runner vs fork+exec (bench/systemd.sh runs
# it inside a booted systemd).
add_executable(systemd-start-bench bench/systemd-start-bench.c)
target_link_libraries(systemd-start-bench PRIVATE v2vw)
