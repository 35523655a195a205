#!/usr/bin/env bash
# bench/hello — quickrail serving a JavaScript hello world vs Node 20's `http` hello world vs
# nginx serving a static file of the same 13 bytes, each loaded by wrk for a bounded time on
# 127.0.0.1, in one run; prints req/s, p99 latency and the ratios. Then worker replacement
# latency (crash seen -> a ready worker in its slot) over 1000 SIGSEGV crashes, and the memory
# (RSS / PSS) of the supervisor, zygote and workers after the load.
#   bench/hello/run.sh [--quick]      (--quick: 3 s per server and 200 crashes)
# Not a test: numbers depend on the machine. Needs build/quickrail, node, wrk, nginx.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BIN=${QUICKRAIL_BIN:-$ROOT/build/quickrail}
DUR=10; CRASHES=1000; CONNS=64
if [ "${1:-}" = "--quick" ]; then DUR=3; CRASHES=200; fi
THREADS=2
CORES=$(nproc)
for t in wrk nginx node; do command -v $t >/dev/null || { echo "bench/hello: $t is missing (run scripts/setup.sh)" >&2; exit 1; }; done
[ -x "$BIN" ] || { echo "bench/hello: $BIN is missing (run make)" >&2; exit 1; }

TMP=$(mktemp -d /tmp/qr-bench-hello.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; sleep 0.2; rm -rf "$TMP"; }
trap cleanup EXIT

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() { for _ in $(seq 1 200); do curl -sf -o /dev/null "$1" && return 0; sleep 0.05; done; echo "bench/hello: $1 never answered" >&2; return 1; }

# --- the three servers
mkdir -p "$TMP/app" "$TMP/www" "$TMP/nginx"
cat > "$TMP/app/app.js" <<'JS'
export default { fetch() { return new Response("Hello, world!", { headers: { "content-type": "text/plain" } }); } };
JS
cat > "$TMP/node-hello.mjs" <<'JS'
import http from "node:http";
http.createServer((req, res) => { res.writeHead(200, { "content-type": "text/plain" }); res.end("Hello, world!"); })
  .listen(Number(process.argv[2]), "127.0.0.1");
JS
printf 'Hello, world!' > "$TMP/www/hello.txt"
P_QR=$(free_port); P_NODE=$(free_port); P_NGX=$(free_port)
USER_LINE=""; [ "$(id -u)" = 0 ] && USER_LINE="user root;"
cat > "$TMP/nginx/nginx.conf" <<NGX
$USER_LINE
worker_processes auto;
daemon off;
pid $TMP/nginx/nginx.pid;
error_log $TMP/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  default_type text/plain;
  client_body_temp_path $TMP/nginx/body; proxy_temp_path $TMP/nginx/proxy;
  fastcgi_temp_path $TMP/nginx/fcgi; uwsgi_temp_path $TMP/nginx/uwsgi; scgi_temp_path $TMP/nginx/scgi;
  server { listen 127.0.0.1:$P_NGX; root $TMP/www; location / { try_files /hello.txt =404; } }
}
NGX

QUICKRAIL_STATS=1 "$BIN" serve "$TMP/app" -b 127.0.0.1 -p "$P_QR" -w "$CORES" --log-level warn > "$TMP/qr.log" 2>&1 & PIDS+=($!)
node "$TMP/node-hello.mjs" "$P_NODE" > "$TMP/node.log" 2>&1 & PIDS+=($!)
nginx -c "$TMP/nginx/nginx.conf" -p "$TMP/nginx" > "$TMP/nginx.log" 2>&1 & PIDS+=($!)
wait_http "http://127.0.0.1:$P_QR/"; wait_http "http://127.0.0.1:$P_NODE/"; wait_http "http://127.0.0.1:$P_NGX/"
for p in $P_QR $P_NODE $P_NGX; do [ "$(curl -s http://127.0.0.1:$p/)" = "Hello, world!" ] || { echo "bench/hello: port $p does not say Hello, world!" >&2; exit 1; }; done

to_ms() { # wrk latency "1.23ms" / "456.00us" / "1.02s" -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
run_wrk() { # name url -> sets RPS, P99
  wrk -t"$THREADS" -c"$CONNS" -d1s "$2" > /dev/null 2>&1 || true   # warm-up
  local out; out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DUR}s" --latency "$2")
  echo "$out" > "$TMP/wrk-$1.txt"
  RPS=$(echo "$out" | awk '/^Requests\/sec/ {print $2}')
  P99=$(to_ms "$(echo "$out" | awk '$1 == "99%" {print $2}')")
  local errs; errs=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}')
  [ -n "$errs" ] && echo "  ($1: $errs)"
  return 0
}

echo "hello world on $CORES cores: wrk -t$THREADS -c$CONNS -d${DUR}s on 127.0.0.1 (client shares the machine; load average $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-34s %12s %10s\n' "server" "req/s" "p99 ms"
run_wrk quickrail "http://127.0.0.1:$P_QR/"; QR_RPS=$RPS; QR_P99=$P99
printf '%-34s %12s %10s\n' "quickrail JS fetch (-w $CORES)" "$QR_RPS" "$QR_P99"
run_wrk node "http://127.0.0.1:$P_NODE/"; NODE_RPS=$RPS; NODE_P99=$P99
printf '%-34s %12s %10s\n' "node $(node --version) http (1 process)" "$NODE_RPS" "$NODE_P99"
run_wrk nginx "http://127.0.0.1:$P_NGX/hello.txt"; NGX_RPS=$RPS; NGX_P99=$P99
printf '%-34s %12s %10s\n' "nginx static file (auto workers)" "$NGX_RPS" "$NGX_P99"
awk -v q="$QR_RPS" -v n="$NODE_RPS" -v x="$NGX_RPS" 'BEGIN { printf "ratios: quickrail/node = %.2f, quickrail/nginx = %.2f\n", q / n, q / x }'

# --- memory after the load
node -e '
const s = JSON.parse(require("fs").readFileSync(0, "utf8"));
const w = s.workers.map((x) => `${x.role} w${x.id}: RSS ${(x.rss_kb/1024).toFixed(1)} MB, PSS ${(x.pss_kb/1024).toFixed(1)} MB (${x.requests} req)`);
console.log(`memory after ${s.served} requests: supervisor RSS ${(s.rss_kb/1024).toFixed(1)} MB (PSS ${(s.pss_kb/1024).toFixed(1)}), zygote RSS ${(s.zygote.rss_kb/1024).toFixed(1)} MB (PSS ${(s.zygote.pss_kb/1024).toFixed(1)})`);
for (const l of w) console.log("  " + l);
' < <(curl -s "http://127.0.0.1:$P_QR/__quickrail/stats")

# --- worker replacement latency over many crashes
P_CR=$(free_port)
QUICKRAIL_TEST_CRASH=1 QUICKRAIL_STATS=1 QUICKRAIL_RESTART_MAX=1000000 "$BIN" serve "$ROOT/tests/fixtures/faults" \
  -b 127.0.0.1 -p "$P_CR" -w "$CORES" --log-level error > "$TMP/crash.log" 2>&1 & PIDS+=($!)
wait_http "http://127.0.0.1:$P_CR/ok"
node - "$P_CR" "$CRASHES" "$CORES" <<'JS'
const [port, n, cores] = process.argv.slice(2).map(Number);
const base = `http://127.0.0.1:${port}`;
const stats = async () => (await fetch(base + "/__quickrail/stats")).json();
const ready = (s) => s.workers.filter((w) => w.state === "idle" || w.state === "busy").length === cores + 1 && s.pending_replacements === 0;
let bad = 0;
const t0 = Date.now();
for (let i = 0; i < n; i++) {
  const r = await fetch(base + "/crash"); await r.text();
  if (r.status !== 500) bad++;
  /* let the zygote refill the spare, so each crash measures the warm-spare hand-over */
  for (let k = 0; k < 500 && !ready(await stats()); k++) await new Promise((r) => setTimeout(r, 1));
}
const s = await stats();
const us = (ns) => (ns / 1000).toFixed(1);
const ms = (ns) => (ns / 1e6).toFixed(2);
console.log(`worker replacement over ${n} SIGSEGV crashes (${((Date.now() - t0) / 1000).toFixed(1)} s, ${bad} unexpected answers):`);
console.log(`  crash seen -> ready worker in the slot (warm spare): p50 ${us(s.replacement_ns.p50)} us, p99 ${us(s.replacement_ns.p99)} us, max ${us(s.replacement_ns.max)} us (${s.replacement_ns.count} samples)`);
console.log(`  zygote fork -> new spare ready:                       p50 ${ms(s.fork_to_ready_ns.p50)} ms, p99 ${ms(s.fork_to_ready_ns.p99)} ms`);
const ok = await fetch(base + "/ok"); console.log(`  after the crashes: GET /ok -> ${ok.status}, restarts ${s.restarts}`);
JS
