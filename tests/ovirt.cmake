# SPDX-License-Identifier: Apache-2.0
# oVirt / RHV host kind: REST client, rhv-upload and export-domain outputs,
# drivers ISO, host checks.
add_executable(ovirt-driver tests/ovirt-driver.c)
target_link_libraries(ovirt-driver PRIVATE v2vw)
v2vw_shell_test(ovirt-api tests/ovirt-api.sh)
v2vw_unit_test(test-rpmvercmp tests/test-rpmvercmp.c)
v2vw_unit_test(test-virtio-win tests/test-virtio-win.c)
v2vw_unit_test(test-ovirt-argv tests/test-ovirt-argv.c)
v2vw_shell_test(ovirt-wrapper tests/ovirt-wrapper.sh)
v2vw_shell_test(ovirt-checks tests/ovirt-checks.sh)
