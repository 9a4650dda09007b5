#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Drive the wrapper like a management client and record what it sees.

    real-engine-client.py WRAPPER INPUT.json SUMMARY.json [INTERVAL]

Pipes INPUT.json into WRAPPER, reads the one stdout line, then polls the
state file every INTERVAL seconds (default 0.05) until it says finished,
recording per-disk progress sequences, status phrases, the engine pid and
the daemon's peak RSS (VmHWM). Writes SUMMARY.json (see the keys below);
exits 0 when it got to the end (assertions are the caller's job), 1 when
the wrapper failed to start or the state never finished.
"""
import json
import os
import subprocess
import sys
import time


def daemon_pids(exe, exclude):
    """Processes running the wrapper binary (the daemon after the fork)."""
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in exclude:
            continue
        try:
            if os.path.realpath(f"/proc/{entry}/exe") == exe:
                pids.append(int(entry))
        except OSError:
            pass
    return pids


def vmhwm_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False


def main():
    wrapper, input_path, summary_path = sys.argv[1:4]
    interval = float(sys.argv[4]) if len(sys.argv) > 4 else 0.05
    deadline_s = float(os.environ.get("CLIENT_TIMEOUT", "880"))
    exe = os.path.realpath(wrapper)
    summary = {"interval": interval}

    t0 = time.monotonic()
    with open(input_path, "rb") as stdin:
        proc = subprocess.Popen([wrapper], stdin=stdin, stdout=subprocess.PIPE)
    line = proc.stdout.readline()
    summary["stdout_seconds"] = time.monotonic() - t0
    rest = proc.stdout.read()              # must stay empty in daemon mode
    summary["wrapper_rc"] = proc.wait()
    summary["stdout_extra"] = rest.decode(errors="replace")
    try:
        paths = json.loads(line)
    except ValueError:
        summary["stdout_raw"] = line.decode(errors="replace")
        json.dump(summary, open(summary_path, "w"), indent=1)
        return 1
    summary["stdout"] = paths

    sequences = {}        # disk path -> progress values, consecutive duplicates dropped
    statuses = []
    samples = []          # [seconds since start, overall progress] on change
    pid_seen_at = None
    started_at = None
    invalid = 0
    daemon = None
    peak = 0
    state = {}
    deadline = t0 + deadline_s
    while time.monotonic() < deadline:
        now = time.monotonic() - t0
        if daemon is None:
            found = daemon_pids(exe, {proc.pid, os.getpid()})
            if len(found) == 1:
                daemon = found[0]
        if daemon is not None:
            hwm = vmhwm_kb(daemon)
            if hwm:
                peak = max(peak, hwm)
        try:
            with open(paths["state_file"]) as f:
                state = json.load(f)
        except (OSError, ValueError):
            invalid += 1
            time.sleep(interval)
            continue
        if state.get("started") and started_at is None:
            started_at = now
        if "pid" in state and pid_seen_at is None:
            pid_seen_at = now
            summary["engine_pid"] = state["pid"]
        if state.get("status") and (not statuses or statuses[-1] != state["status"]):
            statuses.append(state["status"])
        for disk in state.get("disks", []):
            seq = sequences.setdefault(disk["path"], [])
            if not seq or seq[-1] != disk["progress"]:
                seq.append(disk["progress"])
        if "progress" in state and (not samples or samples[-1][1] != state["progress"]):
            samples.append([round(now, 3), state["progress"]])
        if state.get("finished"):
            break
        time.sleep(interval)

    summary["elapsed_seconds"] = time.monotonic() - t0
    summary["started_seconds"] = started_at
    summary["pid_seen_seconds"] = pid_seen_at
    summary["invalid_reads"] = invalid
    summary["sequences"] = sequences
    summary["statuses"] = statuses
    summary["overall_progress"] = samples
    summary["final"] = state
    summary["daemon_pid"] = daemon
    summary["peak_vmhwm_kb"] = peak
    # The daemon must go away once it has written finished.
    exited = daemon is None
    end = time.monotonic() + 30
    while not exited and time.monotonic() < end:
        exited = not alive(daemon)
        if not exited:
            time.sleep(0.05)
    summary["daemon_exited"] = exited
    with open(summary_path, "w") as f:
        json.dump(summary, f, indent=1)
    return 0 if state.get("finished") else 1


if __name__ == "__main__":
    sys.exit(main())
