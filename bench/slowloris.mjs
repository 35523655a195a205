// bench/slowloris.mjs — slowloris against quickrail on 127.0.0.1 (issue 15): SLOW connections
// (default 2,000) each send a partial request and then one byte a second, while CLIENTS normal
// keep-alive clients (default 4) request a page back to back. Checks that every normal request
// is served (200) and that every slow connection is cut at the idle timeout (408 or a close),
// and reports the normal clients' latency (p50/p99/max) and the supervisor's RSS before, at
// the peak and after the attack. Bounded: DURATION_MS of attack (default the idle timeout + 3 s).
//
//   ulimit -n 8192; node bench/slowloris.mjs            (SLOW=2000 CLIENTS=4 IDLE_MS=5000)
// Exits 1 when a check fails. Not in CI: it needs thousands of descriptors and two idle cores
// for a meaningful latency figure.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { startServer, ROOT } from "../tests/lib/server.mjs";

const SLOW = Number(process.env.SLOW || 2000);
const CLIENTS = Number(process.env.CLIENTS || 4);
const IDLE_MS = Number(process.env.IDLE_MS || 5000);
const DURATION_MS = Number(process.env.DURATION_MS || IDLE_MS + 3000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const srv = await startServer({ app: path.join(ROOT, "tests/fixtures/hello"), workers: 2, args: ["--idle-timeout", String(IDLE_MS)] });
const rss = () => Number(fs.readFileSync(`/proc/${srv.proc.pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]);
const before = rss();
let peak = before;

// the slow connections
const slow = [];
let cut408 = 0, cutClosed = 0, refused = 0;
for (let i = 0; i < SLOW; i += 100) { // in batches, so the listen backlog never overflows
  const batch = [];
  for (let k = i; k < Math.min(SLOW, i + 100); k++) {
    const s = net.connect(srv.port, "127.0.0.1");
    const rec = { s, opened: 0, closedAt: 0, got: "" };
    s.on("data", (d) => { rec.got += d; });
    s.on("close", () => { rec.closedAt = Date.now(); });
    s.on("error", () => { if (!rec.opened) refused++; });
    batch.push(new Promise((resolve) => {
      s.on("connect", () => { rec.opened = Date.now(); s.write("GET /robots.txt HTTP/1.1\r\nHost: x\r\nX-a: "); resolve(); });
      s.on("close", resolve);
    }));
    slow.push(rec);
  }
  await Promise.all(batch);
}
const t0 = Date.now();
const drip = setInterval(() => { for (const r of slow) if (!r.closedAt && !r.s.destroyed) r.s.write("a"); }, 1000);

// the normal clients
const lat = [];
let bad = 0;
const badWhat = [];
let running = true;
async function client() {
  while (running) {
    const t = performance.now();
    try {
      const r = await fetch(srv.url + "/");
      await r.text();
      if (r.status !== 200) { bad++; badWhat.push(r.status); }
    } catch (e) { bad++; badWhat.push(String(e.cause?.code || e.message)); }
    lat.push(performance.now() - t);
  }
}
const loops = Array.from({ length: CLIENTS }, client);
while (Date.now() - t0 < DURATION_MS) { peak = Math.max(peak, rss()); await sleep(200); }
running = false;
await Promise.all(loops);
clearInterval(drip);
await sleep(500);
for (const r of slow) {
  if (!r.closedAt) continue;
  if (/^HTTP\/1\.1 408/.test(r.got)) cut408++; else cutClosed++;
}
const open = slow.filter((r) => !r.closedAt).length;
const lifetimes = slow.filter((r) => r.closedAt && r.opened).map((r) => r.closedAt - r.opened).sort((a, b) => a - b);
for (const r of slow) r.s.destroy();
await sleep(1000);
const after = rss();
lat.sort((a, b) => a - b);
const q = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))].toFixed(1) : "-");
console.log(`slowloris: ${SLOW} slow connections (idle timeout ${IDLE_MS} ms), ${CLIENTS} normal clients for ${DURATION_MS} ms`);
console.log(`normal requests: ${lat.length}, not 200: ${bad} ${JSON.stringify(badWhat.slice(0, 5))}; latency p50 ${q(0.5)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms`);
console.log(`slow connections: cut with 408 ${cut408}, closed ${cutClosed}, still open ${open}, connect errors ${refused}; ` +
  `lifetime p50 ${lifetimes[Math.floor(lifetimes.length / 2)] ?? "-"} ms, max ${lifetimes[lifetimes.length - 1] ?? "-"} ms`);
console.log(`supervisor RSS: ${before} KB before, ${peak} KB peak, ${after} KB after`);
await srv.stop();
const ok = bad === 0 && lat.length > 0 && open === 0 && refused === 0 && (lifetimes[lifetimes.length - 1] ?? 0) < IDLE_MS + 2500;
console.log(ok ? "slowloris: OK" : "slowloris: FAILED");
process.exit(ok ? 0 : 1);
