# Test registration. Every area keeps its own tests/AREA.cmake; this file
# gives them two helpers and includes them all.
#
#   v2vw_unit_test(NAME SOURCES...)     a C test program linked with the rooms
#   v2vw_shell_test(NAME SCRIPT)        a shell test that runs the real binary
#
# Shell tests get: WRAPPER (the binary), SRCDIR, BUILDDIR,
# TESTS_DIR (tests/ in the source tree; its data/ holds the fixtures), and run in a fresh scratch dir.
# A test that cannot run here exits 77 with a line saying why (ctest
# reports it as skipped, never as passed).

function(v2vw_unit_test name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE v2vw)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "SRCDIR=${CMAKE_SOURCE_DIR}"
    SKIP_RETURN_CODE 77 TIMEOUT 300)
endfunction()

function(v2vw_shell_test name script)
  add_test(NAME ${name}
    COMMAND ${CMAKE_SOURCE_DIR}/tests/run-shell-test ${CMAKE_SOURCE_DIR}/${script})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "WRAPPER=$<TARGET_FILE:virt-v2v-wrapper>;SRCDIR=${CMAKE_SOURCE_DIR};BUILDDIR=${CMAKE_BINARY_DIR};TESTS_DIR=${CMAKE_SOURCE_DIR}/tests"
    SKIP_RETURN_CODE 77 TIMEOUT 900)
endfunction()

file(GLOB _v2vw_test_fragments ${CMAKE_SOURCE_DIR}/tests/*.cmake)
list(REMOVE_ITEM _v2vw_test_fragments ${CMAKE_SOURCE_DIR}/tests/tests.cmake)
list(SORT _v2vw_test_fragments)
foreach(frag ${_v2vw_test_fragments})
  include(${frag})
endforeach()
