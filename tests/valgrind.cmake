# SPDX-License-Identifier: Apache-2.0
# Every unit test (a test named like its executable target, as
# v2vw_unit_test makes them) and every fuzz corpus regression once more
# under valgrind: memory errors and definite leaks fail the test (exit 99).
# Registered at the end of the directory so that fragments included after
# this one are covered too. Not with SANITIZE (ASan and valgrind do not
# mix) nor in the fuzz build.
find_program(VALGRIND valgrind)
if(VALGRIND AND NOT SANITIZE AND NOT FUZZ)
  function(v2vw_valgrind_tests)
    set(vg ${VALGRIND} --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
           --track-fds=no --quiet)
    get_property(targets DIRECTORY ${CMAKE_SOURCE_DIR} PROPERTY BUILDSYSTEM_TARGETS)
    foreach(t ${targets})
      get_target_property(type ${t} TYPE)
      if(NOT type STREQUAL "EXECUTABLE")
        continue()
      endif()
      set(args "")
      string(REGEX REPLACE "^regress-" "" fuzz_target ${t})
      if(TEST ${t})
        set(test ${t})
      elseif(NOT fuzz_target STREQUAL t AND TEST fuzz-regress-${fuzz_target})
        set(test fuzz-regress-${fuzz_target})
        string(REGEX REPLACE "^fuzz-" "" short ${fuzz_target})
        set(args ${CMAKE_SOURCE_DIR}/fuzz/corpus/${fuzz_target})
        if(NOT IS_DIRECTORY ${args})
          set(args ${CMAKE_SOURCE_DIR}/fuzz/corpus/${short})
        endif()
      else()
        continue()
      endif()
      add_test(NAME valgrind-${test} COMMAND ${vg} $<TARGET_FILE:${t}> ${args})
      get_test_property(${test} ENVIRONMENT env)
      get_test_property(${test} LABELS labels)
      if(NOT labels)
        set(labels "")
      endif()
      set_tests_properties(valgrind-${test} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900
                           LABELS "valgrind;${labels}")
      if(env)
        set_tests_properties(valgrind-${test} PROPERTIES ENVIRONMENT "${env}")
      endif()
    endforeach()
  endfunction()
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL v2vw_valgrind_tests)
elseif(NOT VALGRIND)
  message(WARNING "valgrind not found: the valgrind tests are not registered (scripts/install-deps installs it)")
endif()
