#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""A benchmark engine: writes nbdcopy progress segments like virt-v2v 2.x and
measures how long each takes to show in the wrapper's state file."""
import glob, json, os, statistics, sys, time

mr = next(a.split("file:", 1)[1] for a in sys.argv if a.startswith("--machine-readable=file:"))
state_dir = os.environ["BENCH_STATE_DIR"]
steps = int(os.environ.get("BENCH_STEPS", "100"))
state = glob.glob(os.path.join(state_dir, "*.state"))[0]

def progress():
    try:
        with open(state) as f:
            d = json.load(f)
        return d["disks"][0]["progress"] if d.get("disk_count") == 1 else -1
    except (OSError, ValueError, KeyError, IndexError):
        return -1

with open(mr, "a") as m:
    m.write('{ "message": "Copying disk 1/1", "timestamp": "x", "type": "message" }\n')
print("[   1.0] Copying disk 1/1", flush=True)
delays = []
for p in range(1, steps + 1):
    pct = p * 100 // steps
    bar = "\u2590 %3d%% [%s%s]\r" % (pct, "*" * (pct * 40 // 100), "-" * (40 - pct * 40 // 100))
    t0 = time.monotonic()
    os.write(2, bar.encode())
    while progress() < pct:
        if time.monotonic() - t0 > 2:
            break
        time.sleep(0.0002)
    delays.append((time.monotonic() - t0) * 1000)
    time.sleep(0.03)  # let the 20 ms write limiter settle, as a real engine would
delays.sort()
with open(os.environ["BENCH_RESULT"], "w") as f:
    f.write("state file latency over %d progress segments: median %.2f ms, p95 %.2f ms, max %.2f ms\n"
            % (len(delays), statistics.median(delays), delays[int(len(delays) * 0.95) - 1], delays[-1]))
