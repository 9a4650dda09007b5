# The rooms' arrows are enforced by the build: a probe that includes a
# header across an arrow compiles only when the arrow is allowed.
#   v2vw_layering_probe(NAME ROOM-TARGET HEADER)
function(v2vw_layering_probe name room header)
  add_library(layering-${name} OBJECT EXCLUDE_FROM_ALL tests/layering/probe.c)
  target_compile_definitions(layering-${name} PRIVATE "PROBE_HEADER=\"${header}\"")
  target_link_libraries(layering-${name} PRIVATE ${room})
endfunction()

# Allowed (down): must build, or the forbidden ones prove nothing.
v2vw_layering_probe(wrapper-uses-outputs v2vw-wrapper outputs/output.h)
v2vw_layering_probe(wrapper-uses-state v2vw-wrapper state/state.h)
v2vw_layering_probe(state-uses-common v2vw-state common/cleanup.h)
v2vw_layering_probe(outputs-uses-common v2vw-outputs common/error.h)
# Forbidden (up or sideways): must fail to find the header.
v2vw_layering_probe(state-uses-wrapper v2vw-state wrapper/conversion.h)
v2vw_layering_probe(common-uses-state v2vw-common state/state.h)
v2vw_layering_probe(common-uses-wrapper v2vw-common wrapper/config.h)
v2vw_layering_probe(outputs-uses-wrapper v2vw-outputs wrapper/conversion.h)
v2vw_layering_probe(outputs-uses-state v2vw-outputs state/state.h)
v2vw_layering_probe(throttle-uses-wrapper v2vw-throttle wrapper/runner.h)
v2vw_layering_probe(throttle-uses-outputs v2vw-throttle outputs/output.h)
v2vw_layering_probe(luks-uses-wrapper v2vw-luks wrapper/files.h)
v2vw_layering_probe(luks-uses-state v2vw-luks state/state.h)
v2vw_layering_probe(state-uses-throttle v2vw-state throttle/throttle.h)

foreach(kind allowed forbidden)
  add_test(NAME layering-${kind}
    COMMAND ${CMAKE_SOURCE_DIR}/tests/run-shell-test ${CMAKE_SOURCE_DIR}/tests/layering.sh)
  set_tests_properties(layering-${kind} PROPERTIES
    ENVIRONMENT "LAYERING_KIND=${kind};BUILDDIR=${CMAKE_BINARY_DIR};TESTS_DIR=${CMAKE_SOURCE_DIR}/tests"
    TIMEOUT 300 RESOURCE_LOCK layering-build)
endforeach()
