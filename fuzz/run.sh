#!/usr/bin/env bash
# fuzz/run.sh — runs every libFuzzer target built by `make SAN=fuzz fuzz-build` (build-fuzz/fuzz/)
# for FUZZ_SECONDS each (default 600), one after another, each on one core. The committed seeds in
# fuzz/corpus/<target>/ are read, never written: what a run discovers goes to a work folder
# (kept with --keep, or FUZZ_WORK=DIR to grow a corpus across runs). A crash, a leak, a sanitizer
# report or a broken invariant fails the target; its input is saved as
# test-artifacts/fuzz/<target>-crash-* and the run goes on with the next target.
# Prints one line per target (executions, coverage, features, corpus size) and ends with
# "N passed, N failed" (one per target). Options: --ci (FUZZ_SECONDS=20 unless set), --only a,b.
set -uo pipefail
cd "$(dirname "$0")/.."
SECS=${FUZZ_SECONDS:-}
ONLY=""
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --ci) SECS=${SECS:-20} ;;
    --only) ONLY=",$2,"; shift ;;
    --keep) KEEP=1 ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "fuzz/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done
SECS=${SECS:-600}
BIN=build-fuzz/fuzz
ls $BIN/fuzz_* >/dev/null 2>&1 || { echo "fuzz/run.sh: no targets in $BIN: run 'make SAN=fuzz fuzz-build' first" >&2; exit 2; }
WORK=${FUZZ_WORK:-$(mktemp -d /tmp/quickrail-fuzz.XXXXXX)}
mkdir -p test-artifacts/fuzz "$WORK"
passed=0; failed=0
for bin in $BIN/fuzz_*; do
  t=$(basename "$bin"); t=${t#fuzz_}
  [ -n "$ONLY" ] && [[ "$ONLY" != *",$t,"* ]] && continue
  mkdir -p "$WORK/$t"
  log=test-artifacts/fuzz/$t.log
  asan=detect_leaks=1
  extra=()
  case $t in
    # the JS targets spend their time in the engine's allocations and in libFuzzer's bookkeeping
    # of the engine's edges: short allocation stacks, a smaller quarantine, no malloc fill and no
    # entropic feature weighting (the engine's hit counts are noise) make them ~4x faster; replay
    # a finding without these options for full allocation stacks
    js_*) asan=detect_leaks=1:malloc_context_size=2:quarantine_size_mb=16:max_malloc_fill_size=0
          extra=(-entropic=0) ;;
  esac
  # -max_len 8192: requests, frames and source files of realistic size; -timeout 10: a hang is a finding
  ASAN_OPTIONS=${ASAN_OPTIONS:-$asan} \
  "$bin" -max_total_time="$SECS" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    "${extra[@]}" -artifact_prefix="test-artifacts/fuzz/$t-" "$WORK/$t" "fuzz/corpus/$t" > "$log" 2>&1
  rc=$?
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  last=$(grep -E '#[0-9]+.*(cov|ft):' "$log" | tail -1)
  cov=$(echo "$last" | grep -oE 'cov: [0-9]+' | awk '{print $2}')
  ft=$(echo "$last" | grep -oE 'ft: [0-9]+' | awk '{print $2}')
  corp=$(echo "$last" | grep -oE 'corp: [0-9]+' | awk '{print $2}')
  if [ "$rc" = 0 ]; then
    passed=$((passed + 1))
    echo "fuzz $t: ok, ${execs:-0} executions in ${SECS}s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}"
  else
    failed=$((failed + 1))
    echo "fuzz $t: FAILED (rc $rc) after ${execs:-?} executions; log $log"
    grep -E 'ERROR: |SUMMARY: |fuzz: |invariant|Test unit written' "$log" | head -12
  fi
done
[ "$KEEP" = 1 ] || [ -n "${FUZZ_WORK:-}" ] || rm -rf "$WORK"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
