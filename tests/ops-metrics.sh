# `metrics` and the node_exporter textfile (V2VW_PROMETHEUS_DIR): valid
# Prometheus text (promtool check metrics, from Debian's prometheus
# package), one sample per conversion, the values of its state.
. "$TESTS_DIR/lib.sh"
command -v promtool >/dev/null || skip "promtool is not installed (scripts/install-deps installs prometheus)"
touch "$SCRATCH/disk.img"
export V2VW_PROMETHEUS_DIR="$SCRATCH/textfile"
mkdir -p "$V2VW_PROMETHEUS_DIR"
export FAKE_ENGINE_SCENARIO=slow FAKE_ENGINE_DELAY=0.3 FAKE_ENGINE_DISKS=2 FAKE_ENGINE_DISK_SIZE=1073741824
run_wrapper "$(input_local '.vm_name = "vm \"q\" \\ x" | .throttling = {cpu: "50%", network: "10485760"}')"
S1=$(jq -r .state_file "$SCRATCH/stdout"); T1=$(basename "$S1" .state); T1=${T1#v2v-import-}
sleep 1.1
FAKE_ENGINE_SCENARIO=fail run_wrapper "$(input_local '.vm_name = "vm-two"')"
S2=$(jq -r .state_file "$SCRATCH/stdout"); T2=$(basename "$S2" .state); T2=${T2#v2v-import-}
wait_finished "$S2" 60
wait_for sh -c "jq -e '.progress > 20 and .rate_bps > 0' '$S1' >/dev/null 2>&1"

"$WRAPPER" metrics > "$SCRATCH/metrics.txt"
check "metrics exit 0" test $? = 0
promtool check metrics < "$SCRATCH/metrics.txt" > "$SCRATCH/promtool.out" 2>&1
check "promtool accepts it: $(cat "$SCRATCH/promtool.out")" test $? = 0
check "both conversions" test "$(grep -c '^v2v_conversion_info{' "$SCRATCH/metrics.txt")" = 2
cat > "$SCRATCH/label" <<'EOL'
vm="vm \"q\" \\ x"
EOL
check "label escaping" grep -qF -f "$SCRATCH/label" "$SCRATCH/metrics.txt"
check "failed = 1 for the failed one" grep -q "^v2v_conversion_failed{tag=\"$T2\".*} 1$" "$SCRATCH/metrics.txt"
check "failed = 0 for the running one" grep -q "^v2v_conversion_failed{tag=\"$T1\".*} 0$" "$SCRATCH/metrics.txt"
check "size" grep -q "^v2v_conversion_size_bytes{tag=\"$T1\".*} 2147483648$" "$SCRATCH/metrics.txt"
check "rate" grep -q "^v2v_conversion_copy_rate_bytes_per_second{tag=\"$T1\"" "$SCRATCH/metrics.txt"
check "eta" grep -q "^v2v_conversion_eta_seconds{tag=\"$T1\"" "$SCRATCH/metrics.txt"
check "cpu limit 0.5" grep -q "^v2v_conversion_throttle_cpu_ratio{tag=\"$T1\".*} 0.5$" "$SCRATCH/metrics.txt"
check "network limit" grep -q "^v2v_conversion_throttle_network_bytes_per_second{tag=\"$T1\".*} 10485760$" "$SCRATCH/metrics.txt"
check "per-disk progress" test "$(grep -c "^v2v_conversion_disk_progress_ratio{tag=\"$T1\"" "$SCRATCH/metrics.txt")" = 2
cp "$SCRATCH/metrics.txt" "${OPS_METRICS_OUT:-/dev/null}" 2>/dev/null

# The textfile the wrapper keeps for node_exporter.
PROM="$V2VW_PROMETHEUS_DIR/virt-v2v-wrapper-$T1.prom"
check "textfile exists while running" test -f "$PROM"
promtool check metrics < "$PROM" > "$SCRATCH/promtool2.out" 2>&1
check "textfile valid: $(cat "$SCRATCH/promtool2.out")" test $? = 0
wait_finished "$S1" 120
check "textfile says finished at the end" grep -q "^v2v_conversion_finished{tag=\"$T1\".*} 1$" "$PROM"
check "textfile of the failed one" grep -q "^v2v_conversion_failed{tag=\"$T2\".*} 1$" "$V2VW_PROMETHEUS_DIR/virt-v2v-wrapper-$T2.prom"
check "no temporary files left" sh -c "! ls -A '$V2VW_PROMETHEUS_DIR' | grep -q '^\\.'"
finish
