#!/usr/bin/env bash
# Runs every test suite of quickrail against the already-built binaries (make test builds them
# first) and ends with one summary line "N passed, N failed" counting individual test cases.
# Suites: the architecture check, C unit tests (normal and ASan+UBSan builds), JS framework tests inside quickrail,
# integration tests over real loopback sockets, protocol tests with the real npm clients,
# PostgreSQL/Redis cluster tests, end-to-end browser tests, the CI chaos variant, the fuzz targets'
# 20-second variant, a bench smoke run.
set -uo pipefail
cd "$(dirname "$0")/.."
export QUICKRAIL_BIN=${QUICKRAIL_BIN:-$PWD/build/quickrail}
export QUICKRAIL_ASAN_BIN=$PWD/build-asan/quickrail
export QUICKRAIL_ROOT=$PWD
mkdir -p test-artifacts
passed=0; failed=0; failed_suites=""

count_node() { # parses node --test's "# pass N" / "# fail N" lines from a log
  local log=$1 p f
  p=$(grep -E '^(# |ℹ )pass [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || echo 0)
  f=$(grep -E '^(# |ℹ )fail [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+$' || echo 0)
  echo "${p:-0} ${f:-0}"
}
count_cmocka() {
  local log=$1 p f
  p=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$log" | awk '{s+=$4} END {print s+0}')
  f=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$log" | awk '{s+=$4} END {print s+0}')
  echo "$p $f"
}

count_plain() { # a closing "N passed, N failed" line
  local line; line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$1" | tail -1)
  [ -n "$line" ] || { echo "0 0"; return; }
  echo "$(echo "$line" | awk '{print $1}') $(echo "$line" | awk '{print $3}')"
}

suite() { # suite NAME KIND CMD...  (KIND: node | cmocka | plain)
  local name=$1 kind=$2; shift 2
  local log=test-artifacts/$name.log
  echo "=== $name"
  "$@" > "$log" 2>&1
  local rc=$?
  local counts; counts=$(count_$kind "$log")
  local p=${counts% *} f=${counts#* }
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
  passed=$((passed + p)); failed=$((failed + f))
  if [ "$f" != 0 ]; then
    failed_suites="$failed_suites $name"
    tail -n 60 "$log"
  fi
  echo "--- $name: $p passed, $f failed (rc $rc, log $log)"
}

# Each C test binary runs under a timeout: a hung test fails (rc 124) instead of hanging CI.
run_unit() {
  local rc=0 r
  for t in "$@"; do
    [ -x "$t" ] || continue
    timeout -k 5 "${UNIT_TIMEOUT:-180}" "$t"; r=$?
    if [ "$r" = 124 ] || [ "$r" = 137 ]; then echo "[  FAILED  ] 1 test(s): $t timed out after ${UNIT_TIMEOUT:-180} s"; fi
    [ "$r" = 0 ] || rc=1
  done
  return $rc
}

# The architecture check: include / import edges, layers, cycles (docs/architecture.md).
suite arch node node --test --test-concurrency=1 --test-reporter=spec tests/arch/
suite unit cmocka run_unit build/tests/test_*
suite unit-asan cmocka run_unit build-asan/tests/test_*
for dir in tests/jsrt tests/framework tests/integration tests/cable tests/ruby tests/rails tests/blog tests/cluster tests/e2e; do
  ls $dir/*.test.mjs >/dev/null 2>&1 || continue
  suite "$(basename $dir)" node node --test --test-concurrency=1 --test-reporter=spec $dir/
done
# The suites that drive the C server hardest run again against the ASan+UBSan binary (tests/ruby:
# the Ruby compiler over every fixture and golden file, in the loader and `quickrail build`).
for dir in tests/jsrt tests/integration tests/cable tests/ruby; do
  QUICKRAIL_BIN=$QUICKRAIL_ASAN_BIN suite "$(basename $dir)-asan" node node --test --test-concurrency=1 --test-reporter=spec $dir/
done
if [ -x tests/chaos/run.sh ]; then suite chaos-ci node tests/chaos/run.sh --ci; fi
# Every fuzz target (libFuzzer, ASan+UBSan, fuzz/) for 20 s from the committed seeds: one pass
# per target that ran without a crash, a sanitizer report or a broken invariant.
if [ -x fuzz/run.sh ]; then suite fuzz-ci plain fuzz/run.sh --ci; fi
# The benchmarks' smallest variant, so they cannot rot (counts workloads that ran).
if [ -x bench/run.sh ]; then suite bench-smoke plain bench/run.sh --smoke; fi

echo
[ -n "$failed_suites" ] && echo "failed suites:$failed_suites"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
