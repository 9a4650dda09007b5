# SPDX-License-Identifier: Apache-2.0
# The annotations client alone (tests/kube-driver): a burst of 101 progress
# values in 2 s becomes at most one PATCH a second, rising, ending with the
# final one; an API that accepts connections and never answers does not
# block the event loop (a 20 ms heartbeat keeps beating) and the final
# annotations are given up at their deadline.
source "$TESTS_DIR/lib.sh"
source "$TESTS_DIR/kube-lib.sh"
driver=$BUILDDIR/kube-driver
kube_start_server
kube_env

steps=()
for p in $(seq 0 100); do steps+=("$p" wait:0.02); done
printf 'kind: VirtualMachineInstance\n' > "$SCRATCH/meta.yaml"
KUBE_DRIVER_METADATA=$SCRATCH/meta.yaml "$driver" "${steps[@]}" wait:0.5 ok > "$SCRATCH/drv.out" 2> "$SCRATCH/drv.err"
check "burst: the driver ran" grep -q 'done after' "$SCRATCH/drv.out"
n=$(rec '[.[] | select(.method == "PATCH")] | length')
check "burst: 101 values became at most 5 patches ($n)" test "$n" -le 5
check "burst: and at least 2" test "$n" -ge 2
kube_common_checks
check "burst: final progress 100 with the metadata" \
    test "$(ann v2vConversionProgress)/$(ann v2vConversionMetadata)" = "100/kind: VirtualMachineInstance"

# A server that accepts and never answers.
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' "$SCRATCH/mute-port" &
mute=$!
wait_for test -s "$SCRATCH/mute-port"
export KUBERNETES_SERVICE_PORT; KUBERNETES_SERVICE_PORT=$(cat "$SCRATCH/mute-port")
V2VW_KUBE_TIMEOUT=1 V2VW_KUBE_FINAL_SECONDS=3 "$driver" 10 wait:1.5 20 wait:1.5 fail:broken > "$SCRATCH/drv.out" 2> "$SCRATCH/drv.err"
kill "$mute"
gap=$(sed -n 's/^heartbeat max gap \([0-9]*\) ms$/\1/p' "$SCRATCH/drv.out")
done_ms=$(sed -n 's/^done after \([0-9]*\) ms$/\1/p' "$SCRATCH/drv.out")
echo "mute API: heartbeat max gap $gap ms, final given up after $done_ms ms"
check "mute: the loop never blocked (heartbeat gap $gap ms < 900, a request's timeout is 1000)" test "${gap:-99999}" -lt 900
check "mute: the timeouts were logged" grep -q 'Kubernetes API: updating the progress failed: .*timed out' "$SCRATCH/drv.err"
check "mute: gave up at the deadline (3 s..6 s: $done_ms ms)" sh -c "[ '${done_ms:-0}' -ge 2900 ] && [ '${done_ms:-0}' -le 6000 ]"
check "mute: the give-up is logged" grep -q 'giving up on the final annotations after 3 s' "$SCRATCH/drv.err"
finish
