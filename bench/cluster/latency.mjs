// bench/cluster/latency.mjs — broadcast latency, one node vs two nodes sharing Redis or
// PostgreSQL. A raw Action Cable subscriber (ws) listens to a Turbo stream; the benchmark POSTs
// /broadcast to a node of the cable test fixture app and times from just before the request to
// the arrival of the frame on the subscriber (so every number includes the HTTP request and the
// worker's JavaScript). Scenarios, each with N sequential broadcasts after a warm-up:
//   single      one node, no CABLE_URL (hub delivers in-process)
//   redis-same  two nodes on Redis, subscriber on the node that broadcasts (through Redis)
//   redis-cross two nodes on Redis, subscriber on the other node
//   pg-same / pg-cross  the same with PostgreSQL LISTEN/NOTIFY
// Usage: node bench/cluster/latency.mjs [N=300]   (real redis-server and PostgreSQL 15 are
// started on free loopback ports and stopped afterwards). Prints one line per scenario; the
// scenarios run side by side, one broadcast each per round.
import WS from "ws";
import { performance } from "node:perf_hooks";
import { startRedis, startPostgres } from "../../tests/lib/services.mjs";
import { start } from "../../tests/cable/lib/server.mjs";

const N = Number(process.argv[2] || 300);
const WARMUP = 30;

async function subscriber(node, stream) {
  const token = await (await fetch(`${node.url}/token?name=${encodeURIComponent(stream)}`)).text();
  const id = JSON.stringify({ channel: "Turbo::StreamsChannel", signed_stream_name: token });
  const ws = new WS(`ws://127.0.0.1:${node.port}/cable`, ["actioncable-v1-json"], { headers: { origin: node.url }, perMessageDeflate: false });
  let waiter = null;
  await new Promise((resolve, reject) => {
    ws.on("error", reject);
    ws.on("message", (data) => {
      const m = JSON.parse(data.toString());
      if (m.type === "welcome") ws.send(JSON.stringify({ command: "subscribe", identifier: id }));
      else if (m.type === "confirm_subscription") resolve();
      else if (m.identifier === id && "message" in m && waiter) { const w = waiter; waiter = null; w(performance.now(), m.message); }
    });
  });
  return {
    next: () => new Promise((resolve) => { waiter = (t, msg) => resolve({ t, msg }); }),
    close: () => ws.terminate(),
  };
}

// One broadcast from `from`, timed until `sub` receives it. Returns milliseconds.
async function once(label, from, sub, stream, i) {
  const body = `<turbo-stream action="append" target="t"><template>${i}</template></turbo-stream>`;
  const got = sub.next();
  const t0 = performance.now();
  const res = await fetch(`${from.url}/broadcast?stream=${stream}`, { method: "POST", body });
  await res.text();
  const { t, msg } = await Promise.race([got, new Promise((_, rej) => setTimeout(() => rej(new Error(`${label}: message ${i} lost`)), 5000))]);
  if (msg !== body) throw new Error(`${label}: got ${msg}`);
  return t - t0;
}

function summary(label, samples) {
  samples.sort((a, b) => a - b);
  const q = (p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  const r = { label, n: samples.length, p50: q(0.5), p90: q(0.9), p99: q(0.99), mean };
  console.log(`${label.padEnd(12)} n=${r.n}  p50 ${r.p50.toFixed(2)} ms  p90 ${r.p90.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  mean ${r.mean.toFixed(2)} ms`);
  return r;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const [redis, pg] = await Promise.all([startRedis(), startPostgres()]);
const nodes = [];
try {
  // every scenario is up at once and the rounds interleave them, so that a load spike on this
  // (shared) machine hits all scenarios alike
  const renv = { CABLE_URL: redis.url }, penv = { CABLE_URL: pg.url };
  const [single, r1, r2, p1, p2] = await Promise.all([
    start({ workers: 2 }), start({ workers: 2, env: renv }), start({ workers: 2, env: renv }),
    start({ workers: 2, env: penv }), start({ workers: 2, env: penv })]);
  nodes.push(single, r1, r2, p1, p2);
  const scenarios = [
    { label: "single", from: single, to: single, stream: "bench" },
    { label: "redis-same", from: r1, to: r1, stream: "bench-same" },
    { label: "redis-cross", from: r1, to: r2, stream: "bench-cross" },
    { label: "pg-same", from: p1, to: p1, stream: "bench-same" },
    { label: "pg-cross", from: p1, to: p2, stream: "bench-cross" },
  ];
  for (const sc of scenarios) { sc.sub = await subscriber(sc.to, sc.stream); sc.samples = []; }
  await sleep(500); // bridges SUBSCRIBE / LISTEN
  for (let i = 0; i < WARMUP + N; i++) {
    for (const sc of scenarios) {
      const ms = await once(sc.label, sc.from, sc.sub, sc.stream, i);
      if (i >= WARMUP) sc.samples.push(ms);
    }
  }
  const results = scenarios.map((sc) => summary(sc.label, sc.samples));
  for (const sc of scenarios) sc.sub.close();
  const base = results[0].p50;
  console.log("p50 relative to a single node: " + results.slice(1).map((r) => `${r.label} ${(r.p50 / base).toFixed(2)}x (${r.p50 >= base ? "+" : ""}${(r.p50 - base).toFixed(2)} ms)`).join(", "));
} finally {
  for (const n of nodes) await n.stop().catch(() => {});
  await Promise.all([redis.stop(), pg.stop()]);
}
