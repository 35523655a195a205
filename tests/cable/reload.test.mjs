// Zero-downtime reload under load: SIGHUP while clients fire requests continuously, 200
// @rails/actioncable consumers hold Turbo stream subscriptions and a broadcaster posts
// numbered broadcasts through the app. Every request succeeds, no WebSocket closes, every
// acknowledged broadcast reaches every subscriber, and the new code serves once it is done.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { start, FIXTURE_APP } from "./lib/server.mjs";
import { createConsumer, subscribe } from "./lib/actioncable.mjs";
import { token } from "./lib/raw.mjs";

const SOCKETS = 200;
const LOADERS = 4;

// The cable fixture app plus GET /version answering VERSION (rewritten to reload).
function appWithVersion(dir, version) {
  const src = fs.readFileSync(path.join(FIXTURE_APP, "app.js"), "utf8");
  const patched = `const VERSION = ${JSON.stringify(version)};\n` +
    src.replace('case "/__ready":', 'case "/version":\n        return text(VERSION);\n      case "/__ready":');
  assert.notEqual(patched.indexOf('"/version"'), -1);
  fs.writeFileSync(path.join(dir, "app.js"), patched);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("SIGHUP under load with 200 subscribed WebSockets: 0 failed requests, 0 closed sockets, 0 missed broadcasts", async (t) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-hup-"));
  appWithVersion(dir, "v1");
  const server = await start({ app: dir, workers: 2 });
  const consumers = [];
  try {
    const tok = await token(server, "reload-room");
    const subs = [];
    let closed = 0;
    for (let i = 0; i < SOCKETS; i += 50) {
      const batch = [];
      for (let j = i; j < Math.min(SOCKETS, i + 50); j++) {
        const c = createConsumer(`ws://127.0.0.1:${server.port}/cable`, server.origin);
        consumers.push(c);
        batch.push(subscribe(c, { channel: "Turbo::StreamsChannel", signed_stream_name: tok }, 20000));
      }
      subs.push(...(await Promise.all(batch)));
    }
    assert.ok(subs.every((s) => s.status === "connected"));
    for (const c of consumers) c.connection.webSocket.addEventListener("close", () => closed++);

    let running = true, failed = 0, served = 0;
    const answers = []; // [time the request was sent, body]
    const loader = async () => {
      while (running) {
        const sent = performance.now();
        try {
          const r = await fetch(server.url + "/version");
          const body = await r.text();
          if (r.status !== 200) failed++;
          else { served++; answers.push([sent, body]); }
        } catch { failed++; }
      }
    };
    const acked = [], ackedAt = [];
    let seq = 0, bfailed = 0;
    const broadcaster = async () => {
      while (running) {
        const n = ++seq;
        try {
          const r = await fetch(`${server.url}/broadcast?stream=reload-room`, { method: "POST", body: `b${n}` });
          await r.text();
          if (r.status === 200) { acked.push(`b${n}`); ackedAt.push(performance.now()); } else bfailed++;
        } catch { bfailed++; }
        await sleep(20);
      }
    };
    const loops = [...Array(LOADERS)].map(loader).concat(broadcaster());
    await sleep(300);
    appWithVersion(dir, "v2");
    const from = server.logs().length;
    const t0 = performance.now();
    server.proc.kill("SIGHUP");
    await server.waitForLog(/Reload done: \d+ workers? replaced in ([\d.]+) ms/, 20000, { from });
    const tDone = performance.now();
    // keep the load on until some broadcasts went through the new workers (bounded)
    for (let i = 0; i < 100 && ackedAt.filter((at) => at > tDone).length < 3; i++) await sleep(50);
    await sleep(100);
    running = false;
    await Promise.all(loops);

    // every acknowledged broadcast reaches every subscriber
    const deadline = Date.now() + 15000;
    while (Date.now() < deadline && !subs.every((s) => acked.every((b) => s.received.includes(b)))) await sleep(50);
    const missed = subs.reduce((n, s) => n + acked.filter((b) => !s.received.includes(b)).length, 0);

    const boot = server.logs().slice(from).match(/booted in ([\d.]+) ms/);
    const roll = server.logs().slice(from).match(/replaced in ([\d.]+) ms/);
    t.diagnostic(`${served} requests (${failed} failed), ${acked.length} broadcasts x ${SOCKETS} subscribers ` +
      `(${missed} missed), ${closed} sockets closed; new code booted in ${boot?.[1]} ms, workers replaced in ` +
      `${roll?.[1]} ms, SIGHUP -> done ${(tDone - t0).toFixed(0)} ms`);
    assert.equal(failed, 0, "failed requests");
    assert.equal(bfailed, 0, "failed broadcast requests");
    assert.equal(closed, 0, "closed WebSockets");
    assert.equal(missed, 0, "missed broadcasts");
    assert.ok(ackedAt.filter((at) => at > tDone).length >= 3, "broadcasts after the reload were sent (and delivered)");
    assert.equal(answers[0][1], "v1");
    // a request sent after the log said "Reload done" can only meet new workers
    const late = answers.filter(([sent]) => sent > tDone);
    assert.ok(late.length > 0, "requests were sent after the reload");
    assert.deepEqual(late.filter(([, body]) => body !== "v2"), [], "the new code serves once the reload is done");
    const st = await server.stats();
    assert.equal(st.restarts, 0, "no worker died");
    assert.equal(st.failed_requests, 0);
    assert.equal(st.reloads.done, 1);
  } finally {
    for (const c of consumers) c.disconnect();
    await server.stop();
  }
});
