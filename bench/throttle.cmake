# SPDX-License-Identifier: Apache-2.0
# Throttling apply latency: rename of a throttling file -> limit in effect.
add_executable(bench-throttle bench/bench-throttle.c)
target_link_libraries(bench-throttle PRIVATE v2vw)
v2vw_headers_only(bench-throttle NL NLROUTE)
