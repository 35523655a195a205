#!/usr/bin/env bash
# bench/cable/run.sh [--quick] — idle-connection memory and broadcast fan-out latency of the
# Action Cable server (bench.mjs): 1k and 10k connections (--quick: 1k only). Needs build/quickrail
# (make) and node_modules (scripts/setup.sh). 127.0.0.1 only; bounded in time (a few minutes).
set -euo pipefail
cd "$(dirname "$0")/../.."
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" -lt 12000 ] && [[ " $* " != *" --quick "* ]]; then
  echo "bench/cable: open-file limit $(ulimit -n) is too low for 10k connections" >&2
fi
exec timeout 900 node bench/cable/bench.mjs "$@"
