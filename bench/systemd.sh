#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# Median time to start the engine in a transient unit (systemd runner) vs
# fork+exec, over 30 runs, inside a real systemd booted by
# tests/systemd-harness.sh. Root only.  usage: bench/systemd.sh [BUILD] [RUNS]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:-${BUILDDIR:-$here/../build}}" && pwd)
runs=${2:-30}
if [ "$(id -u)" != 0 ]; then echo "systemd bench: skipped (needs root)"; exit 0; fi
. "$here/../tests/systemd-harness.sh"
harness_start
# The engine lives a little (like a real one), so the start is measured
# without its end racing in.
harness_exec "$build/systemd-start-bench" "$runs" /bin/sleep 0.05 2>/dev/null
harness_stop
