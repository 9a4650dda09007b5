# Kubernetes pod mode: the in-cluster API client against a protocol-faithful
# test server (tests/kube-api-server.py), pod-mode runs with the fake engine,
# the examples, and the real engine in a private mount namespace.
v2vw_unit_test(test-kube tests/test-kube.c)
v2vw_shell_test(kube-select tests/kube-select.sh)
v2vw_shell_test(kube-annotations tests/kube-annotations.sh)
v2vw_shell_test(kube-failure tests/kube-failure.sh)
v2vw_shell_test(kube-backoff tests/kube-backoff.sh)
v2vw_shell_test(kube-auth tests/kube-auth.sh)
v2vw_shell_test(kube-budget tests/kube-budget.sh)
v2vw_shell_test(kube-stdout tests/kube-stdout.sh)
