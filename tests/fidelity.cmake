# Real-client fidelity: inputs and situations ManageIQ and container
# clients produce, each one behaviour with the real binary.
v2vw_shell_test(fidelity-vault-home tests/fidelity-vault-home.sh)
