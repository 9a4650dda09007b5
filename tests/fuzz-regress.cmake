# SPDX-License-Identifier: Apache-2.0
# Corpus regression for every fuzz target (fuzz/fuzz-*.c): each is linked
# with fuzz/regress-main.c using the normal compiler and run on its
# committed corpus fuzz/corpus/<target>/ as part of `make check`.
file(GLOB _v2vw_fuzz_sources ${CMAKE_SOURCE_DIR}/fuzz/fuzz-*.c)
list(SORT _v2vw_fuzz_sources)
foreach(src ${_v2vw_fuzz_sources})
  get_filename_component(target ${src} NAME_WE)
  # fuzz/corpus/fuzz-NAME/ (or fuzz/corpus/NAME/). A target without one
  # gets a test that fails saying so: an empty corpus proves nothing.
  string(REGEX REPLACE "^fuzz-" "" short ${target})
  set(corpus ${CMAKE_SOURCE_DIR}/fuzz/corpus/${target})
  if(NOT IS_DIRECTORY ${corpus} AND IS_DIRECTORY ${CMAKE_SOURCE_DIR}/fuzz/corpus/${short})
    set(corpus ${CMAKE_SOURCE_DIR}/fuzz/corpus/${short})
  endif()
  add_executable(regress-${target} ${CMAKE_SOURCE_DIR}/fuzz/regress-main.c ${src})
  target_link_libraries(regress-${target} PRIVATE v2vw)
  add_test(NAME fuzz-regress-${target} COMMAND regress-${target} ${corpus})
  set_tests_properties(fuzz-regress-${target} PROPERTIES LABELS "fuzz-regress" TIMEOUT 300)
  list(APPEND V2VW_FUZZ_REGRESS_TARGETS regress-${target})
endforeach()
