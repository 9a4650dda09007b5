# Sources of wrapper/: the application (CLI, lifecycle, runners); main.c is the executable.
list(APPEND V2VW_WRAPPER_SOURCES
  wrapper/checks.c
  wrapper/config.c
  wrapper/conversion.c
  wrapper/daemon.c
  wrapper/engine_argv.c
  wrapper/files.c
  wrapper/lifecycle.c
  wrapper/log_follower.c
  wrapper/luks_keys.c
  wrapper/orphans.c
  wrapper/privileges.c
  wrapper/runner_direct.c
  wrapper/ssh_agent.c
)
# The systemd runner (room: systemd).
list(APPEND V2VW_WRAPPER_SOURCES
  wrapper/runner_systemd.c
  wrapper/systemd_bus.c
  wrapper/systemd_unit.c
)
