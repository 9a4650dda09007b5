# SPDX-License-Identifier: Apache-2.0
# Shared by the oVirt shell tests: a throwaway CA, a server certificate for
# 127.0.0.1 and the oVirt API test server (tests/ovirt-api-server.py).
#   ovirt_certs            -> ca.pem, server.pem/key, other-ca.pem in $PWD
#   ovirt_server_start     -> $OVIRT_PORT, $OVIRT_BASE (https://127.0.0.1:PORT)
#   ovirt_config JSON      replace the server's configuration, clear the record
#   ovirt_records [--times] print the recorded requests (and check them)

# scripts/install-deps installs both: a missing one is a failure, not a skip.
command -v python3 >/dev/null || { echo "FAIL: python3 missing (run scripts/install-deps)"; exit 1; }
command -v openssl >/dev/null || { echo "FAIL: openssl missing (run scripts/install-deps)"; exit 1; }

ovirt_certs() {
    local ec="-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes"
    # shellcheck disable=SC2086
    openssl req -x509 $ec -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ovirt-ca \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null
    # shellcheck disable=SC2086
    openssl req -x509 $ec -keyout other-ca.key -out other-ca.pem -days 2 -subj /CN=other-ca 2>/dev/null
    # shellcheck disable=SC2086
    openssl req $ec -keyout server.key -out server.csr -subj /CN=localhost 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem \
        -days 2 -extfile server.ext 2>/dev/null
}

ovirt_config() {
    printf '%s\n' "$1" >ovirt-config.json.tmp
    mv ovirt-config.json.tmp ovirt-config.json
    : >ovirt-record.jsonl
}

ovirt_server_start() {
    ovirt_config '{}'
    rm -f ovirt-port
    python3 "$TESTS_DIR/ovirt-api-server.py" --cert server.pem --key server.key \
        --config ovirt-config.json --record ovirt-record.jsonl --port-file ovirt-port &
    OVIRT_SERVER_PID=$!
    trap 'kill $OVIRT_SERVER_PID 2>/dev/null; wait $OVIRT_SERVER_PID 2>/dev/null || true' EXIT
    for _ in $(seq 100); do
        [ -s ovirt-port ] && break
        sleep 0.1
    done
    [ -s ovirt-port ] || { echo "FAIL: the oVirt API test server did not start"; exit 1; }
    OVIRT_PORT=$(cat ovirt-port)
    OVIRT_BASE="https://127.0.0.1:$OVIRT_PORT"
}

ovirt_records() {
    python3 "$TESTS_DIR/ovirt-records.py" "$@" ovirt-record.jsonl
}
