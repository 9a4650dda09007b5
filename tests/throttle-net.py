#!/usr/bin/env python3
"""Network helper for the throttle tests.

  sink ADDR PORT LOG      accept TCP connections, append "TIME TOTAL_BYTES" to LOG every 50 ms
  send ADDR PORT SECONDS [STOPFILE]
                          send zeros as fast as possible for SECONDS, or until
                          STOPFILE exists (tests under load need the margin)
  rate LOG T0 T1          print the received bytes/s between times T0 and T1
"""
import os
import socket
import sys
import threading
import time


def sink(addr, port, log):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, int(port)))
    srv.listen(64)
    total = [0]
    lock = threading.Lock()

    def serve(conn):
        while True:
            data = conn.recv(1 << 20)
            if not data:
                break
            with lock:
                total[0] += len(data)
        conn.close()

    def accept():
        while True:
            conn, _ = srv.accept()
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    with open(log, "w") as f:
        while True:
            with lock:
                n = total[0]
            f.write("%.3f %d\n" % (time.time(), n))
            f.flush()
            time.sleep(0.05)


def send(addr, port, seconds, stopfile=None):
    s = socket.create_connection((addr, int(port)))
    buf = bytes(1 << 16)
    end = time.time() + float(seconds)
    n = 0
    while time.time() < end:
        s.send(buf)
        n += 1
        if stopfile and n % 16 == 0 and os.path.exists(stopfile):
            break
    s.close()


def at(samples, t):
    """Bytes received by time t (last sample at or before t)."""
    best = None
    for ts, n in samples:
        if ts <= t:
            best = (ts, n)
    return best


def rate(log, t0, t1):
    samples = []
    with open(log) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 2:
                samples.append((float(parts[0]), int(parts[1])))
    a, b = at(samples, float(t0)), at(samples, float(t1))
    if not a or not b or b[0] <= a[0]:
        print(0)
    else:
        print(int((b[1] - a[1]) / (b[0] - a[0])))


if __name__ == "__main__":
    {"sink": sink, "send": send, "rate": rate}[sys.argv[1]](*sys.argv[2:])
