#!/usr/bin/env bash
# bench/run.sh — quickrail's benchmarks against real peers, side by side in one session (issue 8).
# `make bench` runs it in full (about 12 minutes); `bench/run.sh --smoke` runs every workload
# with tiny durations (under 2 minutes) so tests/run.sh can prove the harness still works.
#
# Workloads (each peer and quickrail one after another, same load, all on 127.0.0.1):
#   blog         examples/blog: quickrail (default workers) vs the Node host (lib/node-host, one
#                process and node:cluster with one process per core); wrk -t2 -c64, 20 s warm-up,
#                3 runs of 20 s, median; /articles, /articles/1, /articles/new, /articles.json,
#                /articles/1.json; 20 articles x 3 comments seeded over HTTP. The same blog in
#                Ruby (examples/blog-ruby, compiled by quickrail) runs right after, same load,
#                then Rails 6.1 + Puma (-w cores -t 5 --preload) serving the very same Ruby files
#                (bench/rails: the Rails shell; scripts/setup-bench.sh installs it; not in --smoke).
#                PSS of each server's whole process tree is taken right after its last run.
#   hello        quickrail JS handler vs Node http (1 process, cluster) vs nginx static file.
#   fanout       1k and 10k Action Cable subscribers on one Turbo stream, a broadcast every
#                100 ms for 30 s; delivery latency p50/p99/max and KB per idle connection, vs a
#                Node `ws` peer sending identical frames.
#   memory       PSS of the whole process tree (blog, 4 workers) after start and after 10,000
#                requests, vs the Node host.
#   coldstart    process start to first 200 on /articles, quickrail (JS and Ruby blog) vs Node host.
#   reload       development: save of app/views/articles/index.html.erb -> the first response
#                on /articles that shows the edit (bench/startup/reload.mjs; one save a second).
#   replacement  worker replacement latency p50/p99 over 1000 crashes (stats endpoint).
# Output: the markdown table on stdout, saved to bench/results/<date>-<host>.md with the machine
# description, and the latency chart bench/results/<date>-<host>.svg (gnuplot). Ends with
# "N passed, N failed" counting workloads that ran / failed; exits non-zero if any failed.
#
# Options: --smoke   tiny durations; results go to a temporary folder unless --out is given
#          --only a,b run only these workloads      --out DIR  where to write the report
#          --keep    keep the work folder (logs of every server) for inspection
#          --duration S  warm-up and timed runs of blog and hello last S seconds (a quick check)
# Before the first workload the 1-minute load average must be at most 0.5 (a machine at rest).
# Later workloads cannot use it (the previous workload's own load lingers in it for minutes), so
# before each of them the CPU the rest of the machine uses is sampled from /proc/stat for 3 s
# while none of the bench's processes runs: above 15% of the machine, it was busy. Either way the
# report is printed but not written to bench/results/ (it says which workload saw what).
set -uo pipefail
cd "$(dirname "$0")/.."
BENCH_ROOT=$PWD
source bench/lib/common.sh

MODE=full; ONLY=""; OUT=""; KEEP=0; DURATION=""; FIRST_DONE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) MODE=smoke ;;
    --only) ONLY=",$2,"; shift ;;
    --out) OUT=$2; shift ;;
    --keep) KEEP=1 ;;
    --duration)
      [[ "${2:-}" =~ ^[1-9][0-9]*$ ]] || { echo "bench/run.sh: --duration needs whole seconds, e.g. --duration 3" >&2; exit 2; }
      DURATION=$2; shift ;;
    -h|--help) sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if [ "$MODE" = smoke ]; then
  WARM=1; RUNS=1; DUR=2; HELLO_WARM=1; HELLO_DUR=1
  FANOUT_SIZES="200"; FANOUT_DUR=2; FANOUT_SETTLE=0.5; MEM_REQS=300; COLD_RUNS=2; CRASHES=20; RELOAD_RUNS=2
else
  WARM=20; RUNS=3; DUR=20; HELLO_WARM=3; HELLO_DUR=8
  FANOUT_SIZES="1000 10000"; FANOUT_DUR=30; FANOUT_SETTLE=2; MEM_REQS=10000; COLD_RUNS=20; CRASHES=1000; RELOAD_RUNS=20
fi
[ -n "$DURATION" ] && { WARM=$DURATION; DUR=$DURATION; HELLO_WARM=$DURATION; HELLO_DUR=$DURATION; }
CORES=$(nproc)
SECRET=bench-secret-key-base-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
export SECRET_KEY_BASE=$SECRET
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

WORK=$(mktemp -d /tmp/quickrail-bench.XXXXXX)
RESULTS_TSV=$WORK/results.tsv; : > "$RESULTS_TSV"
DIST=$WORK/dist; mkdir -p "$DIST"
# fixtures are served from a copy, so what quickrail writes beside an app (tmp/) stays out of the repo
cp -r bench/fixtures "$WORK/fixtures"; FIX=$WORK/fixtures
HOST=$(hostname -s 2>/dev/null || hostname)
DATE=$(date +%Y-%m-%d)
if [ -z "$OUT" ]; then
  if [ "$MODE" = smoke ]; then OUT=$WORK/report; else OUT=$BENCH_ROOT/bench/results; fi
fi
mkdir -p "$OUT"
RESULTS_DIR=$(cd "$OUT" && pwd -P)
IS_RESULTS=0; [ "$RESULTS_DIR" = "$(mkdir -p bench/results && cd bench/results && pwd -P)" ] && IS_RESULTS=1
BUSY=""  # "workload (load L)" entries when the machine was busy before a run
REPORT_MD=$OUT/$DATE-$HOST.md
REPORT_SVG=$OUT/$DATE-$HOST.svg
[ "$MODE" = smoke ] && { REPORT_MD=$OUT/smoke-$HOST.md; REPORT_SVG=$OUT/smoke-$HOST.svg; }
cleanup_work() { if [ "$KEEP" = 1 ]; then log "work folder kept: $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup_work EXIT

passed=0; failed=0; failed_list=""
want() { [ -z "$ONLY" ] || [[ "$ONLY" == *",$1,"* ]]; }

# ---------------------------------------------------------------- servers (one at a time)
SERVER_PID=""
server_stop() { stop_bg "$SERVER_PID"; SERVER_PID=""; }
# quickrail_start LOG APP_DIR PORT [extra serve args]: starts quickrail, waits for 200 on /.
quickrail_start() {
  local log=$1 app=$2 port=$3; shift 3
  [ -x "$QUICKRAIL_BIN" ] || { echo "quickrail binary $QUICKRAIL_BIN is missing (make)"; return 1; }
  SERVER_PID=$(start_bg "$WORK/$log.log" env QUICKRAIL_LOG_LEVEL=${QUICKRAIL_LOG_LEVEL:-warn} \
    "$QUICKRAIL_BIN" serve "$app" -b 127.0.0.1 -p "$port" "$@")
}
# The Node host of lib/node-host (node:http + better-sqlite3 + ws) serving APP_DIR on PORT,
# without per-request log lines (as quickrail runs at --log-level warn); CLUSTER=N uses its own
# node:cluster mode (N processes sharing the port).
node_host_cmd() { # APP PORT [CLUSTER]
  local app=$1 port=$2 n=${3:-0}
  echo "$NODE $BENCH_ROOT/lib/node-host/server.js $app -p $port -b 127.0.0.1 -q$([ "$n" -gt 0 ] && echo " --cluster $n")"
}

# wrk_bench WORKLOAD SERVER URL PATHS WARM RUNS DUR: warm-up, RUNS timed runs, median by req/s.
wrk_bench() {
  local w=$1 s=$2 url=$3 paths=$4 warm=$5 runs=$6 dur=$7 i files=""
  log "$w/$s: warm-up ${warm}s"
  WRK_PATHS=$paths timeout $((warm + 30)) wrk -t2 -c64 -d"${warm}s" --latency -s bench/lib/wrk.lua "$url" > "$WORK/$w-$s-warm.txt" 2>&1 || true
  for ((i = 1; i <= runs; i++)); do
    log "$w/$s: run $i/$runs (${dur}s)"
    WRK_PATHS=$paths timeout $((dur + 30)) wrk -t2 -c64 -d"${dur}s" --latency -s bench/lib/wrk.lua "$url" > "$WORK/$w-$s-$i.txt" 2>&1
    files="$files $WORK/$w-$s-$i.txt"
  done
  # PSS of the server's whole process tree, loaded (right after its last run)
  [ -n "$SERVER_PID" ] && record "$w" "$s" pss_mb "$(awk -v k="$(tree_pss_kb "$SERVER_PID")" 'BEGIN { printf "%.1f", k / 1024 }')" MB
  $NODE bench/lib/wrk-summary.mjs "$w" "$s" "$DIST" $files >> "$RESULTS_TSV"
}

# ---------------------------------------------------------------- the blog app copies
BLOG_APP=$WORK/blog            # examples/blog (JavaScript)
BLOG_RUBY_APP=$WORK/blog-ruby  # examples/blog-ruby (the same blog in Ruby)
BLOG_PATHS=/articles,/articles/1,/articles/new,/articles.json,/articles/1.json
blog_env() { export QUICKRAIL_ENV=production RAILS_ENV=production NODE_ENV=production SECRET_KEY_BASE=${SECRET_KEY_BASE:-$(openssl rand -hex 64)}; }
# blog_prepare [ruby]: copies examples/blog (or examples/blog-ruby), creates its schema with
# quickrail's own db:migrate, then seeds 20 articles x 3 comments over HTTP through quickrail.
# Done once per session and blog.
blog_prepare() {
  local src=examples/blog app=$BLOG_APP tag=blog
  [ "${1:-}" = ruby ] && { src=examples/blog-ruby; app=$BLOG_RUBY_APP; tag=blog-ruby; }
  [ -f "$WORK/$tag.ready" ] && return 0
  [ -d "$src" ] || { echo "$src is missing"; return 1; }
  [ -x "$QUICKRAIL_BIN" ] || { echo "quickrail binary $QUICKRAIL_BIN is missing (make)"; return 1; }
  rm -rf "$app"; mkdir -p "$app"
  (cd "$src" && tar --exclude='./node_modules' --exclude='*.sqlite3*' --exclude='./tmp' --exclude='./log' -cf - .) | (cd "$app" && tar -xf -)
  blog_env
  log "$tag: db:migrate"
  if ! (cd "$app" && timeout 60 "$QUICKRAIL_BIN" db:migrate) > "$WORK/$tag-migrate.log" 2>&1; then
    [ "$tag" = blog ] || { echo "db:migrate failed: $(tail -3 "$WORK/$tag-migrate.log")"; return 1; }
    # the same migrations through the Node host's task runner (lib/node-host/cli.js)
    (cd "$app" && timeout 60 $NODE "$BENCH_ROOT/lib/node-host/cli.js" db:migrate) >> "$WORK/$tag-migrate.log" 2>&1 \
      || { echo "db:migrate failed (quickrail and Node host): $(tail -3 "$WORK/$tag-migrate.log")"; return 1; }
    note "quickrail db:migrate failed ($(head -1 "$WORK/$tag-migrate.log" | cut -c1-120)); the schema was made by the Node host's db:migrate (same migration files)."
  fi
  local port; port=$(free_port)
  quickrail_start "$tag-seed" "$app" "$port" || return 1
  wait_http "http://127.0.0.1:$port/articles" 20 || { server_stop; echo "quickrail did not serve $src: $(tail -3 "$WORK/$tag-seed.log")"; return 1; }
  log "$tag: seeding 20 articles x 3 comments over HTTP"
  $NODE bench/blog/seed.mjs --port "$port" --articles 20 --comments 3 > "$WORK/$tag-seedjs.log" 2>&1 \
    || { server_stop; echo "seeding failed: $(tail -3 "$WORK/$tag-seedjs.log")"; return 1; }
  server_stop
  touch "$WORK/$tag.ready"
}

# The Rails + Puma peer: Debian's Rails 6.1 serving examples/blog-ruby's own app/, routes and
# migrations inside the small Rails shell of bench/rails (no Gemfile: system gems only, offline).
# rails_prepare: copies it, runs its migrations (rake db:migrate) and seeds it over HTTP through
# Puma with the same bench/blog/seed.mjs. Done once per session.
BLOG_RAILS_APP=$WORK/blog-rails
rails_available() { command -v puma >/dev/null && command -v rake >/dev/null && ruby -e 'require "rails"; require "jbuilder"; require "sqlite3"' 2>/dev/null; }
rails_start() { # LOG PORT: Puma in cluster mode, one worker per core, 5 threads each, app preloaded
  SERVER_PID=$(cd "$BLOG_RAILS_APP" && start_bg "$WORK/$1.log" puma -w "$CORES" -t 5 --preload -e production -b "tcp://127.0.0.1:$2" config.ru)
}
rails_prepare() {
  [ -f "$WORK/blog-rails.ready" ] && return 0
  rails_available || { echo "the Rails peer needs ruby-rails, ruby-jbuilder, ruby-sqlite3 and puma: run scripts/setup-bench.sh (make bench does)"; return 1; }
  rm -rf "$BLOG_RAILS_APP"; mkdir -p "$BLOG_RAILS_APP/db"
  cp -r bench/rails/. "$BLOG_RAILS_APP/"
  cp -r examples/blog-ruby/app examples/blog-ruby/public "$BLOG_RAILS_APP/"
  cp -r examples/blog-ruby/db/migrate "$BLOG_RAILS_APP/db/"
  cp examples/blog-ruby/config/routes.rb "$BLOG_RAILS_APP/config/"
  blog_env
  log "blog-rails: rake db:migrate"
  (cd "$BLOG_RAILS_APP" && timeout 120 rake db:migrate) > "$WORK/blog-rails-migrate.log" 2>&1 \
    || { echo "Rails db:migrate failed: $(tail -3 "$WORK/blog-rails-migrate.log")"; return 1; }
  local port; port=$(free_port)
  rails_start blog-rails-seed "$port"
  wait_http "http://127.0.0.1:$port/articles" 90 || { server_stop; echo "Puma did not serve the blog: $(tail -3 "$WORK/blog-rails-seed.log")"; return 1; }
  log "blog-rails: seeding 20 articles x 3 comments over HTTP"
  $NODE bench/blog/seed.mjs --port "$port" --articles 20 --comments 3 --timeout 300 > "$WORK/blog-rails-seedjs.log" 2>&1 \
    || { server_stop; echo "seeding Rails failed: $(tail -3 "$WORK/blog-rails-seedjs.log")"; return 1; }
  server_stop
  touch "$WORK/blog-rails.ready"
}

# blog_check PORT: every benchmarked endpoint answers 200 (a 404 or 500 would make wrk measure errors).
blog_check() {
  local p code
  for p in ${BLOG_PATHS//,/ }; do
    code=$(http_status "http://127.0.0.1:$1$p")
    [ "$code" = 200 ] || { echo "GET $p answered $code"; return 1; }
  done
}

# ---------------------------------------------------------------- workloads
wl_blog() {
  blog_prepare || return 1
  blog_env
  local port
  port=$(free_port)
  quickrail_start blog-quickrail "$BLOG_APP" "$port" || return 1
  wait_http "http://127.0.0.1:$port/articles" 20 && blog_check "$port" || { server_stop; echo "quickrail blog: $(tail -3 "$WORK/blog-quickrail.log")"; return 1; }
  wrk_bench blog quickrail "http://127.0.0.1:$port" "$BLOG_PATHS" "$WARM" "$RUNS" "$DUR" || { server_stop; return 1; }
  server_stop
  record blog quickrail desc "wrk -t2 -c64, ${WARM} s warm-up, ${RUNS} run(s) of ${DUR} s, median by req/s; endpoints cycled: ${BLOG_PATHS//,/, }; 20 articles x 3 comments; production mode; quickrail with default workers ($CORES = cores). 'quickrail, Ruby blog' is examples/blog-ruby (the same blog in Ruby, compiled by quickrail at boot), run right after the JS blog."
  # the same blog in Ruby, right after (same load, same endpoints)
  blog_prepare ruby || return 1
  blog_env
  port=$(free_port)
  quickrail_start blog-quickrail-ruby "$BLOG_RUBY_APP" "$port" || return 1
  wait_http "http://127.0.0.1:$port/articles" 20 && blog_check "$port" || { server_stop; echo "quickrail Ruby blog: $(tail -3 "$WORK/blog-quickrail-ruby.log")"; return 1; }
  wrk_bench blog quickrail-ruby "http://127.0.0.1:$port" "$BLOG_PATHS" "$WARM" "$RUNS" "$DUR" || { server_stop; return 1; }
  server_stop
  local n label
  for n in 0 "$CORES"; do
    label=node; [ "$n" -gt 0 ] && label=node-cluster
    port=$(free_port)
    SERVER_PID=$(start_bg "$WORK/blog-$label.log" $(node_host_cmd "$BLOG_APP" "$port" "$n"))
    wait_http "http://127.0.0.1:$port/articles" 30 && blog_check "$port" || { server_stop; echo "Node host ($label): $(tail -3 "$WORK/blog-$label.log")"; return 1; }
    wrk_bench blog "$label" "http://127.0.0.1:$port" "$BLOG_PATHS" "$WARM" "$RUNS" "$DUR" || { server_stop; return 1; }
    server_stop
  done
  # Rails + Puma, the peer Rails users would pick (not in --smoke: CI does not install Rails)
  if [ "$MODE" = smoke ]; then echo "rails peer: skipped in --smoke" >&2; return 0; fi
  rails_prepare || return 1
  blog_env
  port=$(free_port)
  rails_start blog-rails "$port"
  wait_http "http://127.0.0.1:$port/articles" 90 && blog_check "$port" || { server_stop; echo "Rails + Puma: $(tail -3 "$WORK/blog-rails.log")"; return 1; }
  wrk_bench blog rails "http://127.0.0.1:$port" "$BLOG_PATHS" "$WARM" "$RUNS" "$DUR" || { server_stop; return 1; }
  server_stop
  note "Rails + Puma: $(rails --version 2>/dev/null), Puma $(puma --version 2>/dev/null | awk '{ print $3 }'), $(ruby -v | cut -d' ' -f1-2); puma -w $CORES -t 5 --preload, production; examples/blog-ruby's app/, routes and migrations in bench/rails (its initializer maps the few post-6.1 APIs the blog uses); seeded by bench/blog/seed.mjs."
}

wl_hello() {
  local port rc=0
  port=$(free_port)
  if quickrail_start hello-quickrail "$FIX/hello" "$port" && wait_http "http://127.0.0.1:$port/" 20; then
    wrk_bench hello quickrail "http://127.0.0.1:$port" / "$HELLO_WARM" "$RUNS" "$HELLO_DUR" || rc=1
  else
    echo "quickrail hello: $(tail -3 "$WORK/hello-quickrail.log" 2>/dev/null)"; rc=1
  fi
  server_stop
  record hello quickrail desc "wrk -t2 -c64, ${HELLO_WARM} s warm-up, ${RUNS} run(s) of ${HELLO_DUR} s, median by req/s; 13-byte text body; quickrail with default workers ($CORES), nginx with worker_processes auto, access log off."
  local n label
  for n in 0 "$CORES"; do
    label=node; [ "$n" -gt 0 ] && label=node-cluster
    port=$(free_port)
    SERVER_PID=$(start_bg "$WORK/hello-$label.log" $NODE bench/lib/hello-node.mjs --port "$port" --cluster "$n")
    wait_http "http://127.0.0.1:$port/" 20 || { server_stop; echo "Node hello did not start"; return 1; }
    wrk_bench hello "$label" "http://127.0.0.1:$port" / "$HELLO_WARM" "$RUNS" "$HELLO_DUR" || rc=1
    server_stop
  done
  port=$(free_port)
  local ng=$WORK/nginx; mkdir -p "$ng/www" "$ng/tmp"
  chmod a+rx "$WORK" "$ng" "$ng/www"  # nginx workers run as nobody
  printf 'Hello, World!' > "$ng/www/hello.txt"
  sed -e "s|@PREFIX@|$ng|g" -e "s|@PORT@|$port|g" bench/lib/nginx.conf.in > "$ng/nginx.conf"
  SERVER_PID=$(start_bg "$WORK/hello-nginx.log" nginx -p "$ng" -c "$ng/nginx.conf" -e "$ng/error.log")
  wait_http "http://127.0.0.1:$port/" 20 || { server_stop; echo "nginx did not start: $(tail -3 "$ng/error.log" 2>/dev/null)"; return 1; }
  wrk_bench hello nginx "http://127.0.0.1:$port" / "$HELLO_WARM" "$RUNS" "$HELLO_DUR" || rc=1
  server_stop
  return $rc
}

# fanout_one SIZE SERVER: runs fanout.mjs against the server already started on $port.
fanout_one() {
  local size=$1 s=$2 procs=1 sources=1
  [ "$size" -ge 5000 ] && { procs=$CORES; sources=4; }
  log "fanout-$size/$s: $size subscribers, broadcast every 100 ms for ${FANOUT_DUR}s"
  timeout $((FANOUT_DUR + 300)) $NODE bench/lib/fanout.mjs --port "$port" --pid "$SERVER_PID" --n "$size" --procs "$procs" \
    --sources "$sources" --duration "$FANOUT_DUR" --interval 100 --settle "$FANOUT_SETTLE" --grace "$FANOUT_SETTLE" --tmp "$WORK" > "$WORK/fanout-$size-$s.json" 2> "$WORK/fanout-$size-$s.err"
  local rc=$?
  $NODE bench/lib/fanout-summary.mjs "fanout-$size" "$s" "$DIST" "$WORK/fanout-$size-$s.json" >> "$RESULTS_TSV"
  # server-side fan-out time (all frames handed to the kernel), from the server's own log line
  local times
  times=$(grep -o 'subscribers in [0-9.]* ms' "$WORK/fanout-$size-$s.log" 2>/dev/null | awk '{ print $3 }')
  if [ -n "$times" ]; then
    record "fanout-$size" "$s" server_p50_ms "$(echo "$times" | median)" ms
    record "fanout-$size" "$s" server_p99_ms "$(echo "$times" | sort -g | awk '{ a[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; print a[i] }')" ms
  fi
  # and the CPU time the server spent on it (wall time above is mostly waiting for a core on a
  # busy machine); quickrail's line says "(cpu X ms)"
  times=$(grep -o 'subscribers in [0-9.]* ms (cpu [0-9.]* ms)' "$WORK/fanout-$size-$s.log" 2>/dev/null | awk '{ print $6 }')
  if [ -n "$times" ]; then
    record "fanout-$size" "$s" server_cpu_p50_ms "$(echo "$times" | median)" ms
    record "fanout-$size" "$s" server_cpu_p99_ms "$(echo "$times" | sort -g | awk '{ a[NR] = $1 } END { i = int(NR * 0.99); if (i < 1) i = 1; print a[i] }')" ms
  fi
  [ $rc = 0 ] || { echo "fanout $size vs $s failed: $(grep -h -o '"error":"[^"]*"' "$WORK/fanout-$size-$s.json" | head -1) $(tail -2 "$WORK/fanout-$size-$s.err")"; return 1; }
}
wl_fanout() {
  local size port rc=0
  for size in $FANOUT_SIZES; do
    port=$(free_port)
    # QUICKRAIL_QUEUE_MAX: every new cable connection costs one worker round-trip (the connect
    # hook); 10,000 clients connecting within seconds overflow the default queue of 1024 and the
    # overflow is closed ("connect hook failed (size limit exceeded)"), so the queue is raised.
    if QUICKRAIL_QUEUE_MAX=$((size * 2)) QUICKRAIL_LOG_LEVEL=debug quickrail_start "fanout-$size-quickrail" "$FIX/fanout" "$port" && wait_http "http://127.0.0.1:$port/" 20; then fanout_one "$size" quickrail || rc=1
    else echo "quickrail fanout fixture did not start: $(tail -3 "$WORK/fanout-$size-quickrail.log")"; rc=1; fi
    server_stop
    port=$(free_port)
    SERVER_PID=$(start_bg "$WORK/fanout-$size-node-ws.log" $NODE bench/lib/cable-ws-peer.mjs --port "$port")
    if wait_http "http://127.0.0.1:$port/" 20; then fanout_one "$size" node-ws || rc=1
    else echo "Node ws peer did not start"; rc=1; fi
    server_stop
    record "fanout-$size" quickrail desc "One Turbo stream, Action Cable over raw TCP clients (${CORES} load processes at 10k), one POST /broadcast every 100 ms for ${FANOUT_DUR} s; latency = time from the broadcaster's POST to receipt by each subscriber (CLOCK_MONOTONIC), so it includes the HTTP request that triggers the broadcast (a worker round-trip in quickrail) and the client's own frame handling. "server fan-out" = time the server spends handing one broadcast's frames to every socket (quickrail's hub debug line; the same measure in the Node peer). quickrail runs with QUICKRAIL_QUEUE_MAX = 2 x subscribers (with the default 1024, a burst of 10,000 connects overflows the worker queue, because each connect runs the app's connect hook in a worker, and the overflow is closed). KB per idle connection = (PSS of the server's process tree with all subscribers connected and idle - PSS before) / subscribers."
  done
  return $rc
}

# mem_measure LABEL PORT: PSS after start, then after MEM_REQS requests over the blog endpoints.
mem_measure() {
  local s=$1 port=$2 a b
  sleep 1
  a=$(tree_pss_kb "$SERVER_PID")
  record memory "$s" detail_start "$(tree_detail "$SERVER_PID")"
  log "memory/$s: PSS after start $((a / 1024)) MB; sending $MEM_REQS requests"
  $NODE bench/lib/nreq.mjs --port "$port" --n "$MEM_REQS" --c 16 --timeout 300 ${BLOG_PATHS//,/ } > "$WORK/memory-$s-nreq.json" \
    || { echo "requests failed: $(cat "$WORK/memory-$s-nreq.json")"; return 1; }
  sleep 1
  b=$(tree_pss_kb "$SERVER_PID")
  record memory "$s" pss_start_mb "$(awk -v k="$a" 'BEGIN { printf "%.2f", k / 1024 }')" MB
  record memory "$s" pss_10k_mb "$(awk -v k="$b" 'BEGIN { printf "%.2f", k / 1024 }')" MB
  record memory "$s" detail_10k "$(tree_detail "$SERVER_PID")"
  log "memory/$s: PSS after $MEM_REQS requests $((b / 1024)) MB"
}
wl_memory() {
  blog_prepare || return 1
  blog_env
  local port n label
  port=$(free_port)
  quickrail_start memory-quickrail "$BLOG_APP" "$port" -w 4 || return 1
  wait_http "http://127.0.0.1:$port/articles" 20 || { server_stop; echo "quickrail blog: $(tail -3 "$WORK/memory-quickrail.log")"; return 1; }
  mem_measure quickrail "$port" || { server_stop; return 1; }
  server_stop
  record memory quickrail desc "Sum of PSS (/proc/PID/smaps_rollup) over the server's whole process tree, 1 s after the first 200 and again after $MEM_REQS requests (16 keep-alive connections cycling the blog endpoints). quickrail runs with -w 4 (supervisor + zygote + 4 workers), the target's configuration."
  for n in 0 "$CORES"; do
    label=node; [ "$n" -gt 0 ] && label=node-cluster
    port=$(free_port)
    SERVER_PID=$(start_bg "$WORK/memory-$label.log" $(node_host_cmd "$BLOG_APP" "$port" "$n"))
    wait_http "http://127.0.0.1:$port/articles" 30 || { server_stop; echo "Node host ($label): $(tail -3 "$WORK/memory-$label.log")"; return 1; }
    mem_measure "$label" "$port" || { server_stop; return 1; }
    server_stop
  done
}

wl_coldstart() {
  blog_prepare || return 1
  blog_env
  local out
  log "coldstart: quickrail x $COLD_RUNS"
  $NODE bench/startup/coldstart.mjs --runs "$COLD_RUNS" --path /articles -- \
    env QUICKRAIL_LOG_LEVEL=warn "$QUICKRAIL_BIN" serve "$BLOG_APP" -b 127.0.0.1 -p '{PORT}' > "$WORK/cold-quickrail.json" 2> "$WORK/cold-quickrail.err" \
    || { echo "quickrail cold start failed: $(tail -3 "$WORK/cold-quickrail.err")"; return 1; }
  $NODE bench/lib/json-record.mjs coldstart quickrail COLDJSON median_ms,min_ms,max_ms "$WORK/cold-quickrail.json" >> "$RESULTS_TSV"
  record coldstart quickrail runs "$COLD_RUNS"
  blog_prepare ruby || return 1
  blog_env
  log "coldstart: quickrail, Ruby blog x $COLD_RUNS"
  $NODE bench/startup/coldstart.mjs --runs "$COLD_RUNS" --path /articles -- \
    env QUICKRAIL_LOG_LEVEL=warn "$QUICKRAIL_BIN" serve "$BLOG_RUBY_APP" -b 127.0.0.1 -p '{PORT}' > "$WORK/cold-quickrail-ruby.json" 2> "$WORK/cold-quickrail-ruby.err" \
    || { echo "quickrail cold start (Ruby blog) failed: $(tail -3 "$WORK/cold-quickrail-ruby.err")"; return 1; }
  $NODE bench/lib/json-record.mjs coldstart quickrail-ruby COLDJSON median_ms,min_ms,max_ms "$WORK/cold-quickrail-ruby.json" >> "$RESULTS_TSV"
  record coldstart quickrail-ruby runs "$COLD_RUNS"
  log "coldstart: Node host x $COLD_RUNS"
  $NODE bench/startup/coldstart.mjs --runs "$COLD_RUNS" --path /articles -- \
    $(node_host_cmd "$BLOG_APP" '{PORT}' 0) > "$WORK/cold-node.json" 2> "$WORK/cold-node.err" \
    || { echo "Node host cold start failed: $(tail -3 "$WORK/cold-node.err")"; return 1; }
  $NODE bench/lib/json-record.mjs coldstart node COLDJSON median_ms,min_ms,max_ms "$WORK/cold-node.json" >> "$RESULTS_TSV"
  record coldstart node runs "$COLD_RUNS"
}

# The seeded blog in development (its production database copied as the development one), and
# RELOAD_RUNS saves of a view a second apart, each timed to the first response showing it.
wl_reload() {
  blog_prepare || return 1
  local app=$WORK/blog-dev f
  rm -rf "$app"; cp -r "$BLOG_APP" "$app"
  for f in "$BLOG_APP"/db/production.sqlite3*; do cp "$f" "$app/db/development.sqlite3${f##*production.sqlite3}"; done
  log "reload: quickrail, development, $RELOAD_RUNS saves of app/views/articles/index.html.erb"
  ( unset SECRET_KEY_BASE; export QUICKRAIL_ENV=development RAILS_ENV=development NODE_ENV=development QUICKRAIL_LOG_LEVEL=warn
    $NODE bench/startup/reload.mjs --runs "$RELOAD_RUNS" --gap 1000 --cwd "$app" --file app/views/articles/index.html.erb \
      --path /articles -- "$QUICKRAIL_BIN" serve "$app" -b 127.0.0.1 -p '{PORT}' ) > "$WORK/reload.json" 2> "$WORK/reload.err" \
    || { echo "quickrail reload failed: $(tail -3 "$WORK/reload.err")"; return 1; }
  $NODE bench/lib/json-record.mjs reload quickrail RELOADJSON median_ms,min_ms,max_ms "$WORK/reload.json" >> "$RESULTS_TSV"
  record reload quickrail runs "$RELOAD_RUNS"
}

wl_replacement() {
  local port
  port=$(free_port)
  QUICKRAIL_TEST_CRASH=1 QUICKRAIL_STATS=1 QUICKRAIL_RESTART_MAX=100000 QUICKRAIL_LOG_LEVEL=error \
    quickrail_start replacement "$FIX/crash" "$port" || return 1
  wait_http "http://127.0.0.1:$port/" 20 || { server_stop; echo "quickrail crash fixture: $(tail -3 "$WORK/replacement.log")"; return 1; }
  log "replacement: $CRASHES crashes"
  $NODE bench/lib/crashes.mjs --port "$port" --n "$CRASHES" > "$WORK/replacement.json" 2> "$WORK/replacement.err"
  local rc=$?
  server_stop
  [ $rc = 0 ] || { echo "crash loop failed: $(tail -3 "$WORK/replacement.err")"; return 1; }
  $NODE bench/lib/json-record.mjs replacement quickrail CRASHJSON n,p50_ms,p99_ms,max_ms,source,client_p50_ms,client_p99_ms,ready_p50_ms,ready_p99_ms,restarts "$WORK/replacement.json" >> "$RESULTS_TSV"
  record replacement quickrail desc "GET /crash on bench/fixtures/crash (Quickrail.crash(), QUICKRAIL_TEST_CRASH=1) $CRASHES times, one at a time, each followed by a GET that must answer 200, the next crash only once the pool is whole again (no pending replacement, warm spare idle: the situation a real crash meets); replacement latency (worker death noticed -> new worker ready) from GET /__quickrail/stats (QUICKRAIL_STATS=1). The restart budget is raised (QUICKRAIL_RESTART_MAX) so it measures replacement, not back-off. 'client' = crash request sent -> next 200 received."
}

# ---------------------------------------------------------------- machine description
machine() {
  local f=$WORK/machine.txt qv
  qv=$("$QUICKRAIL_BIN" --version 2>/dev/null | head -1)
  {
    echo "host: $HOST, $(uname -sr), $(. /etc/os-release 2>/dev/null; echo "${PRETTY_NAME:-unknown OS}")"
    echo "CPU: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo), $CORES cores ($(nproc --all) online)"
    echo "memory: $(awk '/MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)"
    echo "quickrail: ${qv:-not built} (git $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ', modified')), QuickJS $(cat deps/quickjs/VERSION 2>/dev/null || echo '?')"
    echo "node: $($NODE --version), better-sqlite3 $($NODE -p 'require("./node_modules/better-sqlite3/package.json").version' 2>/dev/null), ws $($NODE -p 'require("./node_modules/ws/package.json").version' 2>/dev/null)"
    echo "nginx: $(nginx -v 2>&1 | sed 's/.*nginx\///')"
    echo "sqlite: $(sqlite3 --version 2>/dev/null | cut -d' ' -f1) (library linked by quickrail), $($NODE -p 'require("./node_modules/better-sqlite3")(":memory:").prepare("select sqlite_version() v").get().v' 2>/dev/null || echo '?') (bundled by better-sqlite3)"
    echo "wrk: $(wrk -v 2>&1 | head -1 | awk '{ print $2 }'), gnuplot: $(gnuplot --version 2>/dev/null | awk '{ print $2 "." $4 }')"
    echo "mode: $MODE"
  } > "$f"
}

# ---------------------------------------------------------------- main
command -v wrk >/dev/null || { echo "bench/run.sh: wrk is missing (scripts/setup.sh installs it)" >&2; exit 1; }
machine
log "mode $MODE, work folder $WORK"
for w in blog hello fanout memory coldstart reload replacement; do
  want "$w" || continue
  log "=== $w"
  t0=$(date +%s)
  load1=$(cut -d' ' -f1 /proc/loadavg)
  if [ -z "$FIRST_DONE" ]; then
    note "load average before $w: $(cut -d' ' -f1-3 /proc/loadavg)"
    log "load average before $w: $load1"
    awk -v l="$load1" 'BEGIN { exit !(l > 0.5) }' && BUSY="$BUSY $w (load $load1)"
    FIRST_DONE=1
  else
    others=$(cpu_busy_pct 3)
    note "before $w: the rest of the machine used $others% of the CPU over 3 s (load average $(cut -d' ' -f1-3 /proc/loadavg), mostly the previous workload's echo)"
    log "before $w: others used $others% CPU (load average $load1)"
    awk -v b="$others" 'BEGIN { exit !(b > 15) }' && BUSY="$BUSY $w (others $others% CPU)"
  fi
  ( trap server_stop EXIT; "wl_$w" ) > "$WORK/$w.out"
  rc=$?
  reason=$(tail -5 "$WORK/$w.out")
  # a workload that exits 0 but left no figures did not really run
  if [ "$rc" = 0 ] && ! grep -q "^$w" "$RESULTS_TSV"; then rc=1; reason="no figures recorded"; fi
  if [ "$rc" = 0 ]; then
    passed=$((passed + 1)); printf 'status\t%s\tok\t%s s\n' "$w" "$(( $(date +%s) - t0 ))" >> "$RESULTS_TSV"
    log "$w: ok ($(( $(date +%s) - t0 )) s)"
  else
    failed=$((failed + 1)); failed_list="$failed_list $w"
    reason=$(echo "$reason" | tr '\n|' '  ' | cut -c1-300)
    printf 'status\t%s\tFAILED\t%s\n' "$w" "$reason" >> "$RESULTS_TSV"
    log "$w: FAILED: $reason"
  fi
done

# The component engineers' own benchmark scripts (core's bench/hello, cable's bench/cable), run
# once in the full mode so their figures can be reconciled with the tables above; bounded in time.
if [ "$MODE" = full ] && [ -z "$ONLY" ]; then
  for comp in bench/hello/run.sh bench/cable/run.sh; do
    [ -x "$comp" ] || continue
    log "component script $comp (for reconciliation)"
    args=--quick  # 1k connections only (cable), 3 s per server (hello): keeps the full run near 15 minutes
    { echo "=== $comp $args (exit code below)"; timeout 420 "$comp" $args 2>&1 | tail -40; echo "exit ${PIPESTATUS[0]}"; } > "$WORK/component-$(basename "$(dirname "$comp")").txt"
  done
fi

if [ -n "$BUSY" ] && [ "$IS_RESULTS" = 1 ]; then
  REPORT_MD=$WORK/busy-$HOST.md; REPORT_SVG=$WORK/busy-$HOST.svg
  note "NOT SAVED: the machine was busy before:$BUSY; the machine was busy, so these figures are not a benchmark and nothing was written to bench/results/."
fi
cmd="bench/run.sh${MODE/full/}"; [ "$MODE" = smoke ] && cmd="bench/run.sh --smoke"; [ "$MODE" = full ] && cmd="make bench"
$NODE bench/lib/report.mjs --tsv "$RESULTS_TSV" --machine "$WORK/machine.txt" --dist "$DIST" --md "$REPORT_MD" \
  --svg "$REPORT_SVG" --work "$WORK/gnuplot" --command "$cmd" --components "$WORK" || { failed=$((failed + 1)); failed_list="$failed_list report"; }
echo
log "report: $REPORT_MD, chart: $REPORT_SVG"
[ -n "$failed_list" ] && echo "failed workloads:$failed_list"
if [ -n "$BUSY" ] && [ "$IS_RESULTS" = 1 ]; then
  echo "nothing written to bench/results/: the machine was busy before:$BUSY (rerun on a quiet machine)"
fi
echo "# pass $passed"
echo "# fail $failed"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
