# Sources of wrapper/: the application (CLI, lifecycle, runners); main.c is the executable.
list(APPEND V2VW_WRAPPER_SOURCES
  wrapper/checks.c
  wrapper/config.c
  wrapper/conversion.c
  wrapper/conversion_index.c
  wrapper/daemon.c
  wrapper/engine_argv.c
  wrapper/files.c
  wrapper/lifecycle.c
  wrapper/log_journal.c
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
# The admin command: its own small program (json-c only), run by main.c
# for list/watch/show/cancel/throttle/metrics.
set(V2VW_ADMIN_SOURCES
  wrapper/admin_main.c
  wrapper/admin_conversions.c
  wrapper/admin_render.c
  wrapper/admin_control.c
  wrapper/admin_watch.c
  state/state_metrics.c
)
