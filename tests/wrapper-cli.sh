# SPDX-License-Identifier: Apache-2.0
# The command line: --version, --help, --checks, --check-NAME.
. "$TESTS_DIR/lib.sh"
check "--version prints the name and a version" sh -c "'$WRAPPER' --version | grep -Eqx 'virt-v2v-wrapper [0-9]+\.[0-9]+\.[0-9]+'"
check "--help mentions stdin" sh -c "'$WRAPPER' --help | grep -q 'stdin'"
"$WRAPPER" --checks > "$SCRATCH/checks"
for name in virt-v2v appliance throttling systemd; do
    check "--checks lists $name" grep -qx "$name" "$SCRATCH/checks"
done
check "unknown check fails" sh -c "! '$WRAPPER' --check-nonsense 2>/dev/null"
check "unknown option fails" sh -c "! '$WRAPPER' --frobnicate 2>/dev/null"
check "two options fail" sh -c "! '$WRAPPER' --version --help 2>/dev/null"
# --check-virt-v2v runs the engine's capability listing.
check "--check-virt-v2v lists capabilities of the fake engine" sh -c "'$WRAPPER' --check-virt-v2v | grep -q 'mac-option'"
check "--check-virt-v2v fails without an engine" sh -c "! V2VW_ENGINE=/nonexistent '$WRAPPER' --check-virt-v2v >/dev/null"
finish
