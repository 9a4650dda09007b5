# SPDX-License-Identifier: Apache-2.0
# Benchmarks: built with the project, run by `make bench`, never by `make check`.
file(GLOB _v2vw_bench_fragments ${CMAKE_SOURCE_DIR}/bench/*.cmake)
list(REMOVE_ITEM _v2vw_bench_fragments ${CMAKE_SOURCE_DIR}/bench/bench.cmake)
foreach(frag ${_v2vw_bench_fragments})
  include(${frag})
endforeach()
