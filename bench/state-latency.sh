# SPDX-License-Identifier: Apache-2.0
# The delay between the engine writing a progress segment and the state
# file showing it (the wrapper in daemon mode, direct runner).
set -eu
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/state" "$dir/log" "$dir/out"
touch "$dir/disk.img"
export V2VW_ENGINE="$(cd "$(dirname "$0")" && pwd)/latency-engine.py" V2VW_NO_SYSTEMD=1
export V2VW_STATE_DIR="$dir/state" V2VW_LOG_DIR="$dir/log" BENCH_STATE_DIR="$dir/state" BENCH_RESULT="$dir/result"
start=$(date +%s%N)
printf '{"vm_name":"bench","transport_method":"disk","source_path":"%s/disk.img","local_storage":"%s/out"}' "$dir" "$dir" \
    | "$WRAPPER" > "$dir/stdout"
end=$(date +%s%N)
echo "wrapper start to stdout line: $(( (end - start) / 1000 )) us"
state=$(sed 's/.*"state_file":"\([^"]*\)".*/\1/' "$dir/stdout")
for i in $(seq 1 600); do
    grep -q '"finished":true' "$state" 2>/dev/null && break
    sleep 0.05
done
cat "$dir/result"
