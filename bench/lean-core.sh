# Lean core: the wrapper side by side with a minimal C program doing the
# same job (bench/lean-core-minimal.c: print the JSON line, follow the log
# with inotify, write the state atomically), in one run, with the fake
# engine converting two disks. Medians of RUNS runs; see
# bench/lean-core-runstat.c for what each number is.
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
export FAKE_ENGINE_DISKS=2 FAKE_ENGINE_DELAY=0.02
mkdir -p "$V2VW_STATE_DIR" "$V2VW_LOG_DIR" "$scratch/out"
: > "$scratch/disk.img"
printf '{"vm_name": "bench", "transport_method": "disk", "source_path": "%s", "local_storage": "%s", "daemonize": false}' \
    "$scratch/disk.img" "$scratch/out" > "$scratch/input.json"

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

wv=$("$stat" "$RUNS" - "$WRAPPER" --version)
mv=$("$stat" "$RUNS" - "$minimal" --version)
wc=$("$stat" "$RUNS" "$scratch/input.json" "$WRAPPER")
mc=$("$stat" "$RUNS" "$scratch/input.json" "$minimal")

awk -v wv="$(echo "$wv" | field cpu_ms)" -v mv="$(echo "$mv" | field cpu_ms)" \
    -v wf="$(echo "$wc" | field first_ms)" -v mf="$(echo "$mc" | field first_ms)" \
    -v wr="$(echo "$wc" | field rss_kb)" -v mr="$(echo "$mc" | field rss_kb)" \
    -v wp="$(echo "$wc" | field cpu_ms)" -v mp="$(echo "$mc" | field cpu_ms)" \
    -v libs="$(ldd "$WRAPPER" | wc -l)" 'BEGIN {
    printf "%-26s %12s %12s %8s  %s\n", "lean core (median)", "wrapper", "minimal", "ratio", "target"
    printf "%-26s %9.2f ms %9.2f ms %7.1fx  %s\n", "--version CPU", wv, mv, wv / mv, "<= 5 ms"
    printf "%-26s %9.2f ms %9.2f ms %7.2fx  %s\n", "start -> stdout line", wf, mf, wf / mf, "<= 1.2x"
    printf "%-26s %9.2f MB %9.2f MB %7.1fx  %s\n", "peak RSS, conversion", wr / 1024, mr / 1024, wr / mr, "<= 4 MB"
    printf "%-26s %9.2f ms %9.2f ms %7.1fx\n", "CPU per conversion", wp, mp, wp / mp
    printf "%-26s %12d\n", "shared libraries (ldd)", libs
    ok = wv <= 5 && wf <= 1.2 * mf && wr <= 4096
    printf "targets %s\n", ok ? "met" : "NOT met"
}'
