# Operating a conversion host: the real cause of failures, error classes,
# progress figures, stall warnings, the admin command, metrics.
v2vw_shell_test(ops-cause-nbdcopy tests/ops-cause-nbdcopy.sh)
v2vw_shell_test(ops-cause-program tests/ops-cause-program.sh)
v2vw_shell_test(ops-error-classes tests/ops-error-classes.sh)
v2vw_shell_test(ops-admin-live tests/ops-admin-live.sh)
v2vw_shell_test(ops-watch-tmux tests/ops-watch-tmux.sh)
v2vw_shell_test(ops-stall tests/ops-stall.sh)
v2vw_shell_test(ops-metrics tests/ops-metrics.sh)
v2vw_shell_test(ops-journal tests/ops-journal.sh)
