# The oVirt REST client and the rhv-upload output's prepare/finish against
# the oVirt API test server: request sequences, headers, TLS verification,
# allocation by storage type, errors, timeouts, cleanup, no password leaks.
set -eu
. "$TESTS_DIR/functions.sh"
. "$TESTS_DIR/ovirt-lib.sh"
DRIVER="$BUILDDIR/ovirt-driver"
[ -x "$DRIVER" ] || { echo "FAIL: $DRIVER not built"; exit 1; }

PASSWORD='S3cr&t p@ss=+%word'
export OVIRT_PASSWORD="$PASSWORD" OVIRT_CAFILE="$PWD/ca.pem" DRIVER_LOG="$PWD/driver.log"
export V2VW_OVIRT_POLL_INTERVAL=0.1
unset OVIRT_INSECURE V2VW_OVIRT_TIMEOUT V2VW_OVIRT_CLEANUP_TIMEOUT

ovirt_certs
ovirt_server_start
URL="https://admin@internal@127.0.0.1:$OVIRT_PORT/ovirt-engine/api"
T=/ovirt-engine/sso/oauth/token
L=/ovirt-engine/services/sso-logout
A=/ovirt-engine/api
USERS='"users": {"admin@internal": "S3cr&t p@ss=+%word", "someone@example": "other"}'

expect_records() {   # expected lines on stdin
    ovirt_records >records.txt || fatal "protocol check: $(cat records.txt)"
    diff -u - records.txt || fatal "request sequence differs ($1)"
}
# DRIVER_WRAP: e.g. "valgrind -q --leak-check=full --error-exitcode=99".
run() {
    local rc=0
    ${DRIVER_WRAP:-} "$DRIVER" "$@" >out.txt 2>driver.err || rc=$?
    if [ "$rc" -gt 1 ] || grep -q "Sanitizer\|runtime error\|definitely lost" driver.err; then
        fatal "ovirt-driver $1 (rc $rc): $(cat driver.err)"
    fi
}
expect_out() { grep -qF -- "$1" out.txt || fatal "expected '$1' in: $(cat out.txt)"; }

# --- allocation by storage type --------------------------------------------
domains=""
for t in cinder fcp glusterfs iscsi posixfs nfs localfs managed_block_storage; do
    domains="$domains{\"name\": \"sd-$t\", \"type\": \"$t\"},"
done
ovirt_config "{$USERS, \"storage_domains\": [${domains}{\"name\": \"dup\", \"type\": \"nfs\"}, {\"name\": \"dup\", \"type\": \"iscsi\"}]}"
for t in cinder fcp glusterfs iscsi posixfs; do
    run prepare "$URL" "sd-$t"; expect_out "allocation=preallocated"
done
for t in nfs localfs managed_block_storage; do
    run prepare "$URL" "sd-$t"; expect_out "allocation=sparse"
done
ovirt_config "$(cat ovirt-config.json)"
run prepare "$URL" sd-nfs
expect_records "lookup" <<EOT
POST $T 200
GET $A/storagedomains?search=name%3D%22sd-nfs%22&case_sensitive=true 200
POST $L 200
EOT
run prepare "$URL" nope; expect_out 'error=Found 0 domains matching "nope"'
run prepare "$URL" dup; expect_out 'error=Found 2 domains matching "dup"'
run prepare "$URL" SD-NFS; expect_out 'error=Found 0 domains matching "SD-NFS"'
ok "storage types, zero/two matches"

# --- user names -------------------------------------------------------------
run get "https://127.0.0.1:$OVIRT_PORT/ovirt-engine/api" storagedomains; expect_out "user=admin@internal"
OVIRT_PASSWORD=other run get "https://someone%40example@127.0.0.1:$OVIRT_PORT/ovirt-engine/api/" storagedomains
expect_out "user=someone@example"
expect_out 'reply={"storage_domain":'
run get "https://admin@internal@127.0.0.1:$OVIRT_PORT/ovirt-engine/api" storagedomains
expect_out "user=admin@internal"
ok "user names"

# --- wrong password ---------------------------------------------------------
ovirt_config "{$USERS}"
OVIRT_PASSWORD=wrong run get "$URL" disks/x
expect_out "error=oVirt SSO login as admin@internal (POST $OVIRT_BASE$T) failed with HTTP 400: access_denied (Cannot authenticate user 'admin@internal': The username or password is incorrect.)"
expect_out "errno=EACCES"
expect_records "bad password" <<EOT
POST $T 400
EOT
ok "wrong password"

# --- TLS ----------------------------------------------------------------------
: >ovirt-record.jsonl
OVIRT_CAFILE="$PWD/other-ca.pem" run get "$URL" storagedomains
expect_out "error=oVirt SSO login as admin@internal (POST $OVIRT_BASE$T) failed: SSL certificate problem"
[ ! -s ovirt-record.jsonl ] || fatal "a request got through an untrusted certificate"
unset OVIRT_CAFILE
run get "$URL" storagedomains    # the default CA file: /etc/pki/vdsm/certs/cacert.pem
grep -q "^error=.*failed: " out.txt || fatal "default CA file accepted the test certificate: $(cat out.txt)"
OVIRT_CAFILE="$PWD/other-ca.pem" OVIRT_INSECURE=1 run get "$URL" storagedomains
expect_out 'reply={}'
export OVIRT_CAFILE="$PWD/ca.pem"
ok "TLS verified by default, not with insecure_connection"

# --- faults, 404, timeouts --------------------------------------------------
ovirt_config "{$USERS, \"faults\": [{\"method\": \"GET\", \"path\": \"$A/disks/x\", \"status\": 500,
  \"reason\": \"Operation Failed\", \"detail\": \"[Internal Engine Error]\"}]}"
run get "$URL" disks/x
expect_out "error=oVirt API call (GET $OVIRT_BASE$A/disks/x) failed with HTTP 500: Operation Failed ([Internal Engine Error])"
[ "$(grep -c '^error=' out.txt)" = 1 ] || fatal "error is not one line"
run get "$URL" disks/missing
expect_out "failed with HTTP 404: Not Found (disk missing)"
expect_out "errno=ENOENT"
ovirt_config "{$USERS, \"delay\": 10}"
start=$(date +%s.%N)
V2VW_OVIRT_TIMEOUT=1 run get "$URL" storagedomains
elapsed=$(echo "$(date +%s.%N) - $start" | bc 2>/dev/null || python3 -c "print($(date +%s.%N) - $start)")
expect_out "error=oVirt SSO login as admin@internal (POST $OVIRT_BASE$T) failed: "
grep -qi "timed out\|timeout" out.txt || fatal "not a timeout message: $(cat out.txt)"
expect_out "errno=ETIMEDOUT"
[ -n "${DRIVER_WRAP:-}" ] || python3 -c "import sys; sys.exit(0 if $elapsed < 8 else 1)" || fatal "timeout took $elapsed s"
ok "500 fault, 404, timeout (${elapsed}s)"

# --- cleanup after a failed upload -----------------------------------------
CLEANUP_CONFIG="{$USERS,
 \"disks\": {\"aaaa\": {\"locked_polls\": 2}},
 \"transfers\": [{\"id\": \"t-other\", \"disk\": \"zzzz\"},
                 {\"id\": \"t-done\", \"disk\": \"aaaa\", \"phase\": \"finished_success\"},
                 {\"id\": \"t-aaaa\", \"disk\": \"aaaa\", \"phase\": \"transferring\"}]}"
ovirt_config "$CLEANUP_CONFIG"
run cleanup "$URL" aaaa bbbb
expect_out "finish=0"
ovirt_records --times >timings-failed.txt
expect_records "cleanup" <<EOT
POST $T 200
GET $A/imagetransfers 200
POST $A/imagetransfers/t-aaaa/cancel 200
GET $A/disks/aaaa 200
GET $A/disks/bbbb 404
GET $A/disks/aaaa 200
GET $A/disks/aaaa 200
DELETE $A/disks/aaaa 200
POST $L 200
EOT
grep -q "Cancelling image transfer t-aaaa of disk aaaa" driver.log || fatal "cancel not logged"
grep -q "Disk bbbb does not exist" driver.log || fatal "404 not logged"
grep -q "Removed disk aaaa" driver.log || fatal "removal not logged"
ok "cleanup of two disks (one gone)"

ovirt_config "{$USERS, \"disks\": {\"cccc\": {\"locked_polls\": 100000}}}"
V2VW_OVIRT_CLEANUP_TIMEOUT=0.5 run cleanup "$URL" cccc
expect_out "finish=-110"
grep -q "Timed out waiting for disk cccc" driver.log || fatal "timeout not logged"
ovirt_records | grep -q "^DELETE" && fatal "a locked disk was deleted"
ovirt_records | tail -n1 | grep -q "^POST $L 200" || fatal "no logout after a timeout"
ok "cleanup gives up at the deadline"

ovirt_config "$CLEANUP_CONFIG"
: >driver.log
run success "$URL" 11111111-2222-3333-4444-555555555555 aaaa
expect_out "finish=0"
[ ! -s ovirt-record.jsonl ] || fatal "a successful conversion made API calls"
grep -q "nothing to clean up" driver.log || fatal "success not logged"
run cleanup "$URL"
expect_out "finish=0"
[ ! -s ovirt-record.jsonl ] || fatal "a failed conversion without disks made API calls"
ok "nothing deleted after success"

# --- secrets -----------------------------------------------------------------
for f in ovirt-record.jsonl driver.log driver.err out.txt; do
    if grep -qF "$PASSWORD" "$f"; then fatal "the password is in $f"; fi
done
if grep -qi "bearer [A-Za-z0-9_-]\{10,\}\|access_token" driver.log; then fatal "a token is in the log"; fi
ok "no password or token in records and logs"
echo "--- timings of the failed-conversion cleanup:"
cat timings-failed.txt
