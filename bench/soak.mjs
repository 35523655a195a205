// bench/soak.mjs — the soak (`make soak`, issue 15; not in CI): the Ruby demo blog in production
// with 2 workers under steady mixed load for SOAK_MINUTES (default 30) on 127.0.0.1: index and
// show pages, article creations and deletions, comments, SOAK_CABLES (default 500) Action Cable
// connections subscribed to the articles stream and to the comment streams of the live
// articles (subscribing and unsubscribing as articles come and go, as browsers do), and a worker
// SIGKILLed every SOAK_KILL_EVERY_S (default 120). Every minute it samples the RSS of every
// process (supervisor, zygote, workers). At the end it checks: 0 failed requests other than the
// ones the kills hit (identified exactly: the supervisor logs "died while running request N"
// for a kill that cost a request, and exactly that many failed requests must have been in flight
// at that kill), 0 lost broadcasts (every acknowledged comment reached every connection through
// its comment stream, every acknowledged article through the articles stream), 0 connections
// closed; prints a table and the memory slope per process kind (KB/min, least squares) and
// writes bench/results/soak-<date>.md. Exits 1 when a check fails.
//
//   make soak                          (SOAK_MINUTES=30 SOAK_RPS=50 SOAK_CABLES=500)
//   SOAK_MINUTES=3 node bench/soak.mjs (a short run; SOAK_REPORT=0 writes no report file)
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { BlogClient, streamIdentifiers, forms } from "../tests/chaos/lib/blog.mjs";
import { sleep, rssKb, summarize } from "../tests/chaos/lib/util.mjs";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const BIN = process.env.QUICKRAIL_BIN || path.join(ROOT, "build/quickrail");
const MINUTES = Number(process.env.SOAK_MINUTES || 30);
const RPS = Number(process.env.SOAK_RPS || 50);
const CABLES = Number(process.env.SOAK_CABLES || 500);
const WORKERS = Number(process.env.SOAK_WORKERS || 2);
const KILL_EVERY_S = Number(process.env.SOAK_KILL_EVERY_S || 120);
const ARTICLE_EVERY_S = Number(process.env.SOAK_ARTICLE_EVERY_S || 20);
const WINDOW = Number(process.env.SOAK_WINDOW || 4); // live soak articles (older ones are deleted)
const COMMENT_SHARE = Number(process.env.SOAK_COMMENT_SHARE || 0.04);
const INDEX_SHARE = 0.4;
const CONCURRENCY = 6;
const SAMPLE_MS = 60000;
const SECRET = "soak-secret-key-base-" + "0123456789abcdef".repeat(6);
const ART = path.join(ROOT, "test-artifacts", "soak");
fs.mkdirSync(ART, { recursive: true });

const log = (s) => console.log(`[soak ${new Date().toISOString().slice(11, 19)}] ${s}`);

// ---------------------------------------------------------------- the app and the server
function cli(args, cwd, env) {
  const r = spawnSync(BIN, args, { cwd, env, encoding: "utf8", timeout: 120000 });
  if (r.status !== 0) throw new Error(`quickrail ${args.join(" ")}: exit ${r.status}\n${r.stdout}${r.stderr}`);
}

const env = { ...process.env };
for (const k of Object.keys(env)) if (/^(QUICKRAIL_|WEB_CONCURRENCY|PORT$|DATABASE_URL|CABLE_URL|RAILS_ENV)/.test(k)) delete env[k];
Object.assign(env, { SECRET_KEY_BASE: SECRET, QUICKRAIL_STATS: "1", QUICKRAIL_LOG_LEVEL: "info" });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "quickrail-soak-"));
cli(["new", "blog", "--demo", "blog"], tmp, env);
const appDir = path.join(tmp, "blog");
cli(["db:prepare", "-e", "production"], appDir, env);

const serverLog = fs.createWriteStream(path.join(ART, "server.log"));
const srv = spawn(BIN, ["serve", appDir, "-p", "0", "-b", "127.0.0.1", "-w", String(WORKERS), "-e", "production"],
  { env, stdio: ["ignore", "pipe", "pipe"] });
let srvExit = null;
srv.on("exit", (code, signal) => { srvExit = { code, signal }; });
const deaths = [];   // { t, pid, what: "running" | "starting" | "idle" | other }
const warnings = []; // WARN / ERROR lines other than the kills' own
let port = 0, ready = false, partial = "";
function onLine(l) {
  const m = l.match(/\* Listening on http:\/\/[^:\s]+:(\d+)/);
  if (m) port = Number(m[1]);
  if (/\* Ready/.test(l)) ready = true;
  const d = l.match(/w\d+ \(pid (\d+)\) (died while running request|was killed by the watchdog while running|died before starting request|died while idle|died before it was ready|retired)/);
  if (d) deaths.push({ t: Date.now(), pid: Number(d[1]), what: d[2] });
  if (/ (WARN|ERROR) /.test(l) && !/was killed by signal 9|died while running request/.test(l)) {
    if (warnings.length < 200) warnings.push(l);
  }
}
const onData = (buf) => {
  serverLog.write(buf);
  const parts = (partial + buf.toString("utf8")).split("\n");
  partial = parts.pop();
  for (const l of parts) onLine(l);
};
srv.stdout.on("data", onData);
srv.stderr.on("data", onData);
process.on("exit", () => { try { srv.kill("SIGKILL"); } catch {} });
for (const t0 = Date.now(); !ready; await sleep(50)) {
  if (srvExit || Date.now() - t0 > 60000) throw new Error(`the server did not start (${JSON.stringify(srvExit)}); see ${ART}/server.log`);
}
log(`the blog (production, ${WORKERS} workers) on 127.0.0.1:${port}, pid ${srv.pid}, app in ${appDir}`);

async function stats() {
  const r = await fetch(`http://127.0.0.1:${port}/__quickrail/stats`);
  return r.json();
}

// ---------------------------------------------------------------- HTTP load
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY + 2 });
const results = [];  // { t0, t1, kind, status, error }
const record = (kind, r) => {
  const t1 = Date.now();
  results.push({ t0: t1 - Math.round(r.t1 - r.t0), t1, kind, status: r.status, error: r.error });
  return r;
};
const ok = (r) => r.status >= 200 && r.status < 400;

const live = [];           // soak articles in order: { id, marker, commentsId, open (comments go there) }
const ackedArticles = [];  // markers of acknowledged article creations
const ackedComments = [];  // { marker, articleId }
const inflightComments = new Map(); // article id -> number of comment POSTs in flight
let seq = 0;

const curator = new BlogClient(port, agent);
let articlesId = null;

// ---------------------------------------------------------------- Action Cable
const conns = [];
const confirmed = new Map(); // identifier -> number of connections that confirmed it
const got = new Map();       // marker -> deliveries (prepend on articles, append on comments)
let closes = 0, cableErrors = [], rejected = 0, cableMessages = 0;
let closing = false;

function openConn(idx, identifiers) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/cable`, ["actioncable-v1-json", "actioncable-unsupported"],
      { headers: { origin: `http://127.0.0.1:${port}` }, perMessageDeflate: false, handshakeTimeout: 20000 });
    const c = { idx, ws, subs: new Set() };
    conns[idx] = c;
    let settled = false;
    const settle = (v) => { if (!settled) { settled = true; resolve(v); } };
    ws.on("message", (data) => {
      cableMessages++;
      let msg;
      try { msg = JSON.parse(data.toString()); } catch { return; }
      if (msg.type === "welcome") {
        for (const id of identifiers) ws.send(JSON.stringify({ command: "subscribe", identifier: id }));
        return;
      }
      if (msg.type === "ping") return;
      if (msg.type === "confirm_subscription") {
        if (!c.subs.has(msg.identifier)) {
          c.subs.add(msg.identifier);
          confirmed.set(msg.identifier, (confirmed.get(msg.identifier) || 0) + 1);
        }
        if (identifiers.every((id) => c.subs.has(id))) settle(true);
        return;
      }
      if (msg.type === "reject_subscription") { rejected++; return; }
      if (msg.identifier && typeof msg.message === "string") {
        const want = msg.identifier === articlesId ? /^<turbo-stream action="prepend"/ : /^<turbo-stream action="append"/;
        if (!want.test(msg.message)) return;
        const marks = msg.message.match(msg.identifier === articlesId ? /soak-art-\d+/ : /soak-cmt-\d+/);
        if (marks) got.set(marks[0], (got.get(marks[0]) || 0) + 1);
      }
    });
    ws.on("error", (e) => { if (cableErrors.length < 20) cableErrors.push(`${idx}: ${e.message}`); settle(false); });
    ws.on("close", (code) => { if (!closing) { closes++; if (cableErrors.length < 20) cableErrors.push(`${idx}: closed ${code}`); } settle(false); });
  });
}

async function subscribeAll(id, timeoutMs = 30000) {
  const before = confirmed.get(id) || 0;
  for (const c of conns) c.ws.send(JSON.stringify({ command: "subscribe", identifier: id }));
  const t0 = Date.now();
  while ((confirmed.get(id) || 0) - before < conns.length) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`subscribe: ${(confirmed.get(id) || 0) - before} of ${conns.length} confirmed within ${timeoutMs} ms`);
    await sleep(20);
  }
  return Date.now() - t0;
}
function unsubscribeAll(id) {
  for (const c of conns) {
    c.ws.send(JSON.stringify({ command: "unsubscribe", identifier: id }));
    c.subs.delete(id);
  }
}

// ---------------------------------------------------------------- articles come and go
async function createArticle() {
  const marker = `soak-art-${++seq}`;
  const page = record("article-new", await curator.get("/articles/new"));
  const f = forms(page.body).find((x) => x.fields.some((n) => n.startsWith("article[")));
  if (!f) throw new Error(`no article form on /articles/new (${page.status})`);
  const r = record("article-create", await curator.post(f.action || "/articles",
    { ...f.hidden, "article[title]": `${marker} title`, "article[body]": `${marker}: a soak article, long enough.` }));
  const m = (r.headers.location || "").match(/\/articles\/(\d+)/);
  if (!ok(r) || !m) return null;
  ackedArticles.push(marker);
  const id = Number(m[1]);
  const ids = await curator.show(id);
  const commentsId = ids.find((x) => /comments/.test(Buffer.from(JSON.parse(x).signed_stream_name.split("--")[0], "base64").toString()));
  const a = { id, marker, commentsId, open: false };
  await subscribeAll(commentsId);
  a.open = true;
  live.push(a);
  return a;
}

async function deleteArticle(a) {
  a.open = false;
  while (inflightComments.get(a.id)) await sleep(10);
  unsubscribeAll(a.commentsId);
  const page = record("show", await curator.get(`/articles/${a.id}`));
  const f = forms(page.body).find((x) => x.method === "delete");
  if (!f) throw new Error(`no delete form on /articles/${a.id} (${page.status})`);
  const r = record("article-delete", await curator.post(f.action, { ...f.hidden }));
  live.splice(live.indexOf(a), 1);
  return ok(r);
}

// ---------------------------------------------------------------- set up
const idx = await curator.get("/articles");
articlesId = streamIdentifiers(idx.body).find((x) => /articles/.test(x)) || streamIdentifiers(idx.body)[0];
const seedIds = [...new Set([...idx.body.matchAll(/href="\/articles\/(\d+)"/g)].map((m) => Number(m[1])))];
const tOpen = Date.now();
for (let i = 0; i < CABLES; i += 50) {
  const batch = [];
  for (let j = i; j < Math.min(CABLES, i + 50); j++) batch.push(openConn(j, [articlesId]));
  const res = await Promise.all(batch);
  if (res.some((x) => !x)) throw new Error(`cable: a connection of batch ${i} failed: ${cableErrors.join("; ")}`);
}
log(`${CABLES} Action Cable connections subscribed to the articles stream in ${Date.now() - tOpen} ms`);
for (let i = 0; i < WINDOW; i++) await createArticle();
log(`${WINDOW} soak articles, every connection subscribed to their comment streams`);

// ---------------------------------------------------------------- the run
const samples = []; // { min, sup, zyg, workers: [kb], client }
async function sample(min) {
  const s = await stats();
  const workers = s.workers.filter((w) => w.pid > 0).map((w) => ({ pid: w.pid, role: w.role, kb: rssKb(w.pid) })).filter((w) => w.kb > 0);
  samples.push({ min, t: Date.now(), sup: rssKb(s.pid), zyg: rssKb(s.zygote.pid), workers, client: Math.round(process.memoryUsage().rss / 1024), restarts: s.restarts });
}
await sample(0);

let running = true, busyCurator = false, killing = false;
const kills = []; // { t, pid, role }
const tStart = Date.now();
const tEnd = tStart + MINUTES * 60000;

async function loadLoop(i) {
  const c = new BlogClient(port, agent);
  await c.get("/articles");
  const interval = (1000 * CONCURRENCY) / RPS;
  await sleep((interval * i) / CONCURRENCY);
  let next = performance.now();
  while (running) {
    const roll = Math.random();
    const open = live.filter((a) => a.open);
    if (roll < COMMENT_SHARE && open.length) {
      const a = open[Math.floor(Math.random() * open.length)];
      const marker = `soak-cmt-${++seq}`;
      inflightComments.set(a.id, (inflightComments.get(a.id) || 0) + 1);
      const r = record("comment", await c.comment(a.id, `${marker} says hello`, "soak"));
      inflightComments.set(a.id, inflightComments.get(a.id) - 1);
      if (ok(r)) ackedComments.push({ marker, articleId: a.id });
    } else if (roll < COMMENT_SHARE + INDEX_SHARE) {
      record("index", await c.get("/articles"));
    } else {
      const ids = [...seedIds, ...open.map((a) => a.id)];
      record("show", await c.get(`/articles/${ids[Math.floor(Math.random() * ids.length)]}`));
    }
    next += interval;
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait); else next = performance.now();
  }
}

async function curatorLoop() {
  while (running) {
    await sleep(ARTICLE_EVERY_S * 1000);
    if (!running) break;
    while (killing) await sleep(10);
    busyCurator = true;
    try {
      await createArticle();
      while (live.length > WINDOW) await deleteArticle(live[0]);
    } finally { busyCurator = false; }
  }
}

async function killLoop() {
  while (running) {
    const wake = tStart + (kills.length + 1) * KILL_EVERY_S * 1000;
    while (running && Date.now() < wake) await sleep(200);
    if (!running) break;
    killing = true;
    while (busyCurator) await sleep(10);
    try {
      const s = await stats();
      const cands = s.workers.filter((w) => w.pid > 0 && w.role === "active" && (w.state === "idle" || w.state === "busy"));
      const w = cands[Math.floor(Math.random() * cands.length)];
      kills.push({ t: Date.now(), pid: w.pid, role: w.role, state: w.state });
      process.kill(w.pid, "SIGKILL");
      // the pool is back at full strength before the curator may subscribe again
      for (const t0 = Date.now(); Date.now() - t0 < 10000; await sleep(50)) {
        const s2 = await stats();
        if (s2.workers.filter((x) => x.pid > 0 && x.role === "active" && x.state !== "forking").length >= cands.length &&
            s2.workers.some((x) => x.role === "spare" && x.state === "idle") && !s2.workers.some((x) => x.pid === w.pid)) break;
      }
    } finally { killing = false; }
  }
}

const loops = [...Array.from({ length: CONCURRENCY }, (_, i) => loadLoop(i)), curatorLoop(), killLoop()];
for (let min = 1; Date.now() < tEnd; min++) {
  while (Date.now() < Math.min(tEnd, tStart + min * SAMPLE_MS)) {
    await sleep(500);
    if (srvExit) throw new Error(`the server exited: ${JSON.stringify(srvExit)}`);
  }
  await sample(min);
  const s = samples[samples.length - 1];
  const n = results.filter((r) => r.t1 > tStart + (min - 1) * SAMPLE_MS && r.t1 <= tStart + min * SAMPLE_MS);
  log(`minute ${min}: ${n.length} requests, ${n.filter((r) => !ok(r)).length} failed, RSS sup ${s.sup} KB, zygote ${s.zyg} KB, workers ${s.workers.map((w) => w.kb).join("/")} KB, client ${s.client} KB, ${closes} cable closes`);
}
running = false;
await Promise.all(loops);
await sleep(10000); // the last broadcasts arrive
const tStop = Date.now();

// ---------------------------------------------------------------- checks
const failed = results.filter((r) => !ok(r));
const explained = new Set();
const killRows = [];
for (const k of kills) {
  const d = deaths.find((x) => x.pid === k.pid);
  const cost = d && /running/.test(d.what) ? 1 : 0;
  const hit = failed.filter((r) => !explained.has(r) && r.status === 500 && r.t0 <= k.t + 5 && r.t1 >= k.t - 5);
  const take = hit.slice(0, cost);
  for (const r of take) explained.add(r);
  killRows.push({ ...k, logged: d ? d.what : "(no log line)", cost, matched: take.length });
}
const unexplained = failed.filter((r) => !explained.has(r));
const killMismatch = killRows.filter((k) => k.cost !== k.matched);
const expectConns = conns.length;
let lostComments = 0, lostArticles = 0, dupDeliveries = 0;
for (const c of ackedComments) {
  const n = got.get(c.marker) || 0;
  if (n < expectConns) lostComments += expectConns - n; else dupDeliveries += n - expectConns;
}
for (const m of ackedArticles) {
  const n = got.get(m) || 0;
  if (n < expectConns) lostArticles += expectConns - n; else dupDeliveries += n - expectConns;
}
const openAtEnd = conns.filter((c) => c.ws.readyState === WebSocket.OPEN).length;
closing = true;
for (const c of conns) c.ws.terminate();
srv.kill("SIGTERM");
for (const t0 = Date.now(); !srvExit && Date.now() - t0 < 20000; await sleep(50));

// least squares slope (KB per minute) of (min, kb) pairs
function slope(pts) {
  const n = pts.length;
  if (n < 2) return NaN;
  const mx = pts.reduce((s, p) => s + p[0], 0) / n, my = pts.reduce((s, p) => s + p[1], 0) / n;
  const sxx = pts.reduce((s, p) => s + (p[0] - mx) ** 2, 0), sxy = pts.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  return sxy / sxx;
}
const avg = (a) => (a.length ? a.reduce((s, x) => s + x, 0) / a.length : NaN);
const loaded = samples.filter((s) => s.min >= 1);
const warm = samples.filter((s) => s.min >= Math.min(5, Math.floor(MINUTES / 3) || 1));
const kinds = {
  supervisor: (s) => s.sup,
  zygote: (s) => s.zyg,
  "worker (mean)": (s) => avg(s.workers.filter((w) => w.role !== "spare").map((w) => w.kb)),
  "spare": (s) => avg(s.workers.filter((w) => w.role === "spare").map((w) => w.kb)),
  // only the samples that caught every process (not a replacement in flight)
  "all server processes": (s) => (s.workers.length < WORKERS + 1 ? NaN : s.sup + s.zyg + s.workers.reduce((x, w) => x + w.kb, 0)),
  "load client (node)": (s) => s.client,
};

const lines = [];
const out = (s = "") => { lines.push(s); console.log(s); };
const fmt = (v) => (Number.isFinite(v) ? v.toFixed(1) : "-");
out(`# Soak: the demo blog, production, ${WORKERS} workers, ${MINUTES} min`);
out("");
out(`${new Date(tStart).toISOString()} .. ${new Date(tStop).toISOString()}, quickrail ${BIN.replace(ROOT + "/", "")}, host ${os.hostname()} (${os.cpus().length} cores, load average at the end ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}).`);
out(`Load: ${RPS} req/s from ${CONCURRENCY} keep-alive clients (${Math.round(INDEX_SHARE * 100)} % index, ${Math.round(COMMENT_SHARE * 100)} % comments through the form, the rest show pages), an article created every ${ARTICLE_EVERY_S} s and the oldest deleted beyond ${WINDOW}; ${CABLES} Action Cable connections subscribed to \`articles\` and to the comment stream of every live soak article; a worker SIGKILLed every ${KILL_EVERY_S} s.`);
out("");
out("| minute | requests | failed | p50 ms | p99 ms | supervisor KB | zygote KB | workers KB | client KB |");
out("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
for (const s of samples) {
  const n = results.filter((r) => r.t1 > tStart + (s.min - 1) * SAMPLE_MS && r.t1 <= tStart + s.min * SAMPLE_MS);
  const lat = summarize(n.map((r) => r.t1 - r.t0));
  out(`| ${s.min} | ${s.min ? n.length : "-"} | ${s.min ? n.filter((r) => !ok(r)).length : "-"} | ${s.min ? lat.p50 : "-"} | ${s.min ? lat.p99 : "-"} | ${s.sup} | ${s.zyg} | ${s.workers.map((w) => `${w.kb}${w.role === "spare" ? "s" : ""}`).join(" / ")} | ${s.client} |`);
}
out("");
out("Memory slope (least squares over the per-minute samples; workers: the mean of the active workers, which the kills replace; `s` marks the warm spare):");
out("");
out(`| process | KB at minute 1 | KB at the end | slope KB/min (minutes 1-${MINUTES}) | slope KB/min (minutes ${warm[0]?.min}-${MINUTES}) |`);
out("|---|---:|---:|---:|---:|");
for (const [k, f] of Object.entries(kinds)) {
  out(`| ${k} | ${fmt(f(loaded[0] || samples[0]))} | ${fmt(f(samples[samples.length - 1]))} | ${fmt(slope(loaded.map((s) => [s.min, f(s)]).filter((p) => Number.isFinite(p[1]))))} | ${fmt(slope(warm.map((s) => [s.min, f(s)]).filter((p) => Number.isFinite(p[1]))))} |`);
}
out("");
const byKind = {};
for (const r of results) (byKind[r.kind] ||= []).push(r);
out(`Requests: ${results.length} (${Object.entries(byKind).map(([k, v]) => `${k} ${v.length}`).join(", ")}); latency ${JSON.stringify(summarize(results.map((r) => r.t1 - r.t0)))} ms.`);
out(`Failed requests: ${failed.length}, of which ${explained.size} were hit by the injected kills (each matched to a "died while running request" line) and **${unexplained.length} other errors**${unexplained.length ? ": " + unexplained.slice(0, 10).map((r) => `${r.kind} ${r.status} ${r.error || ""} at +${Math.round((r.t0 - tStart) / 1000)} s`).join("; ") : ""}.`);
out(`Kills: ${kills.length} (${killRows.map((k) => `+${Math.round((k.t - tStart) / 1000)} s pid ${k.pid} ${k.role}/${k.state}: ${k.logged}, cost ${k.cost}, matched ${k.matched}`).join("; ")})${killMismatch.length ? ` — **${killMismatch.length} kills whose cost does not match the failed requests**` : ""}.`);
out(`Broadcasts: ${ackedArticles.length} acknowledged articles and ${ackedComments.length} acknowledged comments, each expected on all ${expectConns} connections (${(ackedArticles.length + ackedComments.length) * expectConns} deliveries checked, ${cableMessages} cable messages received in all): **${lostArticles + lostComments} lost** (${lostArticles} article, ${lostComments} comment), ${dupDeliveries} duplicated.`);
out(`Cable connections: ${openAtEnd} of ${expectConns} open at the end, ${closes} closed during the run, ${rejected} subscriptions rejected${cableErrors.length ? ` (${cableErrors.slice(0, 5).join("; ")})` : ""}.`);
out(`Server WARN/ERROR lines other than the kills': ${warnings.length}${warnings.length ? "\n\n```text\n" + warnings.slice(0, 15).join("\n") + "\n```" : ""}`);
out(`Server exit: ${JSON.stringify(srvExit)}.`);
const pass = unexplained.length === 0 && killMismatch.length === 0 && lostArticles + lostComments === 0 && dupDeliveries === 0 && closes === 0 && rejected === 0 && openAtEnd === expectConns;
out("");
out(`Result: ${pass ? "PASS" : "FAIL"}`);
if (process.env.SOAK_REPORT !== "0") {
  const file = path.join(ROOT, "bench", "results", `soak-${new Date(tStart).toISOString().slice(0, 10)}.md`);
  fs.writeFileSync(file, lines.join("\n") + "\n");
  log(`report written to ${path.relative(ROOT, file)}`);
}
fs.rmSync(tmp, { recursive: true, force: true });
process.exit(pass ? 0 : 1);
