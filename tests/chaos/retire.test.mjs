// Retirement and crash race (issue 15): while healthy requests arrive at full rate on keep-alive
// connections, workers are retired (a request leaks memory past the heap limit: the worker
// answers 500 and exits), crash (SIGSEGV inside a request) or their warm spare is SIGKILLed
// from outside. Only the faulting request may fail: no healthy request may ever get a 5xx —
// a request must never be handed to a worker that is retiring, and one a worker never started
// is re-dispatched. CHAOS_RETIRE_ROUNDS rounds (default 20), each bounded in time.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer, ROOT } from "../lib/server.mjs";

const ROUNDS = Number(process.env.CHAOS_RETIRE_ROUNDS || 20);
const CLIENTS = 6;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let srv;

before(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-retire-"));
  srv = await startServer({
    app: path.join(ROOT, "tests/fixtures/jsrt-app"), workers: 2,
    env: { QUICKRAIL_ENV: "production", SECRET_KEY_BASE: "retire-test", QUICKRAIL_MEMORY_LIMIT: "24m", QUICKRAIL_STATS: "1",
           QUICKRAIL_TEST_CRASH: "1", QUICKRAIL_DEADLINE_MS: "5000", JSRT_DB: path.join(dir, "app.sqlite3") },
  });
});
after(async () => { await srv?.stop(); });

async function fullStrength(timeoutMs = 10000) {
  const t0 = Date.now();
  for (;;) {
    const s = await srv.stats();
    const active = s.workers.filter((w) => w.role === "active" && (w.state === "idle" || w.state === "busy")).length;
    const spare = s.workers.filter((w) => w.role === "spare" && w.state === "idle");
    if (active === 2 && spare.length === 1) return s;
    if (Date.now() - t0 > timeoutMs) throw new Error("the pool did not get back to full strength: " + JSON.stringify(s.workers));
    await sleep(20);
  }
}

test(`${ROUNDS} rounds of retire / crash / spare kill under full-rate load: no healthy request gets a 5xx`, async () => {
  const statuses = new Map();
  const bad = [];
  let running = true;
  const loop = async () => {
    while (running) {
      let status;
      try {
        const r = await fetch(srv.url + "/sync");
        await r.text();
        status = r.status;
      } catch (e) { status = "error: " + e.message; }
      statuses.set(status, (statuses.get(status) || 0) + 1);
      if (status !== 200 && bad.length < 20) bad.push(status);
    }
  };
  const loops = Array.from({ length: CLIENTS }, loop);
  const faults = { retire: 0, crash: 0, "spare-kill": 0 };
  const t0 = Date.now();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const s = await fullStrength();
      const kind = ["retire", "crash", "spare-kill"][round % 3];
      faults[kind]++;
      if (kind === "spare-kill") {
        process.kill(s.workers.find((w) => w.role === "spare").pid, "SIGKILL");
      } else {
        const r = await fetch(srv.url + (kind === "retire" ? "/oom-leak" : "/crash"));
        await r.text();
        assert.equal(r.status, 500, `the ${kind} request itself fails`);
      }
      await sleep(150); // healthy load keeps arriving while the pool heals
    }
    await fullStrength();
  } finally {
    running = false;
    await Promise.all(loops);
  }
  const total = [...statuses.values()].reduce((a, b) => a + b, 0);
  const stats = await srv.stats();
  console.log(`# ${ROUNDS} rounds (${JSON.stringify(faults)}) in ${Date.now() - t0} ms: ${total} healthy requests ${JSON.stringify(Object.fromEntries(statuses))}; restarts ${stats.restarts}, re-dispatched ${stats.retried}, failed ${stats.failed_requests}`);
  assert.deepEqual(bad, [], "every healthy request got 200");
  assert.ok(total > ROUNDS * 10, `load kept running (${total} requests)`);
  assert.equal((srv.logs().match(/is retiring after request \d+; replacing it/g) || []).length, faults.retire, "each retirement announced before its answer");
  assert.equal(stats.failed_requests, faults.crash, "the server failed only the crashing requests");
});
