# Unknown input keys are accepted (clients send extra ones) but never
# silent: each gets a warning line on stderr before the wrapper daemonizes,
# and in the wrapper log, naming the nearest known key when it looks like a
# typo. stdout still carries exactly the one JSON line.
. "$TESTS_DIR/lib.sh"
touch "$SCRATCH/disk.img"

run_wrapper "$(input_local '.instal_drivers = true | .x_vendor_extension = 1
    | .network_mappings = [{"source": "a", "destination": "br0", "mac_adress": "52:54:00:01:02:03"}]
    | .throttling = {"netwrok": "1000"}')"
check "accepted: exit 0 (got $RC: $ERR)" test "$RC" = 0
check "stdout is one JSON line" sh -c "[ \$(wc -l < '$SCRATCH/stdout') = 1 ] && jq -e .state_file '$SCRATCH/stdout' >/dev/null"
check "typo: warning with the nearest key" grep -qxF \
    'virt-v2v-wrapper: warning: unknown key "instal_drivers" ignored; did you mean "install_drivers"?' "$SCRATCH/stderr"
check "no neighbour: plain warning" grep -qxF \
    'virt-v2v-wrapper: warning: unknown key "x_vendor_extension" ignored' "$SCRATCH/stderr"
check "inside a network mapping" grep -qxF \
    'virt-v2v-wrapper: warning: unknown key "network_mappings[0].mac_adress" ignored; did you mean "network_mappings[0].mac_address"?' "$SCRATCH/stderr"
check "inside throttling" grep -qxF \
    'virt-v2v-wrapper: warning: unknown key "throttling.netwrok" ignored; did you mean "throttling.network"?' "$SCRATCH/stderr"
check "exactly four warnings" test "$(grep -c warning: "$SCRATCH/stderr")" = 4
state=$(jq -r .state_file "$SCRATCH/stdout")
wait_finished "$state"
log=$(jq -r .wrapper_log "$SCRATCH/stdout")
check "the wrapper log has the typo warning" grep -qF \
    'WARNING: unknown key "instal_drivers" ignored; did you mean "install_drivers"?' "$log"
check "the conversion still ran" test "$(jq -r .failed "$state")" = false

# A key with control characters cannot forge lines on a terminal or in the
# log; hundreds of keys give a bounded number of lines.
keys=$(jq -n '[range(0; 300) | {key: "extra_\(.)", value: 1}] | from_entries')
run_wrapper "$(input_local "{\"bad\\n\\u001b[31mkey\": 1} + . + $keys")"
check "many keys: exit 0 (got $RC)" test "$RC" = 0
check "a control character is escaped" grep -qF 'unknown key "bad\x0a\x1b[31mkey" ignored' "$SCRATCH/stderr"
check "stderr has no escape character" sh -c "! grep -q \"$(printf '\033')\" '$SCRATCH/stderr'"
check "at most 21 lines for 301 keys ($(wc -l < "$SCRATCH/stderr"))" test "$(wc -l < "$SCRATCH/stderr")" -le 21
check "the rest is counted" grep -qx 'virt-v2v-wrapper: warning: 281 more unknown keys ignored' "$SCRATCH/stderr"
wait_finished "$(jq -r .state_file "$SCRATCH/stdout")"
finish
