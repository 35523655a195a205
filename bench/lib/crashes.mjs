// bench/lib/crashes.mjs — the worker-replacement benchmark's load: --n times, one at a time,
// GET /crash (the worker dies with SIGSEGV; quickrail answers 5xx) then GET / until it answers
// 200 (bounded), timing "crash request sent -> next 200" on the client. Then reads quickrail's
// own replacement latencies (worker death noticed -> new worker ready) from
// GET /__quickrail/stats and prints "CRASHJSON {n, p50_ms, p99_ms, max_ms, source,
// client_p50_ms, client_p99_ms}". Exits 1 when a crash was not answered or the pool did not
// come back within 10 s. With --paced 1 (default) each crash waits for the pool to be whole
// again (warm spare idle) first. Usage: node crashes.mjs --port P --n 1000 [--paced 0|1]
import http from "node:http";

const opt = { port: 0, n: 1000, paced: 1 };
for (let i = 2; i < process.argv.length; i += 2) opt[process.argv[i].slice(2)] = Number(process.argv[i + 1]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function get(path) {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port: opt.port, path, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => { body += d; });
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.setTimeout(15000, () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ status: 0, body: String(e.message) }));
  });
}
const pct = (arr, p) => { const a = [...arr].sort((x, y) => x - y); return a.length ? a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))] : null; };

// Finds replacement latencies in the stats document, whatever its exact shape: an object under
// a key mentioning "replace" (or "restart") with p50/p99 fields, or an array of samples.
function findReplacement(doc) {
  const scale = (k) => (/_?ns$/i.test(k) ? 1e-6 : /_?us$/i.test(k) ? 1e-3 : 1);
  const walk = (o, trail) => {
    if (!o || typeof o !== "object") return null;
    for (const [k, v] of Object.entries(o)) {
      const here = `${trail}${trail ? "." : ""}${k}`;
      if (/replace/i.test(k) && v && typeof v === "object" && !Array.isArray(v)) {
        const f = {};
        for (const [kk, vv] of Object.entries(v)) {
          if (typeof vv !== "number") continue;
          const unit = scale(kk) !== 1 ? scale(kk) : scale(k);
          if (/p50|median/i.test(kk)) f.p50_ms = vv * unit;
          else if (/p99(?!\.)/i.test(kk) && !/p999/i.test(kk)) f.p99_ms = vv * unit;
          else if (/max/i.test(kk)) f.max_ms = vv * unit;
          else if (/count|^n$|samples/i.test(kk)) f.n = vv;
        }
        if (f.p50_ms !== undefined) return { ...f, source: `stats ${here}` };
      }
      if (/replace/i.test(k) && Array.isArray(v) && v.length && typeof v[0] === "number") {
        const u = scale(k);
        return { n: v.length, p50_ms: pct(v, 50) * u, p99_ms: pct(v, 99) * u, max_ms: Math.max(...v) * u, source: `stats ${here} samples` };
      }
      const r = walk(v, here);
      if (r) return r;
    }
    return null;
  };
  return walk(doc, "");
}

const client = [];
for (let i = 0; i < opt.n; i++) {
  const t0 = process.hrtime.bigint();
  const c = await get("/crash");
  if (c.status < 500) { console.error(`crash ${i + 1}: /crash answered ${c.status} (is QUICKRAIL_TEST_CRASH=1 honoured?)`); process.exit(1); }
  let ok = false;
  const until = Date.now() + 10000;
  while (Date.now() < until) {
    if ((await get("/")).status === 200) { ok = true; break; }
    await sleep(1);
  }
  if (!ok) { console.error(`crash ${i + 1}: no 200 within 10 s after the crash`); process.exit(1); }
  client.push(Number(process.hrtime.bigint() - t0) / 1e6);
  // Paced: the next crash waits until the pool is whole again (no pending replacement, a warm
  // spare idle), so each sample measures the designed path, as a real crash would meet it;
  // back-to-back crashes faster than a fork would measure the fork instead.
  if (opt.paced) {
    const until2 = Date.now() + 10000;
    for (;;) {
      let st = null;
      try { st = JSON.parse((await get("/__quickrail/stats")).body); } catch { /* retry */ }
      const spare = st && Array.isArray(st.workers) && st.workers.some((w) => w.role === "spare" && w.state === "idle");
      if (st && !st.pending_replacements && (spare || !Array.isArray(st.workers))) break;
      if (Date.now() > until2) { console.error(`crash ${i + 1}: the pool was not whole again within 10 s`); process.exit(1); }
      await sleep(2);
    }
  }
}
const stats = await get("/__quickrail/stats");
let doc = null;
try { doc = JSON.parse(stats.body); } catch { /* below */ }
if (stats.status !== 200 || !doc) { console.error(`stats endpoint answered ${stats.status}: ${stats.body.slice(0, 200)}`); process.exit(1); }
const r = findReplacement(doc);
if (!r) { console.error(`no replacement latencies in the stats document: ${stats.body.slice(0, 600)}`); process.exit(1); }
const ready = doc.fork_to_ready_ns; // core's second series: fork -> worker READY
const round = (x) => (x === undefined || x === null ? x : +x.toFixed(4));
console.log(`CRASHJSON ${JSON.stringify({ n: r.n ?? opt.n, p50_ms: round(r.p50_ms), p99_ms: round(r.p99_ms), max_ms: round(r.max_ms), source: r.source,
  client_p50_ms: round(pct(client, 50)), client_p99_ms: round(pct(client, 99)),
  ready_p50_ms: ready?.p50 !== undefined ? round(ready.p50 / 1e6) : undefined, ready_p99_ms: ready?.p99 !== undefined ? round(ready.p99 / 1e6) : undefined,
  restarts: doc.restarts, stats: doc })}`);
agent.destroy();
