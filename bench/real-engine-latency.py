#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""How long after the real virt-v2v writes a progress segment into its log
does the wrapper's state file show it?

    real-engine-latency.py WRAPPER INPUT.json

V2VW_LOG_DIR and V2VW_STATE_DIR must be set (private, empty directories).
One inotify queue watches both: every write to the v2v log is read at once
and its nbdcopy bar segments ("<glyph> NN% [") timestamped; every rename of
the state file (the wrapper's atomic write) is timestamped with the
progress it shows. The delay of a segment "disk N at P%" is the time until
the state first shows disk N at P% or more. Prints one line per sample and
a JSON summary line (samples, median_ms, max_ms).
"""
import ctypes
import json
import os
import re
import select
import statistics
import struct
import subprocess
import sys
import time

IN_MODIFY, IN_MOVED_TO, IN_CLOSE_WRITE = 0x2, 0x80, 0x8
SEGMENT = re.compile(r"^\S?\s*(\d{1,3})% \[")
COPYING = re.compile(r"Copying disk (\d+)/(\d+)")

libc = ctypes.CDLL(None, use_errno=True)


def watch(fd, path, mask):
    if libc.inotify_add_watch(fd, path.encode(), mask) < 0:
        raise OSError(ctypes.get_errno(), f"inotify_add_watch {path}")


def events(fd, timeout):
    if not select.select([fd], [], [], timeout)[0]:
        return []
    buf = os.read(fd, 65536)
    out, i = [], 0
    while i < len(buf):
        _wd, mask, _cookie, length = struct.unpack_from("iIII", buf, i)
        name = buf[i + 16:i + 16 + length].rstrip(b"\0").decode()
        out.append((mask, name))
        i += 16 + length
    return out


class LogFollower:
    """Reads a growing log; records the first time each (disk, percent) bar
    segment appears."""

    def __init__(self, path):
        self.path, self.offset, self.tail = path, 0, ""
        self.disk = 1
        self.seen = {}

    def poll(self, now):
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except OSError:
            return
        self.offset += len(data)
        text = self.tail + data.decode("utf-8", errors="replace")
        segments = re.split(r"[\r\n]", text)
        self.tail = segments.pop()
        for seg in segments:
            m = COPYING.search(seg)
            if m:
                self.disk = int(m.group(1))
            m = SEGMENT.match(seg)
            if m:
                self.seen.setdefault((self.disk, int(m.group(1))), now)


def main():
    wrapper, input_path = sys.argv[1:3]
    log_dir, state_dir = os.environ["V2VW_LOG_DIR"], os.environ["V2VW_STATE_DIR"]
    fd = libc.inotify_init1(os.O_CLOEXEC)
    if fd < 0:
        raise OSError(ctypes.get_errno(), "inotify_init1")
    watch(fd, log_dir, IN_MODIFY)
    watch(fd, state_dir, IN_MOVED_TO | IN_CLOSE_WRITE)

    with open(input_path, "rb") as stdin:
        paths = json.loads(subprocess.run([wrapper], stdin=stdin, check=True,
                                          stdout=subprocess.PIPE).stdout)
    log = LogFollower(paths["v2v_log"])
    log_name = os.path.basename(paths["v2v_log"])
    state_name = os.path.basename(paths["state_file"])
    shown = []            # (time, [progress of disk 1, disk 2, ...])
    finished = False
    deadline = time.monotonic() + 900
    while not finished and time.monotonic() < deadline:
        for mask, name in events(fd, 1.0):
            now = time.monotonic()
            if name == log_name and mask & IN_MODIFY:
                log.poll(now)
            elif name == state_name and mask & (IN_MOVED_TO | IN_CLOSE_WRITE):
                try:
                    with open(paths["state_file"]) as f:
                        state = json.load(f)
                except (OSError, ValueError):
                    continue
                shown.append((now, [d["progress"] for d in state["disks"]]))
                finished = bool(state.get("finished"))
    log.poll(time.monotonic())

    delays = []
    t0 = min(log.seen.values(), default=0)
    for (disk, pct), t_log in sorted(log.seen.items(), key=lambda kv: kv[1]):
        if pct == 0:
            continue      # the state starts at 0: nothing to measure
        t_state = next((t for t, p in shown
                        if t >= t_log and len(p) >= disk and p[disk - 1] >= pct), None)
        if t_state is None:
            print(f"disk {disk} {pct:3d}%: never shown", file=sys.stderr)
            continue
        delays.append((t_state - t_log) * 1000)
        print(f"disk {disk} {pct:3d}%: written at +{(t_log - t0) * 1000:.1f} ms, "
              f"shown {delays[-1]:.3f} ms after the log write")
    summary = {"samples": len(delays), "finished": finished}
    if delays:
        summary["median_ms"] = round(statistics.median(delays), 3)
        summary["max_ms"] = round(max(delays), 3)
    print(json.dumps(summary))
    return 0 if delays and finished else 1


if __name__ == "__main__":
    sys.exit(main())
