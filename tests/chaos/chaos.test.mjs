// The chaos suite: the blog (4 workers, SQLite) under steady HTTP load with >= 500 Action Cable
// connections subscribed to the articles stream and several comment streams; each fault type
// injected CHAOS_N times (100 by `tests/chaos/run.sh`, 20 by `--ci`); after every injection a
// probe comment is posted and every subscriber must receive its broadcast. Then a restart storm
// and whole-server kill -9 during a write burst. Prints a table per fault type and writes it to
// test-artifacts/chaos/. Real sockets on 127.0.0.1 only; everything bounded in count and time.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { Server, prepareApp, baseEnv, roles, ROOT, BIN } from "./lib/server.mjs";
import { BlogClient, streamIdentifiers, streamName } from "./lib/blog.mjs";
import { CableHolder } from "./lib/cable.mjs";
import { LoadGenerator, isOk } from "./lib/load.mjs";
import { FAULTS, settle } from "./lib/faults.mjs";
import * as db from "./lib/db.mjs";
import { replacementStats, ReplacementSampler, restartCount, table, histogram, distLine } from "./lib/report.mjs";
import { summarize, fmtMs, sleep, request, rssKb, alive } from "./lib/util.mjs";

const N = Number(process.env.CHAOS_N || 100);
const CABLES = Number(process.env.CHAOS_CABLES || 500);
const WORKERS = Number(process.env.CHAOS_WORKERS || 4);
const DEADLINE_MS = Number(process.env.CHAOS_DEADLINE_MS || 1000);
const RPS = Number(process.env.CHAOS_RPS || 30);
const CRASHES = Number(process.env.CHAOS_CRASHES || (N >= 100 ? 10 : 3));
const STORM_MS = Number(process.env.CHAOS_STORM_MS || (N >= 100 ? 20000 : 8000));
const ONLY = process.env.CHAOS_ONLY ? process.env.CHAOS_ONLY.split(",") : null;
const ART = path.join(ROOT, "test-artifacts", "chaos");
fs.mkdirSync(ART, { recursive: true });
const report = [];
const out = (s = "") => { report.push(s); };

const ctx = { workers: WORKERS, deadlineMs: DEADLINE_MS, halfDoneTags: [] };
let app, env, server, cable, load, probeClient, indexIds = [], allIds = [];
const rows = [];
const json = { config: { N, CABLES, WORKERS, DEADLINE_MS, RPS, CRASHES, STORM_MS, memoryLimit: process.env.CHAOS_MEMORY_LIMIT || "64m (default)", bin: BIN }, faults: {} };
let setupError = null;
let probeSeq = 0;
const procSamples = [];
let sampler = null;
const live = new Set(); // every server started by the storm and crash tests, stopped in after()
const replacements = new ReplacementSampler();

function mainEnv() {
  return baseEnv({
    QUICKRAIL_DEADLINE_MS: String(DEADLINE_MS),
    // the default 64 MiB (a blog worker's heap is ~26 MiB after a few thousand requests, so a
    // much smaller limit would fail ordinary pages too); CHAOS_MEMORY_LIMIT overrides
    ...(process.env.CHAOS_MEMORY_LIMIT ? { QUICKRAIL_MEMORY_LIMIT: process.env.CHAOS_MEMORY_LIMIT } : {}),
    // The main run injects hundreds of crashes on purpose: a budget that does not trip here
    // (the storm test below runs with a small one).
    QUICKRAIL_RESTART_MAX: "1000000",
    QUICKRAIL_RESTART_PERIOD_MS: "1000",
    QUICKRAIL_LOG_LEVEL: "info",
  });
}

before(async () => {
  try {
    env = mainEnv();
    app = prepareApp(env);
    env.CHAOS_DIR = app.markers;
    env.CHAOS_DB = app.dbFile;
    ctx.markers = app.markers;
    out(`app: ${app.app} (${app.madeBy}); database ${app.dbFile}`);
    server = new Server({ app: app.app, env, workers: WORKERS, logFile: path.join(ART, "server-main.log") });
    await server.start();
    ctx.server = server;
    ctx.faultAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });

    // Articles: three probe articles (their comment streams are watched) and six for load.
    const admin = new BlogClient(server.port, new http.Agent({ keepAlive: true, maxSockets: 1 }));
    const ids = [];
    for (let i = 0; i < 9; i++) ids.push(await admin.createArticle(`Chaos article ${i + 1}`, `Body of chaos article ${i + 1}, long enough.`));
    ctx.probeArticles = ids.slice(0, 3);
    const loadArticles = ids.slice(3);
    ctx.loadArticles = loadArticles;
    const index = await admin.get("/articles");
    indexIds = streamIdentifiers(index.body);
    const showIds = [];
    for (const id of ctx.probeArticles) showIds.push(...await admin.show(id));
    allIds = [...new Set([...indexIds, ...showIds])];
    out(`streams subscribed by every connection: ${allIds.map(streamName).join(", ")}`);
    if (!indexIds.length) throw new Error("the index page carries no <turbo-cable-stream-source>");
    probeClient = admin;

    cable = new CableHolder({ port: server.port, count: CABLES, identifiers: allIds });
    const ms = await cable.open();
    out(`${CABLES} Action Cable connections open, ${cable.subscriptions()} subscriptions confirmed in ${ms} ms`);

    load = new LoadGenerator({ port: server.port, articleIds: loadArticles, rps: RPS, concurrency: 6 });
    await load.prepare();
    load.start();
    sampler = setInterval(() => {
      const tree = server.tree();
      procSamples.push({ n: tree.length + 1, rssKb: rssKb(server.pid) + tree.reduce((s, p) => s + rssKb(p.pid), 0) });
    }, 500);
    await sleep(1000);
  } catch (e) {
    setupError = e;
  }
});

after(async () => {
  clearInterval(sampler);
  try { await load?.stop(); } catch {}
  try { await cable?.close(); } catch {}
  try { await server?.stop(); } catch {}
  for (const s of live) { if (!s.exit) s.killAll(); }
  ctx.faultAgent?.destroy();
  const text = report.join("\n");
  fs.writeFileSync(path.join(ART, "report.txt"), text + "\n");
  fs.writeFileSync(path.join(ART, "report.json"), JSON.stringify(json, null, 2));
  if (app && !process.env.CHAOS_KEEP) fs.rmSync(app.dir, { recursive: true, force: true });
});

function need() {
  if (setupError) throw setupError;
}

async function probe(label) {
  const marker = `chaos-probe-${++probeSeq}`;
  const art = ctx.probeArticles[probeSeq % ctx.probeArticles.length];
  const since = Date.now();
  const r = await probeClient.comment(art, `${marker} after ${label}`);
  const acked = isOk(r);
  (acked ? probeAcked : probeUnacked).push(`${marker} after ${label}`);
  const w = await cable.waitProbe(marker, since, indexIds, 10000);
  return { acked, status: r.status || r.error, ...w };
}
const probeAcked = [], probeUnacked = [];
const cleaned = new Set(); // acknowledged comments verified present, then deleted between phases
let verifiedTotal = 0;

async function runFault(fault) {
  const st0 = await server.stats();
  const restarts0 = restartCount(st0);
  const phase = new ReplacementSampler();
  phase.note(st0); replacements.note(st0);
  const closed0 = cable.closes.length;
  const loadSockClosed0 = load.sockets.closed;
  const t0 = Date.now();
  const faulted = [], probes = [];
  const settleMs = [], timing = [];
  for (let i = 0; i < N; i++) {
    if (server.exit) throw new Error(`the server exited during the run (${JSON.stringify(server.exit)}); last lines:\n${server.tail(20)}`);
    const a = performance.now();
    settleMs.push(await settle(ctx));
    const b = performance.now();
    const r = await fault.inject(ctx, i);
    faulted.push(r);
    const c = performance.now();
    probes.push(await probe(fault.name));
    const d = performance.now();
    const st = await server.stats();
    phase.note(st); replacements.note(st);
    timing.push([b - a, c - b, d - c, performance.now() - d]);
  }
  await sleep(300); // let in-flight load requests of this phase finish
  const t1 = Date.now();
  const st1 = await server.stats();
  phase.note(st1); replacements.note(st1);
  const restarts1 = restartCount(st1);
  const newSamples = phase.samplesMs;
  const loadRes = load.window(t0, t1);
  const loadFailed = loadRes.filter((r) => !isOk(r));
  const collateralOk = fault.collateral ? loadFailed.filter((r) => r.status >= 500).length <= N : false;
  const integrity = db.integrity(app.dbFile);
  const acked = [...load.acked, ...probeAcked].filter((b) => !cleaned.has(b));
  const missing = db.missingComments(app.dbFile, acked);
  const halfDone = db.halfDoneRows(app.dbFile);
  // Keep the data set steady across phases: remove what this phase verified.
  const verified = acked.filter((b) => !missing.includes(b));
  db.deleteComments(app.dbFile, verified);
  for (const b of verified) cleaned.add(b);
  verifiedTotal += verified.length;
  const probeMiss = probes.filter((p) => p.missingMarker || p.missingSince);
  const bms = summarize(probes.map((p) => p.ms));
  const fms = summarize(faulted.map((f) => f.ms));
  const row = {
    fault: fault.name, n: N,
    faultedOk: faulted.filter((f) => f.ok).length,
    faultedStatuses: [...new Set(faulted.map((f) => String(f.status)))].join("/"),
    faultMsP50: fms.p50, faultMsMax: fms.max,
    faultConnReused: faulted.filter((f) => f.reused).length,
    load: loadRes.length, loadFailed: loadFailed.length,
    loadFailedDetail: [...new Set(loadFailed.map((r) => `${r.kind}:${r.status || r.error}`))].slice(0, 5).join(" "),
    collateral: fault.collateral ? loadFailed.length : 0,
    loadSockClosed: load.sockets.closed - loadSockClosed0,
    wsClosed: cable.closes.length - closed0, wsOpen: cable.openCount(),
    probesAcked: probes.filter((p) => p.acked).length,
    probesDelivered: probes.length - probeMiss.length,
    probeMissing: probeMiss.reduce((s, p) => s + p.missingMarker + p.missingSince, 0),
    bcastP50: bms.p50, bcastMax: bms.max,
    missing: missing.length, halfDone, integrity,
    restarts: restarts0 != null && restarts1 != null ? restarts1 - restarts0 : "?",
    replSamples: newSamples,
    ms: t1 - t0,
    settleMax: Math.max(...settleMs), unsettled: settleMs.filter((x) => x < 0).length,
  };
  rows.push(row);
  const tp = (k) => summarize(timing.map((x) => x[k])).p50;
  row.timing = { settle: tp(0), inject: tp(1), probe: tp(2), stats: tp(3) };
  json.faults[fault.name] = { ...row, faulted };
  return { row, collateralOk, faulted, missing };
}

for (const fault of FAULTS) {
  if (ONLY && !ONLY.includes(fault.name)) continue;
  test(`${fault.name} (${fault.what}) x${N} under load with ${CABLES} cable connections`, async (t) => {
    need();
    const { row, collateralOk, faulted, missing } = await runFault(fault);
    t.diagnostic(JSON.stringify({ ...row, replSamples: row.replSamples.length }));
    const bad = faulted.filter((f) => !f.ok).slice(0, 3);
    assert.equal(row.faultedOk, N, `every injection must have the expected outcome; e.g. ${JSON.stringify(bad)}`);
    assert.equal(row.wsClosed, 0, "no WebSocket connection may close");
    assert.equal(row.probesAcked, N, "every probe comment after a fault must be acknowledged");
    assert.equal(row.probeMissing, 0, "every subscriber must receive the next broadcast after each fault");
    if (fault.collateral) {
      assert.ok(collateralOk, `at most the request each killed worker held may fail: ${row.loadFailedDetail}`);
    } else {
      assert.equal(row.loadFailed, 0, `every request that was not faulted must succeed: ${row.loadFailedDetail}`);
    }
    assert.deepEqual(missing.slice(0, 5), [], "every acknowledged comment must exist");
    assert.equal(row.halfDone, 0, "no row of a half-done transaction may be visible");
    assert.equal(row.integrity, "ok", "PRAGMA integrity_check");
  });
}

test("worker replacement latency p50 < 1 ms, p99 < 5 ms (stats endpoint)", async (t) => {
  need();
  const st = await server.stats();
  fs.writeFileSync(path.join(ART, "stats-main.json"), JSON.stringify(st, null, 2));
  assert.ok(st, "GET /__quickrail/stats must answer JSON (QUICKRAIL_STATS=1)");
  const r = replacementStats(st);
  const fork = st.fork_to_ready_ns ? { p50: st.fork_to_ready_ns.p50 / 1e6, p99: st.fork_to_ready_ns.p99 / 1e6, count: st.fork_to_ready_ns.count } : null;
  json.replacement = { server: r, collected: replacements.samplesMs, skipped: replacements.skipped, forkToReady: fork };
  t.diagnostic(`server-reported replacement latency: ${JSON.stringify(r)}; collected ${distLine(replacements.samplesMs)}; fork->ready ${JSON.stringify(fork)}`);
  assert.ok(r && r.count > 0, `the stats endpoint must carry replacement_ns samples; got keys ${Object.keys(st || {}).join(",")}`);
  assert.ok(r.p50 < 1, `p50 ${r.p50} ms must be < 1 ms`);
  assert.ok(r.p99 < 5, `p99 ${r.p99} ms must be < 5 ms`);
  const d = summarize(replacements.samplesMs);
  if (d.n) { assert.ok(d.p50 < 1, `collected p50 ${d.p50} ms`); assert.ok(d.p99 < 5, `collected p99 ${d.p99} ms`); }
});

test("after all faults: every acknowledged comment exists, no half-done rows, integrity ok, bounded processes", async (t) => {
  need();
  await load.stop();
  const acked = [...load.acked, ...probeAcked].filter((b) => !cleaned.has(b));
  const missing = db.missingComments(app.dbFile, acked);
  const integrity = db.integrity(app.dbFile);
  const halfDone = db.halfDoneRows(app.dbFile);
  const maxProcs = Math.max(...procSamples.map((p) => p.n));
  const maxRss = Math.max(...procSamples.map((p) => p.rssKb));
  json.totals = { acked: acked.length + verifiedTotal, unacked: load.unacked.length + probeUnacked.length, missing: missing.length, integrity, halfDone, maxProcs, maxRssKb: maxRss,
    loadRequests: load.results.length, loadFailed: load.results.filter((r) => !isOk(r)).length, wsClosed: cable.closes.length, wsOpen: cable.openCount(),
    journal: db.pragma(app.dbFile, "journal_mode") };
  t.diagnostic(JSON.stringify(json.totals));
  assert.deepEqual(missing.slice(0, 5), []);
  assert.equal(halfDone, 0);
  assert.equal(integrity, "ok");
  assert.equal(cable.closes.length, 0, "no WebSocket closed during the whole run");
  assert.ok(maxProcs <= 2 * WORKERS + 3, `process count stayed bounded (max ${maxProcs})`);
});

// ---------------------------------------------------------------------------------------------
test("restart storm: budget trips -> 503 + Retry-After, one log line per backoff step, bounded, recovers", async (t) => {
  need();
  await cable.close();
  await server.stop();
  const stormEnv = { ...env, QUICKRAIL_RESTART_MAX: "10", QUICKRAIL_RESTART_PERIOD_MS: "2000", QUICKRAIL_DEADLINE_MS: String(DEADLINE_MS) };
  const s = new Server({ app: app.app, env: stormEnv, workers: WORKERS, logFile: path.join(ART, "server-storm.log") });
  live.add(s);
  await s.start();
  const tStart = Date.now();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const statuses = new Map();
  let retryAfter = 0, firstTrip = null, requests = 0, maxProcs = 0, maxRss = 0;
  let running = true;
  const sample = setInterval(() => {
    const tree = s.tree();
    maxProcs = Math.max(maxProcs, tree.length + 1);
    maxRss = Math.max(maxRss, rssKb(s.pid) + tree.reduce((a, p) => a + rssKb(p.pid), 0));
  }, 50);
  const st0 = await s.stats();
  const r0 = restartCount(st0) ?? 0;
  const crashers = Array.from({ length: 8 }, async () => {
    while (running) {
      const r = await request(s.port, { path: "/__chaos/segv", agent, timeout: 10000 });
      requests++;
      statuses.set(r.status || r.error, (statuses.get(r.status || r.error) || 0) + 1);
      if (r.status === 503) {
        if (r.headers["retry-after"]) retryAfter++;
        if (!firstTrip) firstTrip = Date.now() - tStart;
        await sleep(20);
      }
    }
  });
  await sleep(STORM_MS);
  running = false;
  await Promise.all(crashers);
  const stormEnd = Date.now();
  const st1 = await s.stats();
  const restarts = (restartCount(st1) ?? 0) - r0;
  // Recovery: the faults have stopped; the server must serve the blog again by itself.
  let recoveredMs = -1;
  while (Date.now() - stormEnd < 60000) {
    const r = await request(s.port, { path: "/articles", timeout: 5000 });
    if (r.status === 200) { recoveredMs = Date.now() - stormEnd; break; }
    await sleep(100);
  }
  clearInterval(sample);
  const lines = s.linesSince(tStart);
  const backoffLines = lines.filter((l) => /restart budget exceeded|backoff step|too many restarts/i.test(l));
  fs.writeFileSync(path.join(ART, "storm-backoff-lines.txt"), backoffLines.join("\n") + "\n");
  agent.destroy();
  await s.stop();
  const storm = { durationMs: STORM_MS, requests, statuses: Object.fromEntries(statuses), retryAfter503: retryAfter, firstTripMs: firstTrip,
    restarts, restartsPerSec: +(restarts / (STORM_MS / 1000)).toFixed(1), backoffLogLines: backoffLines.length, sampleLines: backoffLines.slice(0, 6),
    maxProcs, maxRssKb: maxRss, recoveredMs };
  json.storm = storm;
  t.diagnostic(JSON.stringify(storm));
  assert.ok((statuses.get(503) || 0) > 0, "the restart budget must trip: 503 answers");
  assert.equal(retryAfter, statuses.get(503) || 0, "every 503 carries Retry-After");
  assert.ok(backoffLines.length >= 1, "a log line per backoff step");
  assert.ok(backoffLines.length <= Math.max(20, STORM_MS / 100), "not a flood of log lines");
  // supervisor + zygote + workers + spare, plus at most one exiting process per slot while it is
  // replaced: a fork storm would show many more
  assert.ok(maxProcs <= 2 * WORKERS + 3, `process count bounded (max ${maxProcs})`);
  assert.ok(maxRss < 1024 * 1024, `memory bounded (max RSS of all server processes ${maxRss} kB)`);
  assert.ok(restarts / (STORM_MS / 1000) < 50, `restart rate bounded (${storm.restartsPerSec}/s)`);
  assert.ok(recoveredMs >= 0, "the server recovers by itself when the faults stop");
});

// ---------------------------------------------------------------------------------------------
test(`whole-server crash: kill -9 of supervisor and all children during a write burst, x${CRASHES}`, async (t) => {
  need();
  const results = [];
  const crashEnv = { ...env, QUICKRAIL_DEADLINE_MS: "15000" }; // the default: this test is about the disk
  for (let k = 0; k < CRASHES; k++) {
    const s = new Server({ app: app.app, env: crashEnv, workers: WORKERS, logFile: path.join(ART, "server-crash.log") });
    live.add(s);
    await s.start();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
    const clients = [];
    for (let i = 0; i < 16; i++) {
      const c = new BlogClient(s.port, agent);
      await c.show(ctx.probeArticles[i % ctx.probeArticles.length]);
      clients.push(c);
    }
    const acked = [], failed = [];
    let running = true, seq = 0;
    const writers = clients.map(async (c, i) => {
      while (running) {
        const body = `chaos-crash-${k}-${i}-${++seq}`;
        const r = await c.comment(ctx.probeArticles[i % ctx.probeArticles.length], body);
        (isOk(r) ? acked : failed).push(body);
        if (!isOk(r)) await sleep(10);
      }
    });
    // the burst is under way (some writes acknowledged), then the kill comes at a random moment
    const burstStart = Date.now();
    while (acked.length < 20 && Date.now() - burstStart < 15000) await sleep(10);
    await sleep(200 + Math.random() * 800);
    const killed = s.killAll();
    await s.waitExit();
    await sleep(50);
    running = false;
    await Promise.all(writers);
    agent.destroy();
    let survivors = killed;
    for (let w = 0; w < 100 && survivors.length; w++) { survivors = killed.filter(alive); if (survivors.length) await sleep(20); }
    const integrity = db.integrity(app.dbFile);
    const missing = db.missingComments(app.dbFile, acked);
    // Start again on the same files: it must come up and serve the acknowledged comments.
    const s2 = new Server({ app: app.app, env: crashEnv, workers: WORKERS, logFile: path.join(ART, "server-crash.log") });
    live.add(s2);
    await s2.start();
    const page = await request(s2.port, { path: `/articles/${ctx.probeArticles[0]}` });
    await s2.stop();
    const onFirst = acked.filter((b) => Number(b.split("-")[3]) % ctx.probeArticles.length === 0);
    const shown = onFirst.filter((b) => page.body.includes(b)).length;
    // keep the data set steady for the next round: remove what this round verified
    if (!missing.length) db.deleteComments(app.dbFile, acked);
    results.push({ round: k, acked: acked.length, failedOrCut: failed.length, killed: killed.length, survivors: survivors.length,
      integrity, missing: missing.length, restartStatus: page.status, shownAfterRestart: shown, ackedOnShownArticle: onFirst.length });
  }
  json.crash = { rounds: results, synchronous: "see docs/failure-model.md" };
  t.diagnostic(JSON.stringify(results));
  for (const r of results) {
    assert.equal(r.survivors, 0, "every process was killed");
    assert.equal(r.integrity, "ok");
    assert.equal(r.missing, 0, "every acknowledged write is present after the crash");
    assert.equal(r.restartStatus, 200, "the server starts again on the same database");
    assert.ok(r.acked > 0, "the burst wrote something before the kill");
    assert.equal(r.shownAfterRestart, r.ackedOnShownArticle, "the restarted server shows every acknowledged comment");
  }
});

// ---------------------------------------------------------------------------------------------
test("report", () => {
  out("");
  out(`## quickrail chaos: ${N} injections per fault, ${WORKERS} workers, SQLite, ${CABLES} Action Cable connections, load ${RPS} req/s, deadline ${DEADLINE_MS} ms, memory limit ${json.config.memoryLimit}`);
  out("");
  const headers = ["fault", "n", "faulted as expected", "faulted status", "fault ms p50/max", "load ok/total", "ws closed", "next broadcast reached all", "bcast ms p50/max", "acked missing", "half-done rows", "integrity", "restarts", "replacement p50/p99 ms"];
  out(table(headers, rows.map((r) => {
    const d = summarize(r.replSamples);
    return [r.fault, r.n, `${r.faultedOk}/${r.n}`, r.faultedStatuses, `${fmtMs(r.faultMsP50, 1)}/${fmtMs(r.faultMsMax, 1)}`,
      `${r.load - r.loadFailed}/${r.load}${r.collateral ? ` (${r.collateral} held by killed worker)` : ""}`,
      r.wsClosed, `${r.probesDelivered}/${r.n} (${CABLES} subs)`, `${fmtMs(r.bcastP50, 0)}/${fmtMs(r.bcastMax, 0)}`,
      r.missing, r.halfDone, r.integrity, r.restarts, d.n ? `${fmtMs(d.p50, 3)}/${fmtMs(d.p99, 3)} (n=${d.n})` : "-"];
  })));
  if (json.replacement) {
    const r = json.replacement.server;
    out("");
    if (r) out(`worker replacement latency, supervisor saw the death -> a ready worker took over (stats replacement_ns over its last ${r.count} replacements): p50 ${fmtMs(r.p50, 3)} ms, p99 ${fmtMs(r.p99, 3)} ms, max ${fmtMs(r.max, 3)} ms`);
    out(`one sample per replacement collected by the suite: ${distLine(json.replacement.collected)} (${json.replacement.skipped} not sampled)`);
    out(histogram(json.replacement.collected));
    if (json.replacement.forkToReady) out(`fork of the next spare -> ready (background): p50 ${fmtMs(json.replacement.forkToReady.p50, 3)} ms, p99 ${fmtMs(json.replacement.forkToReady.p99, 3)} ms (n=${json.replacement.forkToReady.count})`);
  }
  if (json.totals) {
    out("");
    out(`totals: ${json.totals.loadRequests} load requests (${json.totals.loadFailed} failed), ${json.totals.acked} acknowledged comments (${json.totals.missing} missing), ` +
      `${json.totals.wsClosed} WebSocket closes, half-done rows ${json.totals.halfDone}, integrity ${json.totals.integrity}, journal ${json.totals.journal}, ` +
      `max processes ${json.totals.maxProcs}, max RSS ${(json.totals.maxRssKb / 1024).toFixed(1)} MB`);
  }
  if (json.storm) {
    const s = json.storm;
    out("");
    out(`restart storm (${s.durationMs} ms of /__chaos/segv x8 in flight, budget 10 restarts / 2 s): ${s.requests} requests ${JSON.stringify(s.statuses)}; ` +
      `503 with Retry-After ${s.retryAfter503}; first 503 after ${s.firstTripMs} ms; restarts ${s.restarts} (${s.restartsPerSec}/s); ` +
      `backoff log lines ${s.backoffLogLines}; max processes ${s.maxProcs}; max RSS ${(s.maxRssKb / 1024).toFixed(1)} MB; recovered ${s.recoveredMs} ms after the faults stopped`);
    for (const l of s.sampleLines) out(`    ${l}`);
  }
  if (json.crash) {
    out("");
    out("whole-server kill -9 during a write burst (16 writers):");
    out(table(["round", "acked writes", "not acked (cut by the kill or refused after it)", "pids killed", "survivors", "integrity_check", "acked missing", "after restart: GET show", "acked shown"],
      json.crash.rounds.map((r) => [r.round, r.acked, r.failedOrCut, r.killed, r.survivors, r.integrity, r.missing, r.restartStatus, `${r.shownAfterRestart}/${r.ackedOnShownArticle}`])));
  }
});
