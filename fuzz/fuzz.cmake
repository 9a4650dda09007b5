# SPDX-License-Identifier: Apache-2.0
# libFuzzer targets (clang only): cmake -DFUZZ=ON -DCMAKE_C_COMPILER=clang
file(GLOB _v2vw_fuzz_fragments ${CMAKE_SOURCE_DIR}/fuzz/*.cmake)
list(REMOVE_ITEM _v2vw_fuzz_fragments ${CMAKE_SOURCE_DIR}/fuzz/fuzz.cmake)
foreach(frag ${_v2vw_fuzz_fragments})
  include(${frag})
endforeach()
