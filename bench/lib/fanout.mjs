// bench/lib/fanout.mjs — the broadcast fan-out and idle-connection-memory benchmark driver.
// Against one server (quickrail with bench/fixtures/fanout, or cable-ws-peer.mjs), already
// listening on 127.0.0.1:PORT: measures the PSS of the server's process tree (--pid), forks
// --procs client processes (fanout-client.mjs) that open --n Action Cable connections
// subscribed to one Turbo stream, measures PSS again once all are confirmed and idle
// (-> KB per idle connection), then POSTs one broadcast every --interval ms for --duration s
// (body: a <turbo-stream> carrying a sequence number and the send time) and reports the
// delivery latency p50/p99/max and the share of frames delivered. Bounded: every phase has a
// time limit; exits 1 when a phase fails. Prints one line "FANOUTJSON {...}".
import { fork } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { streamKey, signStreamName } from "./turbo-token.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const opt = { port: 0, pid: 0, n: 1000, procs: 1, duration: 30, interval: 100, sources: 1, settle: 2, grace: 2, stream: "bench_fanout", cablePath: "/cable", tmp: os.tmpdir() };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, "").replace(/-(.)/g, (_, c) => c.toUpperCase());
  const v = process.argv[i + 1];
  opt[k] = typeof opt[k] === "number" ? Number(v) : v;
}
const fail = (why) => { console.error(`fanout: ${why}`); console.log(`FANOUTJSON ${JSON.stringify({ error: why })}`); cleanup(); process.exit(1); };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// --- PSS of a process tree, read from /proc
function children() {
  const map = new Map();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!map.has(ppid)) map.set(ppid, []);
      map.get(ppid).push(Number(d));
    } catch { /* gone */ }
  }
  return map;
}
function treePssKb(root) {
  if (!root) return 0;
  const kids = children();
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const p = stack.pop();
    try {
      const m = /^Pss:\s+(\d+)/m.exec(fs.readFileSync(`/proc/${p}/smaps_rollup`, "utf8"));
      if (m) total += Number(m[1]);
    } catch { /* gone */ }
    for (const c of kids.get(p) || []) stack.push(c);
  }
  return total;
}

// --- clients
const secret = process.env.SECRET_KEY_BASE || "bench";
const token = signStreamName(streamKey(secret), opt.stream);
const identifier = JSON.stringify({ channel: "Turbo::StreamsChannel", signed_stream_name: token });
const subscribe = JSON.stringify({ command: "subscribe", identifier });
const kids = [];
function cleanup() { for (const k of kids) { try { k.kill("SIGKILL"); } catch { /* gone */ } } }
process.on("SIGTERM", () => { cleanup(); process.exit(1); });

function waitAll(field, ms, what) {
  return Promise.race([
    Promise.all(kids.map((k) => k.waiting[field])),
    sleep(ms).then(() => { throw new Error(`${what} did not finish within ${ms / 1000}s`); }),
  ]);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
function post(body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port: opt.port, method: "POST", agent,
      path: `/broadcast?stream=${encodeURIComponent(opt.stream)}`,
      headers: { "content-type": "text/html", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`broadcast answered ${res.statusCode}`))));
    });
    req.setTimeout(5000, () => req.destroy(new Error("broadcast timed out")));
    req.on("error", reject);
    req.end(body);
  });
}

async function main() {
  const pssBefore = treePssKb(opt.pid);
  const errors = [];
  for (let i = 0; i < opt.procs; i++) {
    const count = Math.floor(opt.n / opt.procs) + (i < opt.n % opt.procs ? 1 : 0);
    const k = fork(path.join(here, "fanout-client.mjs"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    k.waiting = {};
    k.waiting.ready = new Promise((res) => { k.onReady = res; });
    k.waiting.done = new Promise((res) => { k.onDone = res; });
    k.on("message", (m) => {
      if (m.ready) k.onReady(m);
      else if (m.done) k.onDone(m);
      else if (m.error) {
        if (errors.length < 5) errors.push(m.error);
        if (!k.finished) fail(`client: ${m.error}`); // a refused upgrade or a dropped connection ends the run
      }
    });
    k.on("exit", (code) => { if (code) errors.push(`client exited ${code}`); });
    k.send({ cmd: "start", port: opt.port, path: opt.cablePath, count, sources: opt.sources, subscribe,
      out: path.join(opt.tmp, `fanout-${process.pid}-${i}.bin`) });
    kids.push(k);
  }
  const t0 = Date.now();
  try {
    await waitAll("ready", 60000 + opt.n * 5, `${opt.n} subscriptions`);
  } catch (e) {
    fail(`${e.message}${errors.length ? ` (${errors.join("; ")})` : ""}`);
  }
  const connectMs = Date.now() - t0;
  await sleep(opt.settle * 1000);
  const pssIdle = treePssKb(opt.pid);

  const count = Math.max(1, Math.floor((opt.duration * 1000) / opt.interval));
  const start = performance.now();
  let postErrors = 0;
  for (let seq = 1; seq <= count; seq++) {
    const due = start + seq * opt.interval;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const t = process.hrtime.bigint();
    const body = `<turbo-stream action="append" target="messages"><template><p id="m${seq}">seq ${seq} t0 ${t}</p></template></turbo-stream>`;
    try { await post(body); } catch (e) { if (++postErrors === 1) errors.push(e.message); }
  }
  await sleep(opt.grace * 1000); // grace for the last deliveries
  for (const k of kids) { k.finished = true; k.send({ cmd: "finish" }); }
  let done;
  try { done = await waitAll("done", 30000, "clients' reports"); } catch (e) { fail(e.message); }
  agent.destroy();

  let total = 0;
  for (const d of done) total += d.received;
  const all = new Float64Array(total);
  let off = 0;
  for (let i = 0; i < kids.length; i++) {
    const f = path.join(opt.tmp, `fanout-${process.pid}-${i}.bin`);
    const buf = fs.readFileSync(f);
    fs.unlinkSync(f);
    const arr = new Float64Array(buf.buffer, buf.byteOffset, buf.length / 8);
    all.set(arr, off);
    off += arr.length;
  }
  all.sort();
  const pct = (p) => (all.length ? all[Math.min(all.length - 1, Math.floor((p / 100) * all.length))] : NaN);
  const expected = opt.n * count;
  const dist = [1, 5, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 97, 98, 99, 99.5, 99.9, 99.99].map((p) => [p, +pct(p).toFixed(3)]);
  const result = {
    n: opt.n, broadcasts: count, expected, received: total, delivered_pct: +(100 * total / expected).toFixed(3),
    post_errors: postErrors, p50_ms: +pct(50).toFixed(3), p99_ms: +pct(99).toFixed(3), max_ms: +(all[all.length - 1] || NaN).toFixed(3),
    pss_before_kb: pssBefore, pss_idle_kb: pssIdle, kb_per_conn: opt.pid ? +((pssIdle - pssBefore) / opt.n).toFixed(2) : null,
    connect_ms: connectMs, errors, dist,
  };
  console.log(`FANOUTJSON ${JSON.stringify(result)}`);
  cleanup();
  process.exit(total > 0 && postErrors === 0 && result.delivered_pct >= 99 ? 0 : 1);
}

setTimeout(() => fail("overall time limit"), (opt.duration + 180 + opt.n / 100) * 1000).unref();
main().catch((e) => fail(e.stack || String(e)));
