# SPDX-License-Identifier: Apache-2.0
# Real virt-v2v through the wrapper: the delay between the engine writing a
# nbdcopy progress segment into the v2v log and the state file showing it
# (inotify on both), and the wrapper's start-to-stdout time. Converts the
# phony guest (scripts/make-phony-guest, cached) BENCH_RUNS times (default 3;
# each is ~1 min under TCG) and prints the median delay over all samples.
# POSIX sh (bench/run-benchmarks runs it with sh). Env: WRAPPER.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${WRAPPER:=${BUILD:-build}/virt-v2v-wrapper}"
command -v virt-v2v >/dev/null || { echo "real-engine-latency: virt-v2v not installed, skipped"; exit 0; }
guest=$("$here/../scripts/make-phony-guest")
# shellcheck source=/dev/null
. "$guest/env"
dir=$(mktemp -d "${TMPDIR:-/tmp}/v2vw-latency.XXXXXX")
trap 'rm -rf "$dir"' EXIT
runs=${BENCH_RUNS:-3}
i=1
while [ "$i" -le "$runs" ]; do
    rm -rf "$dir/state" "$dir/log" "$dir/out"
    mkdir -p "$dir/state" "$dir/log" "$dir/out"
    jq -n --arg src "$guest/win2k22.img" --arg out "$dir/out" \
        '{vm_name: "win2k22", transport_method: "disk", source_path: $src,
          source_disks: [$src], local_storage: $out, output_format: "qcow2"}' > "$dir/input.json"
    start=$(date +%s%N)
    V2VW_LOG_DIR=$dir/log V2VW_STATE_DIR=$dir/state \
        python3 "$here/real-engine-latency.py" "$WRAPPER" "$dir/input.json" | tee -a "$dir/samples"
    echo "run $i: conversion took $(( ($(date +%s%N) - start) / 1000000 )) ms"
    i=$((i + 1))
done
grep ' ms after the log write' "$dir/samples" | sed 's/.*shown \([0-9.]*\) ms.*/\1/' | sort -n |
    awk '{ v[NR] = $1 } END {
        if (NR == 0) { print "real-engine-latency: no samples"; exit 1 }
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "real-engine-latency: median %.3f ms, max %.3f ms over %d progress segments\n", m, v[NR], NR }'
