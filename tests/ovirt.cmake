# oVirt / RHV host kind: REST client, rhv-upload and export-domain outputs,
# drivers ISO, host checks.
add_executable(ovirt-driver tests/ovirt-driver.c)
target_link_libraries(ovirt-driver PRIVATE v2vw)
v2vw_shell_test(ovirt-api tests/ovirt-api.sh)
