# SPDX-License-Identifier: Apache-2.0
# The packages: the .rpm (rpmbuild, EL dependency names, their check off)
# and the .deb build from this tree; the .deb installs into a fresh Debian
# 12 root, where the installed files answer --version and run one
# conversion with a fake engine.
#
# The root is made once with debootstrap (minbase + the .deb's
# dependencies) and cached in ~/.cache/virt-v2v-wrapper/debian12-root; each
# run installs the .deb into a throwaway overlay on top of it, so the cache
# stays fresh. Where debootstrap cannot reach a Debian mirror, the test
# falls back to a root of its own: the host's copies of the libraries the
# binary needs, with the .deb unpacked into it (it says so).
. "$TESTS_DIR/lib.sh"
need_root "debootstrap, chroot and overlay mounts need root"
for c in rpmbuild dpkg-buildpackage debootstrap; do
    command -v $c >/dev/null || { echo "FAIL: $c not found: scripts/install-deps test installs it" >&2; exit 1; }
done

t0=$SECONDS
"$SRCDIR/packaging/build-packages" "$SCRATCH/pkgs" > "$SCRATCH/build.log" 2>&1
check "build-packages succeeds ($(tail -n 5 "$SCRATCH/build.log"))" test $? = 0
echo "packages built in $((SECONDS - t0)) s:"
ls -l "$SCRATCH/pkgs"
rpm=$(ls "$SCRATCH"/pkgs/virt-v2v-wrapper-[0-9]*.rpm 2>/dev/null | head -n 1)
deb=$(ls "$SCRATCH"/pkgs/virt-v2v-wrapper_*.deb 2>/dev/null | head -n 1)
check "an .rpm was built" test -n "$rpm"
check "a .deb was built" test -n "$deb"
[ -n "$rpm" ] && [ -n "$deb" ] || { finish; exit 1; }

files=$(rpm -qpl "$rpm" 2>/dev/null)
for f in /usr/bin/virt-v2v-wrapper /usr/bin/virt-v2v-wrapper.py /usr/share/man/man1/virt-v2v-wrapper.1 \
         /etc/logrotate.d/virt-v2v-wrapper /usr/share/doc/virt-v2v-wrapper/input.md; do
    check "the .rpm has $f" grep -q "^$f" <<<"$files"
done
check "the .rpm has the tmpfiles.d entry" grep -q 'tmpfiles.d/virt-v2v-wrapper.conf$' <<<"$files"
check "the .rpm requires virt-v2v" bash -c 'rpm -qpR "$1" 2>/dev/null | grep -qx "virt-v2v"' _ "$rpm"
check "the .rpm marks logrotate as config" bash -c 'rpm -qpc "$1" 2>/dev/null | grep -q logrotate.d' _ "$rpm"
contents=$(dpkg-deb -c "$deb")
for f in ./usr/bin/virt-v2v-wrapper ./usr/bin/virt-v2v-wrapper.py ./usr/share/man/man1/virt-v2v-wrapper.1.gz \
         ./etc/logrotate.d/virt-v2v-wrapper ./usr/lib/tmpfiles.d/virt-v2v-wrapper.conf; do
    check "the .deb has $f" grep -q " $f" <<<"$contents"
done

# The Debian 12 root (cached).
cache=${XDG_CACHE_HOME:-$HOME/.cache}/virt-v2v-wrapper
mkdir -p "$cache"
exec 9>"$cache/debian12-root.lock"
flock 9
base=$cache/debian12-root
depends=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed 's/[(|].*//; s/ //g' | grep . | sort -u | tr '\n' ' ')
fallback=""
if [ ! -x "$base/usr/bin/apt-get" ]; then
    rm -rf "$base.tmp"
    t0=$SECONDS
    if debootstrap --variant=minbase bookworm "$base.tmp" > "$SCRATCH/debootstrap.log" 2>&1; then
        # Packages installed into the root must not start services.
        printf '#!/bin/sh\nexit 101\n' > "$base.tmp/usr/sbin/policy-rc.d"
        chmod 755 "$base.tmp/usr/sbin/policy-rc.d"
        mv "$base.tmp" "$base"
        echo "debootstrap: a fresh Debian 12 root in $((SECONDS - t0)) s"
    else
        fallback="debootstrap could not make a root ($(tail -n 1 "$SCRATCH/debootstrap.log"))"
        rm -rf "$base.tmp"
    fi
fi
if [ -z "$fallback" ]; then
    # The .deb's dependencies, installed into the cached root when missing.
    missing=""
    for p in $depends; do
        chroot "$base" dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
    done
    if [ -n "$missing" ]; then
        t0=$SECONDS
        if unshare -m sh -c 'mount -t proc proc "$1/proc" && chroot "$1" sh -c "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $2"' \
                _ "$base" "$missing" > "$SCRATCH/apt.log" 2>&1; then
            echo "root: installed$missing in $((SECONDS - t0)) s"
        else
            fallback="cannot install the .deb's dependencies into the root ($(tail -n 1 "$SCRATCH/apt.log"))"
        fi
    fi
fi
flock -u 9

# A fake engine for the installed wrapper: prints like virt-v2v 2.x.
cat > "$SCRATCH/fake-v2v" <<'ENGINE'
#!/bin/sh
[ "$1" = --machine-readable ] && { echo virt-v2v-2.2; echo input:disk; echo output:local; exit 0; }
for a; do case $a in --machine-readable=file:*) mr=${a#*file:} ;; esac; done
echo '[   0.0] Setting up the source'
echo '[   1.0] Copying disk 1/1'
for p in 0 25 50 75 100; do printf '\r\342\226\210 %s%% [****]' $p; sleep 0.05; done
echo
echo '[   2.0] Finishing off'
echo '{ "message": "Finishing off", "type": "message" }' >> "$mr"
exit 0
ENGINE
chmod 755 "$SCRATCH/fake-v2v"

root=$SCRATCH/root
mkdir -p "$root" "$SCRATCH/upper" "$SCRATCH/work"
if [ -z "$fallback" ]; then
    setup='mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$SCRATCH/upper,workdir=$SCRATCH/work" "$ROOT" &&
           cp "$DEB" "$ROOT/tmp/pkg.deb" && chroot "$ROOT" dpkg -i /tmp/pkg.deb'
else
    echo "FALLBACK: $fallback; trying the .deb in a root made of the host's libraries"
    # Only what the installed files and the fake engine need, from this host.
    setup='dpkg-deb -x "$DEB" "$ROOT" &&
           for b in /bin/sh /bin/bash /bin/cat /bin/sleep /bin/mkdir /bin/ls /usr/bin/printf /usr/bin/env; do
               mkdir -p "$ROOT$(dirname "$b")"; cp -L "$b" "$ROOT$b"
               ldd "$b" 2>/dev/null | grep -o "/[^ ]*" | while read -r l; do mkdir -p "$ROOT$(dirname "$l")"; cp -Ln "$l" "$ROOT$l"; done
           done &&
           ldd "$ROOT/usr/bin/virt-v2v-wrapper" | grep -o "/[^ ]*" | while read -r l; do mkdir -p "$ROOT$(dirname "$l")"; cp -Ln "$l" "$ROOT$l"; done &&
           so=$(ldconfig -p | awk "\$1 == \"libsystemd.so.0\" { print \$NF; exit }") &&
           { echo "$so"; ldd "$so" | grep -o "/[^ ]*"; } | while read -r l; do mkdir -p "$ROOT$(dirname "$l")"; cp -Ln "$l" "$ROOT$l"; done &&
           mkdir -p "$ROOT/tmp" "$ROOT/proc" "$ROOT/dev" "$ROOT/etc" && cp /etc/passwd /etc/group "$ROOT/etc/" &&
           for d in null zero urandom; do cp -a /dev/$d "$ROOT/dev/"; done'
fi
conv='unset V2VW_RUN_DIR; cd /tmp && mkdir -p out state log && : > disk.img &&
      echo "{\"vm_name\":\"deb\",\"transport_method\":\"disk\",\"source_path\":\"/tmp/disk.img\",\"local_storage\":\"/tmp/out\",\"daemonize\":false}" > input.json &&
      V2VW_ENGINE=/tmp/fake-v2v V2VW_STATE_DIR=/tmp/state V2VW_LOG_DIR=/tmp/log V2VW_NO_SYSTEMD=1 \
          /usr/bin/virt-v2v-wrapper.py < input.json > stdout 2> stderr; echo "exit=$?"; sed "s/^/stderr: /" stderr; cat state/*.state'
BASE=$base ROOT=$root DEB=$deb SCRATCH=$SCRATCH unshare -m -p -f --mount-proc sh -c "
    set -e
    $setup > \"\$SCRATCH/install.log\" 2>&1 || { echo INSTALL-FAILED; tail -n 20 \"\$SCRATCH/install.log\"; exit 1; }
    mount -t proc proc \"\$ROOT/proc\"
    cp \"\$SCRATCH/fake-v2v\" \"\$ROOT/tmp/fake-v2v\"
    echo \"version=\$(chroot \"\$ROOT\" /usr/bin/virt-v2v-wrapper --version)\"
    chroot \"\$ROOT\" sh -c '$conv'
" > "$SCRATCH/chroot.out" 2>&1
cat "$SCRATCH/chroot.out"
check "the .deb installs into the root" bash -c '! grep -q INSTALL-FAILED "$1"' _ "$SCRATCH/chroot.out"
check "the installed wrapper answers --version" grep -q '^version=virt-v2v-wrapper [0-9]' "$SCRATCH/chroot.out"
check "the installed wrapper converts with the fake engine (exit 0)" grep -qx 'exit=0' "$SCRATCH/chroot.out"
state=$(grep '^{' "$SCRATCH/chroot.out" | tail -n 1)
check "the conversion finished" test "$(jq -r .finished <<<"$state" 2>/dev/null)" = true
check "the conversion did not fail" test "$(jq -r .failed <<<"$state" 2>/dev/null)" = false
check "the conversion's disk reached 100%" test "$(jq -r '.disks[0].progress' <<<"$state" 2>/dev/null)" = 100
if [ -z "$fallback" ]; then
    check "the cached root is untouched by the install" test ! -e "$base/usr/bin/virt-v2v-wrapper"
fi
finish
