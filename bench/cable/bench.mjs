// bench/cable/bench.mjs — quickrail's cable benchmark (not a timed test): for each N, opens N
// idle Action Cable connections subscribed to one Turbo stream (client processes, spread over
// 127.0.0.x source addresses), measures the supervisor's RSS and PSS before and after
// (-> bytes per idle connection), then sends broadcasts one by one and measures delivery
// latency (send -> arrival at each subscriber) p50/p99/max. 127.0.0.1 only; every phase has
// a time limit. Prints a table. Usage: node bench/cable/bench.mjs [--quick]
import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startServer, ROOT } from "../../tests/lib/server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes("--quick");
const SIZES = quick ? [1000] : [1000, 10000];
const BROADCASTS = quick ? 10 : 30;
const PROCS = 4;
const SOURCES = 8; // 127.0.0.2 .. 127.0.0.9
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function mem(pid) {
  const s = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, "m").exec(s)[1]);
  return { rss: kb("Rss") * 1024, pss: kb("Pss") * 1024 };
}
function withTimeout(p, ms, what) {
  return Promise.race([p, sleep(ms).then(() => { throw new Error(`${what}: no answer within ${ms} ms`); })]);
}
const pct = (a, p) => a.length ? a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))] : NaN;

async function run(n) {
  const srv = await startServer({
    app: "tests/cable/fixtures/app", workers: 2,
    env: { SECRET_KEY_BASE: "bench-secret", QUICKRAIL_QUEUE_MAX: "100000", QUICKRAIL_LOG_LEVEL: "debug" },
  });
  const kids = [];
  try {
    const token = await (await fetch(`${srv.url}/token?name=bench`)).text();
    const identifier = JSON.stringify({ channel: "Turbo::StreamsChannel", signed_stream_name: token });
    await sleep(500);
    const before = mem(srv.proc.pid);
    const per = Math.ceil(n / PROCS);
    for (let p = 0; p < PROCS; p++) {
      const count = Math.min(per, n - p * per);
      if (count <= 0) break;
      const k = fork(path.join(here, "client.mjs"), [JSON.stringify({ port: srv.port, n: count, identifier, sources: SOURCES, offset: p * per })]);
      k.inbox = [];
      k.waiters = [];
      k.on("message", (m) => { const w = k.waiters.shift(); if (w) w(m); else k.inbox.push(m); });
      k.next = () => new Promise((r) => { const m = k.inbox.shift(); if (m) r(m); else k.waiters.push(r); });
      kids.push(k);
    }
    await Promise.all(kids.map((k) => k.next())); // ready
    const t0 = Date.now();
    kids.forEach((k) => k.send({ cmd: "open" }));
    const opened = await withTimeout(Promise.all(kids.map((k) => k.next())), 120000, "opening connections");
    const confirmed = opened.reduce((a, m) => a + m.confirmed, 0);
    const openMs = Date.now() - t0;
    await sleep(3500); // idle, one ping
    const after = mem(srv.proc.pid);
    const lats = [];
    const perBroadcastMax = [];
    for (let b = 0; b < BROADCASTS; b++) {
      const body = `b${b}:${now().toFixed(3)}:<turbo-stream action="append" target="messages"><template><p>message ${b}</p></template></turbo-stream>`;
      const r = await fetch(`${srv.url}/broadcast?stream=bench`, { method: "POST", body });
      await r.text();
      await sleep(n >= 10000 ? 1000 : 250);
    }
    await sleep(1500);
    kids.forEach((k) => k.send({ cmd: "report" }));
    const reports = await withTimeout(Promise.all(kids.map((k) => k.next())), 30000, "collecting latencies");
    const bySeq = new Map();
    for (const rep of reports) for (const [seq, ms] of rep.lat) {
      lats.push(ms);
      bySeq.set(seq, Math.max(bySeq.get(seq) || 0, ms));
    }
    for (const v of bySeq.values()) perBroadcastMax.push(v);
    lats.sort((a, b) => a - b);
    const fanLines = [...srv.logs().matchAll(/fan-out of \d+ bytes to (\d+) subscribers in ([\d.]+) ms \(cpu ([\d.]+) ms\)/g)]
      .filter((m) => Number(m[1]) === n);
    const fan = fanLines.map((m) => Number(m[2])).sort((a, b) => a - b);
    const fanCpu = fanLines.map((m) => Number(m[3])).sort((a, b) => a - b);
    const closed = reports.reduce((a, m) => a + m.closed, 0);
    return {
      n, confirmed, openMs, closed,
      rssPer: (after.rss - before.rss) / n, pssPer: (after.pss - before.pss) / n,
      rssAfter: after.rss, delivered: lats.length, expected: n * BROADCASTS,
      p50: pct(lats, 50), p99: pct(lats, 99), max: lats.at(-1), fan50: pct(fan, 50), fanMax: fan.at(-1), cpu50: pct(fanCpu, 50),
    };
  } finally {
    for (const k of kids) { try { k.send({ cmd: "close" }); } catch {} }
    await sleep(300);
    for (const k of kids) { try { k.kill("SIGKILL"); } catch {} }
    await srv.stop();
  }
}

const rows = [];
for (const n of SIZES) {
  try { rows.push(await run(n)); }
  catch (e) { console.error(`cable bench N=${n}: ${e.message}`); rows.push({ n, error: e.message }); }
}
const f = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : "-");
console.log(`\nquickrail cable benchmark (${quick ? "quick" : "full"}; ${BROADCASTS} broadcasts to one Turbo stream; clients: ${PROCS} node processes on the same machine; 127.0.0.1; ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")})`);
console.log("fan-out = POST /broadcast sent -> frame parsed by each client (includes HTTP, worker, supervisor, kernel and the client processes); server write-all = the supervisor's wall time to hand the frame to every socket (cpu: its CPU time for that).");
console.log("| connections | confirmed | open time | supervisor RSS/conn | supervisor PSS/conn | supervisor RSS | delivered | fan-out p50 | p99 | max | server write-all p50 / max (cpu p50) |");
console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const r of rows) {
  if (r.error) { console.log(`| ${r.n} | error: ${r.error} |`); continue; }
  console.log(`| ${r.n} | ${r.confirmed} | ${(r.openMs / 1000).toFixed(1)} s | ${f(r.rssPer / 1024, 2)} KB | ${f(r.pssPer / 1024, 2)} KB | ${f(r.rssAfter / 1048576, 1)} MB | ${r.delivered}/${r.expected} | ${f(r.p50)} ms | ${f(r.p99)} ms | ${f(r.max)} ms | ${f(r.fan50)} / ${f(r.fanMax)} ms (${f(r.cpu50)} ms) |`);
}
process.exit(rows.some((r) => r.error) ? 1 : 0);
