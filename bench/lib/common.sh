# bench/lib/common.sh — shell helpers shared by bench/run.sh and the workload scripts:
# free ports, starting/stopping servers we own (by PID only), waiting for readiness,
# PSS of a process tree, and recording results as TSV lines for bench/lib/report.mjs.
# Sourced, never executed. Everything targets 127.0.0.1 and every wait is bounded in time.

BENCH_ROOT=${BENCH_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
QUICKRAIL_BIN=${QUICKRAIL_BIN:-$BENCH_ROOT/build/quickrail}
NODE=${NODE:-node}

# free_port: prints a TCP port that was free a moment ago on 127.0.0.1.
free_port() {
  "$NODE" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# wait_http URL SECONDS: polls until URL answers 200 (curl), or fails after SECONDS.
wait_http() {
  local url=$1 secs=${2:-20} i
  for ((i = 0; i < secs * 20; i++)); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null)" = 200 ]; then return 0; fi
    sleep 0.05
  done
  echo "bench: $url did not answer 200 within ${secs}s" >&2
  return 1
}

# http_status URL: prints the status code of one GET.
http_status() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$1" 2>/dev/null || echo 000; }

# start_bg LOGFILE CMD...: starts CMD in its own session (so its children form one group we
# own), prints its PID. The caller stops it with stop_bg PID.
start_bg() {
  local log=$1; shift
  setsid "$@" >"$log" 2>&1 < /dev/null &
  echo $!
}

# stop_bg PID: SIGTERM to the server we started (its graceful shutdown stops its own children),
# then, after 5 s, SIGKILL to the whole process group it leads (start_bg made it a group leader).
stop_bg() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.05
  done
  for ((i = 0; i < 20; i++)); do kill -0 -- "-$pid" 2>/dev/null || break; sleep 0.05; done
  kill -KILL -- "-$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  return 0
}

# tree_pids PID: PID and all its descendants, one per line.
tree_pids() {
  local root=$1
  ps -e -o pid=,ppid= | awk -v root="$root" '
    { parent[$1] = $2; pids[NR] = $1 }
    END {
      keep[root] = 1; changed = 1
      while (changed) { changed = 0
        for (i in pids) { p = pids[i]; if (!(p in keep) && (parent[p] in keep)) { keep[p] = 1; changed = 1 } } }
      for (p in keep) print p
    }'
}

# pss_kb PID: PSS in KB of one process (smaps_rollup), 0 if gone.
pss_kb() { awk '/^Pss:/ { print $2; found = 1 } END { if (!found) print 0 }' "/proc/$1/smaps_rollup" 2>/dev/null || echo 0; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

# tree_pss_kb PID: total PSS in KB of PID and its descendants; per-process detail on stderr
# when BENCH_VERBOSE is set.
tree_pss_kb() {
  local total=0 p k
  for p in $(tree_pids "$1"); do
    k=$(pss_kb "$p")
    [ -n "${BENCH_VERBOSE:-}" ] && echo "  pid $p $(tr '\0' ' ' < /proc/$p/cmdline 2>/dev/null | cut -c1-60) pss ${k} KB" >&2
    total=$((total + ${k:-0}))
  done
  echo $total
}

# tree_detail PID: "comm:pss_kb" for each process of the tree (for the report's notes).
tree_detail() {
  local p out=""
  for p in $(tree_pids "$1" | sort -n); do
    out="$out $(cat /proc/$p/comm 2>/dev/null):$(pss_kb "$p")"
  done
  echo "${out# }"
}

# record WORKLOAD SERVER METRIC VALUE [UNIT]: appends one result line.
record() {
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "${5:-}" >> "$RESULTS_TSV"
}

# note TEXT: a free-form line carried into the report.
note() { printf 'note\t-\t-\t%s\t\n' "$*" >> "$RESULTS_TSV"; }

# median of numbers on stdin
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print ""; exit } ; if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# cpu_busy_pct SECONDS: percent of the whole machine's CPU time that was not idle over SECONDS
# (from /proc/stat's aggregate line; iowait counts as idle). Called while no bench process runs,
# it is what everything else on the machine uses.
cpu_busy_pct() {
  local a b
  a=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat); sleep "$1"
  b=$(awk '/^cpu /{print $2+$3+$4+$7+$8+$9, $5+$6}' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); busy = y[1] - x[1]; idle = y[2] - x[2];
    printf "%.1f", (busy + idle > 0) ? 100 * busy / (busy + idle) : 0 }'
}
log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
