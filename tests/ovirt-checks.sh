# SPDX-License-Identifier: Apache-2.0
# --checks lists the oVirt host checks; --check-rhv-version fails with a
# clear message on a host without VDSM (this one) and passes with a new
# enough (fake) rpm; --check-rhv-guest-tools finds a tools ISO in a fake
# ISO domain and fails without one.
. "$TESTS_DIR/lib.sh"

"$WRAPPER" --checks >checks.txt
check "--checks lists rhv-guest-tools" grep -qx rhv-guest-tools checks.txt
check "--checks lists rhv-version" grep -qx rhv-version checks.txt

if command -v rpm >/dev/null && rpm -q vdsm >/dev/null 2>&1; then
    skip "this host has VDSM installed"
fi
"$WRAPPER" --check-rhv-version >out.txt 2>&1
check "rhv-version fails without VDSM" test $? = 1
check "rhv-version says why" grep -q "VDSM is not installed on this host" out.txt

printf '#!/bin/sh\necho 4.30.46-1.el7ev\n' >rpm
chmod +x rpm
V2VW_RPM="$PWD/rpm" "$WRAPPER" --check-rhv-version >out.txt 2>&1
check "rhv-version passes with VDSM 4.30.46" test $? = 0
check "rhv-version names the version" grep -q "VDSM 4.30.46 (from rpm) is at least 4.20.31" out.txt

mnt="$PWD/mnt"
V2VW_RHEV_MNT="$mnt" "$WRAPPER" --check-rhv-guest-tools >out.txt 2>&1
check "rhv-guest-tools fails without an ISO domain" test $? = 1
dom="$mnt/nfs.example.com:_iso/3f0a0c2e-1b7e-4a50-9d6c-0d4a51d6a001"
mkdir -p "$dom/dom_md" "$dom/images/11111111-1111-1111-1111-111111111111"
printf 'CLASS=Iso\nROLE=Regular\n' >"$dom/dom_md/metadata"
V2VW_RHEV_MNT="$mnt" "$WRAPPER" --check-rhv-guest-tools >out.txt 2>&1
check "rhv-guest-tools fails with an empty ISO domain" test $? = 1
touch "$dom/images/11111111-1111-1111-1111-111111111111/RHV-toolsSetup_4.3_10.iso"
V2VW_RHEV_MNT="$mnt" "$WRAPPER" --check-rhv-guest-tools >out.txt 2>&1
check "rhv-guest-tools passes" test $? = 0
check "rhv-guest-tools names the ISO" grep -q "RHV-toolsSetup_4.3_10.iso" out.txt
finish
