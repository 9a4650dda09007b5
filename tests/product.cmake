# The product as a user and a packager meet it: the man page, the
# documented keys, `make install`, the examples, the packages.
v2vw_shell_test(product-man tests/product-man.sh)
v2vw_shell_test(product-install tests/product-install.sh)
v2vw_shell_test(product-examples tests/product-examples.sh)
set_tests_properties(product-man product-install PROPERTIES LABELS product)
set_tests_properties(product-examples PROPERTIES LABELS product TIMEOUT 300)
# Builds the .rpm and the .deb, installs the .deb into a fresh Debian 12
# root (debootstrap, cached) and converts with the installed files.
v2vw_shell_test(product-packages tests/product-packages.sh)
set_tests_properties(product-packages PROPERTIES LABELS "product;package" TIMEOUT 1800 RUN_SERIAL TRUE)
