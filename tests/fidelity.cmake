# Real-client fidelity: inputs and situations ManageIQ and container
# clients produce, each one behaviour with the real binary.
v2vw_shell_test(fidelity-vault-home tests/fidelity-vault-home.sh)
v2vw_shell_test(fidelity-cli tests/fidelity-cli.sh)
v2vw_shell_test(fidelity-unknown-keys tests/fidelity-unknown-keys.sh)
v2vw_shell_test(fidelity-stdout-gone tests/fidelity-stdout-gone.sh)
v2vw_shell_test(fidelity-engine-versions tests/fidelity-engine-versions.sh)
v2vw_shell_test(fidelity-ssh-default-keys tests/fidelity-ssh-default-keys.sh)
v2vw_shell_test(fidelity-stdin tests/fidelity-stdin.sh)
v2vw_shell_test(fidelity-log-sticky-dir tests/fidelity-log-sticky-dir.sh)
