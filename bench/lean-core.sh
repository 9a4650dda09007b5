# SPDX-License-Identifier: Apache-2.0
# Lean core: the wrapper side by side with a minimal C program doing the
# same job (bench/lean-core-minimal.c: print the JSON line, follow the log
# with inotify, write the state atomically), in one run, with the fake
# engine converting two disks. Medians of RUNS runs of each, taken
# alternately; see bench/lean-core-runstat.c for what each number is.
# Targets: start -> stdout within 1.2x of the minimal program, peak RSS of
# the conversion's process <= 4 MB, --version <= 5 ms CPU.
set -eu
BUILD=${BUILD:-build}
WRAPPER=${WRAPPER:-$BUILD/virt-v2v-wrapper}
RUNS=${RUNS:-15}
here=$(cd "$(dirname "$0")" && pwd)
stat=$BUILD/lean-core-runstat
minimal=$BUILD/lean-core-minimal
scratch=$(mktemp -d "${TMPDIR:-/tmp}/lean-core.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

export V2VW_ENGINE="$here/../tests/fake-engine" V2VW_NO_SYSTEMD=1
export V2VW_STATE_DIR="$scratch/state" V2VW_LOG_DIR="$scratch/log"
# Its own run directories: what other wrappers on this host left (orphans
# to collect, tc classes to free) is not this conversion's cost.
export V2VW_RUN_DIR="$scratch/run" V2VW_THROTTLE_RUNDIR="$scratch/throttle"
export FAKE_ENGINE_DISKS=2 FAKE_ENGINE_DELAY=0.02
mkdir -p "$V2VW_STATE_DIR" "$V2VW_LOG_DIR" "$scratch/out"
: > "$scratch/disk.img"
printf '{"vm_name": "bench", "transport_method": "disk", "source_path": "%s", "local_storage": "%s", "daemonize": false}' \
    "$scratch/disk.img" "$scratch/out" > "$scratch/input.json"

# One run each, alternately, so a busy moment of the shared machine weighs
# on both sides alike; then the medians (peak RSS: the largest).
i=0
while [ "$i" -lt "$RUNS" ]; do
    "$stat" 1 - "$WRAPPER" --version >> "$scratch/wv"
    "$stat" 1 - "$minimal" --version >> "$scratch/mv"
    "$stat" 1 "$scratch/input.json" "$WRAPPER" >> "$scratch/wc"
    "$stat" 1 "$scratch/input.json" "$minimal" >> "$scratch/mc"
    i=$((i + 1))
done
median() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$scratch/$2" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
largest() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" "$scratch/$2" | sort -n | tail -1; }

awk -v wv="$(median cpu_ms wv)" -v mv="$(median cpu_ms mv)" \
    -v wf="$(median first_ms wc)" -v mf="$(median first_ms mc)" \
    -v wr="$(largest rss_kb wc)" -v mr="$(largest rss_kb mc)" \
    -v wp="$(median cpu_ms wc)" -v mp="$(median cpu_ms mc)" \
    -v libs="$(ldd "$WRAPPER" | wc -l)" 'function verdict(ok) { return ok ? "PASS" : "MISS" }
BEGIN {
    printf "%-24s %12s %12s %7s  %-9s %s\n", "lean core (median)", "wrapper", "minimal", "ratio", "target", "verdict"
    printf "%-24s %9.2f ms %9.2f ms %6.2fx  %-9s %s\n", "--version CPU", wv, mv, wv / mv, "<= 5 ms", verdict(wv <= 5)
    printf "%-24s %9.2f ms %9.2f ms %6.2fx  %-9s %s\n", "start -> stdout line", wf, mf, wf / mf, "<= 1.2x", verdict(wf <= 1.2 * mf)
    printf "%-24s %9.2f MB %9.2f MB %6.2fx  %-9s %s\n", "peak RSS, conversion", wr / 1024, mr / 1024, wr / mr, "<= 4 MB", verdict(wr <= 4096)
    printf "%-24s %9.2f ms %9.2f ms %6.2fx  %-9s %s\n", "CPU per conversion", wp, mp, wp / mp, "-", "(reported)"
    printf "%-24s %12d\n", "shared libraries (ldd)", libs
    ok = wv <= 5 && wf <= 1.2 * mf && wr <= 4096
    printf "targets %s\n", ok ? "met" : "NOT met"
}'
