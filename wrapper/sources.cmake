list(APPEND WRAPPER_SOURCES
  wrapper/checks.c
  wrapper/config.c
  wrapper/daemon.c
  wrapper/engine_argv.c
  wrapper/files.c
  wrapper/lifecycle.c
  wrapper/log.c
  wrapper/log_follower.c
  wrapper/pending_stubs.c
  wrapper/privileges.c
  wrapper/runner_direct.c
  wrapper/ssh_agent.c
  wrapper/strv.c
)
# The systemd runner (room: systemd).
list(APPEND WRAPPER_SOURCES
  wrapper/runner_systemd.c
  wrapper/systemd_bus.c
  wrapper/systemd_unit.c
)
# throttle_new_for_cgroup comes from the throttle room; until it is merged
# the systemd runner builds without the network throttle.
file(GLOB _v2vw_throttle_c ${CMAKE_SOURCE_DIR}/throttle/*.c)
foreach(_f ${_v2vw_throttle_c})
  file(STRINGS ${_f} _hit REGEX "^int throttle_new_for_cgroup\\(")
  if(_hit)
    set(V2VW_HAVE_THROTTLE_NEW_FOR_CGROUP ON)
    set_source_files_properties(wrapper/runner_systemd.c PROPERTIES
      COMPILE_DEFINITIONS HAVE_THROTTLE_NEW_FOR_CGROUP=1)
  endif()
endforeach()
