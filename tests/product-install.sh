# `make install` as a packager uses it: DESTDIR and the prefix honoured,
# every file in place and in the install manifest; BUILD_TESTING=OFF builds
# only the product; building asks for build dependencies only.
. "$TESTS_DIR/lib.sh"

root=$SCRATCH/root
DESTDIR=$root cmake --install "$BUILDDIR" --prefix /usr > "$SCRATCH/install.log" 2>&1
check "cmake --install with DESTDIR succeeds ($(tail -n 3 "$SCRATCH/install.log"))" test $? = 0

expected="
/etc/logrotate.d/virt-v2v-wrapper
/usr/bin/virt-v2v-wrapper
/usr/bin/virt-v2v-wrapper.py
/usr/lib/tmpfiles.d/virt-v2v-wrapper.conf
/usr/share/doc/virt-v2v-wrapper/LICENSE
/usr/share/doc/virt-v2v-wrapper/README.md
/usr/share/doc/virt-v2v-wrapper/index.md
/usr/share/doc/virt-v2v-wrapper/input.md
/usr/share/doc/virt-v2v-wrapper/state-file.md
/usr/share/doc/virt-v2v-wrapper/throttling.md
/usr/share/doc/virt-v2v-wrapper/luks-vault.md
/usr/share/doc/virt-v2v-wrapper/outputs.md
/usr/share/doc/virt-v2v-wrapper/exit-status.md
/usr/share/doc/virt-v2v-wrapper/environment.md
/usr/share/doc/virt-v2v-wrapper/differences.md
/usr/share/doc/virt-v2v-wrapper/examples/README.md
/usr/share/doc/virt-v2v-wrapper/examples/throttling.json
/usr/share/doc/virt-v2v-wrapper/examples/luks-keys-vault.json
/usr/share/man/man1/virt-v2v-wrapper.1
"
for f in $expected; do
    check "installed: $f" test -e "$root$f" -o -L "$root$f"
done
for e in "$SRCDIR"/examples/*.json; do
    check "installed: example $(basename "$e")" test -f "$root/usr/share/doc/virt-v2v-wrapper/examples/$(basename "$e")"
done
check "nothing is installed outside /usr and /etc" \
    test -z "$(cd "$root" && find . -type f -o -type l | grep -v -e '^./usr/' -e '^./etc/')"
check "virt-v2v-wrapper.py is a symlink to virt-v2v-wrapper" \
    test "$(readlink "$root/usr/bin/virt-v2v-wrapper.py")" = virt-v2v-wrapper
check "the installed .py name runs" bash -c '"$1" --version | grep -q "^virt-v2v-wrapper [0-9]"' _ "$root/usr/bin/virt-v2v-wrapper.py"
check "the .py name is in the install manifest" grep -qx /usr/bin/virt-v2v-wrapper.py "$BUILDDIR/install_manifest.txt"
check "the man page is in the install manifest" grep -qx /usr/share/man/man1/virt-v2v-wrapper.1 "$BUILDDIR/install_manifest.txt"
check "the tmpfiles.d entry creates the run directory" grep -q '^d /run/virt-v2v-wrapper 0755 root root' "$root/usr/lib/tmpfiles.d/virt-v2v-wrapper.conf"
check "logrotate covers the log directories" grep -q '/var/log/virt-v2v/.*/var/log/vdsm/import/' "$root/etc/logrotate.d/virt-v2v-wrapper"
if command -v logrotate >/dev/null; then
    check "logrotate accepts the entry" bash -c 'logrotate -d -s "$2/lr.state" "$1" >"$2/lr.log" 2>&1 && ! grep -qi "error" "$2/lr.log"' _ "$root/etc/logrotate.d/virt-v2v-wrapper" "$SCRATCH"
fi

# Another prefix: binaries and man page follow it.
DESTDIR=$SCRATCH/local cmake --install "$BUILDDIR" --prefix /usr/local > /dev/null 2>&1
check "prefix /usr/local: binary" test -x "$SCRATCH/local/usr/local/bin/virt-v2v-wrapper"
check "prefix /usr/local: man page" test -f "$SCRATCH/local/usr/local/share/man/man1/virt-v2v-wrapper.1"
check "prefix /usr/local: nothing in /usr/bin" test ! -e "$SCRATCH/local/usr/bin"
# Put the manifest back as the /usr install wrote it (make install reads it).
DESTDIR=$root cmake --install "$BUILDDIR" --prefix /usr > /dev/null 2>&1

# -DBUILD_TESTING=OFF: only the product's targets (configure only).
cmake -S "$SRCDIR" -B "$SCRATCH/notest" -DBUILD_TESTING=OFF > "$SCRATCH/configure.log" 2>&1
check "configure with BUILD_TESTING=OFF ($(tail -n 3 "$SCRATCH/configure.log"))" test $? = 0
targets=$(cmake --build "$SCRATCH/notest" --target help | sed -n 's/^\.\.\. \([^ ]*\).*/\1/p')
check "BUILD_TESTING=OFF still builds the wrapper" grep -qx virt-v2v-wrapper <<<"$targets"
check "BUILD_TESTING=OFF still builds the man page" grep -qx man <<<"$targets"
others=$(grep -E '^(test-|bench|fuzz|regress-)|-driver$|-bench$' <<<"$targets" | tr '\n' ' ')
check "BUILD_TESTING=OFF builds no test, bench or fuzz target (found: $others)" test -z "$others"
check "BUILD_TESTING=OFF registers no test" test ! -s "$SCRATCH/notest/CTestTestfile.cmake"

# Building asks only for build dependencies, and no set installs a kernel
# except the ones that run the real engine (demo, test).
build_set=$(sed -n '/^BUILD="/,/^"/p' "$SRCDIR/scripts/install-deps")
for p in linux-image-amd64 clang valgrind virt-v2v debootstrap rpm; do
    check "the build set does not install $p" bash -c '! grep -qw -- "$1" <<<"$2"' _ "$p" "$build_set"
done
mk=$(make -n -C "$SRCDIR" BUILD="$SCRATCH/nobuild" build install 2>&1)
check "make build/install run only the build set of install-deps" \
    bash -c 'grep -q "install-deps build" <<<"$1" && ! grep -q "install-deps test\|install-deps demo" <<<"$1"' _ "$mk"

# The tree stands alone: nothing reads a shared folder beside it.
outside=$(cd "$SRCDIR" && git grep -n -e 'SHARED_DIR' -e '\.\./shared' -- . ':!tests/product-install.sh' 2>/dev/null | head -n 3)
check "no file refers to a folder beside the tree ($outside)" test -z "$outside"
finish
