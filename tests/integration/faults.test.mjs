// Fault isolation: every way an app can go wrong costs exactly the one request that did it.
// Concurrent keep-alive clients keep getting 200s on their connections, the faulty request's
// own connection stays usable, dead workers are replaced (warm spare), the zygote is restarted,
// the restart budget backs off with 503 + Retry-After, and the queue is bounded.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../lib/server.mjs";
import { RawClient } from "../lib/raw.mjs";

/* handle_segv=0: under an ASan build, let SIGSEGV kill the worker as it would in production
 * instead of ASan printing a report first (it takes seconds). Harmless in a normal build. */
const ASAN = [process.env.ASAN_OPTIONS, "handle_segv=0"].filter(Boolean).join(":");
const FAULT_ENV = { QUICKRAIL_TEST_CRASH: "1", QUICKRAIL_KILL_GRACE_MS: "1000", QUICKRAIL_MEMORY_LIMIT: "32m", ASAN_OPTIONS: ASAN };
/* Starts a server that is stopped after the test whatever happens. */
async function scoped(t, opts) {
  const s = await startServer(opts);
  t.after(() => s.stop());
  return s;
}
let srv;
before(async () => {
  srv = await startServer({ app: "tests/fixtures/faults", workers: 2, env: FAULT_ENV, args: ["--deadline", "1000"] });
});
after(async () => {
  const r = await srv.stop();
  assert.equal(r.code, 0, srv.logs().slice(-3000));
});

/* Keeps `n` keep-alive connections busy with GET /ok until stopped; every answer must be 200
 * and no connection may be closed. */
function background(port, n = 3) {
  let stop = false;
  const stats = { ok: 0, bad: [] };
  const loops = Array.from({ length: n }, async () => {
    const c = await RawClient.connect(port);
    while (!stop) {
      c.write("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
      const [r] = await c.responses(1, 10000);
      if (!r) { stats.bad.push("connection closed"); break; }
      if (r.status === 200) stats.ok++;
      else stats.bad.push(r.status + " " + r.text.slice(0, 80));
    }
    if (c.isClosed) stats.bad.push("connection closed");
    c.destroy();
  });
  return { stats, async end() { stop = true; await Promise.all(loops); return stats; } };
}

async function faultCostsOneRequest(path, expectLog) {
  const bg = background(srv.port);
  await new Promise((r) => setTimeout(r, 100));
  const c = await RawClient.connect(srv.port);
  c.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  const [r] = await c.responses(1, 10000);
  assert.equal(r.status, 500, `${path} answered ${r.status}: ${r.text.slice(0, 200)}`);
  /* the same connection keeps working */
  c.write("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  const [r2] = await c.responses(1, 5000);
  assert.equal(r2.status, 200);
  c.destroy();
  await new Promise((r) => setTimeout(r, 100));
  const s = await bg.end();
  assert.deepEqual(s.bad, [], `background clients saw failures during ${path}`);
  assert.ok(s.ok > 5, `background clients were served (${s.ok})`);
  if (expectLog) await srv.waitForLog(expectLog, 3000);
}

test("a route that throws costs one request", async () => {
  await faultCostsOneRequest("/throw", /thrown on purpose/);
});

test("an infinite loop is stopped at the deadline and costs one request", async () => {
  const t0 = Date.now();
  await faultCostsOneRequest("/loop");
  assert.ok(Date.now() - t0 < 5000);
});

test("unbounded allocation hits the memory limit and costs one request", async () => {
  await faultCostsOneRequest("/alloc");
});

test("unbounded recursion hits the stack limit and costs one request", async () => {
  await faultCostsOneRequest("/recurse");
});

test("a SIGSEGV kills only its worker: one 500, the spare takes over, a new spare is forked", async () => {
  const before = await srv.stats();
  /* "killed by signal 11" in a normal build; under ASan its handler reports the SEGV instead */
  await faultCostsOneRequest("/crash", /w\d+ \(pid \d+\) died while running request \d+; answering 500/);
  let after;
  for (let i = 0; i < 50; i++) {
    after = await srv.stats();
    if (after.workers.filter((w) => w.state === "idle" || w.state === "busy").length === 3) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(after.restarts, before.restarts + 1);
  assert.equal(after.replacement_ns.count, before.replacement_ns.count + 1);
  assert.ok(after.replacement_ns.last < 5e6, `replacement took ${after.replacement_ns.last} ns`);
  assert.equal(after.workers.filter((w) => w.role === "active").length, 2);
  assert.equal(after.workers.filter((w) => w.role === "spare").length, 1);
});

test("a worker stuck where the interrupt handler cannot reach is SIGKILLed by the watchdog", async () => {
  const before = await srv.stats();
  await faultCostsOneRequest("/regex", /killed by the watchdog/);
  const after = await srv.stats();
  assert.equal(after.watchdog_kills, before.watchdog_kills + 1);
});

test("several faults at once, with concurrent traffic", async () => {
  const bg = background(srv.port, 4);
  const faults = ["/crash", "/throw", "/crash", "/recurse", "/loop", "/crash"];
  const rs = await Promise.all(faults.map((p) => fetch(srv.url + p).then((r) => r.status)));
  assert.deepEqual(rs, faults.map(() => 500));
  const s = await bg.end();
  assert.deepEqual(s.bad, []);
  for (let i = 0; i < 10; i++) assert.equal((await fetch(srv.url + "/ok")).status, 200);
});

test("crash() is refused without QUICKRAIL_TEST_CRASH=1 (the switch is off by default)", async (t) => {
  const plain = await scoped(t, { app: "tests/fixtures/faults", workers: 1, env: { QUICKRAIL_TEST_CRASH: undefined } });
  const r = await fetch(plain.url + "/crash");
  assert.equal(r.status, 500);
  const s = await plain.stats();
  assert.equal(s.restarts, 0);
  assert.equal((await plain.stop()).code, 0);
});

test("a request written to a worker that died before reading it is re-dispatched", async (t) => {
  const one = await scoped(t, { app: "tests/fixtures/faults", workers: 1, env: FAULT_ENV });
  const s = await one.stats();
  const active = s.workers.find((w) => w.role === "active");
  process.kill(active.pid, "SIGSTOP");
  const pending = fetch(one.url + "/ok");
  await new Promise((r) => setTimeout(r, 100));
  process.kill(active.pid, "SIGKILL");
  const r = await pending;
  assert.equal(r.status, 200);
  await one.waitForLog(/died before starting request \d+; re-dispatching it/);
  assert.equal((await one.stop()).code, 0);
});

test("the zygote is restarted when it dies; workers keep serving meanwhile", async () => {
  const s0 = await srv.stats();
  process.kill(s0.zygote.pid, "SIGKILL");
  const bg = background(srv.port, 2);
  let s1;
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 30));
    s1 = await srv.stats();
    if (s1.zygote.state === "ready" && s1.zygote.pid !== s0.zygote.pid) break;
  }
  assert.notEqual(s1.zygote.pid, s0.zygote.pid);
  assert.equal(s1.zygote.restarts, s0.zygote.restarts + 1);
  /* workers forked by the new zygote replace crashed ones */
  assert.equal((await fetch(srv.url + "/crash")).status, 500);
  assert.equal((await fetch(srv.url + "/crash")).status, 500);
  const st = await bg.end();
  assert.deepEqual(st.bad, []);
  for (let i = 0; i < 50; i++) {
    const s2 = await srv.stats();
    if (s2.workers.filter((w) => w.state === "idle").length === 3) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail("workers were not replaced after the zygote restart");
});

test("the restart budget backs off (never a fork storm) with 503 + Retry-After, then recovers", async (t) => {
  const b = await scoped(t, { app: "tests/fixtures/faults", workers: 1,
    env: { ...FAULT_ENV, QUICKRAIL_RESTART_MAX: "3", QUICKRAIL_RESTART_PERIOD_MS: "5000" } });
  /* a burst of crashing requests: the budget runs out, forks stop, and what is still queued
   * while no worker is alive is answered 503 at once instead of waiting */
  const rs = await Promise.all(Array.from({ length: 16 }, () => fetch(b.url + "/crash").then(async (r) => ({ s: r.status, ra: r.headers.get("retry-after"), t: await r.text() }))));
  const busy = rs.filter((r) => r.s === 503);
  assert.ok(busy.length > 0, `never saw a 503: ${rs.map((r) => r.s).join(",")}`);
  assert.ok(rs.every((r) => r.s === 500 || r.s === 503), rs.map((r) => r.s).join(","));
  assert.ok(busy.every((r) => /^\d+$/.test(r.ra)), "503 without Retry-After");
  await b.waitForLog(/restart budget exceeded: \d+ restarts in the last 5000 ms \(allowed 3\); backoff step 1/);
  const s = await b.stats();
  assert.ok(s.restarts <= 16, `restarts ${s.restarts}`);
  /* it recovers by itself after the backoff */
  let ok = false;
  for (let i = 0; i < 200 && !ok; i++) {
    const r = await fetch(b.url + "/ok");
    ok = r.status === 200;
    await r.text();
    if (!ok) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(ok, "did not recover after the backoff");
  assert.equal((await b.stop()).code, 0);
});

test("the queue is bounded: beyond it 503 + Retry-After", async (t) => {
  const q = await scoped(t, { app: "tests/fixtures/faults", workers: 1, env: { QUICKRAIL_QUEUE_MAX: "2" } });
  const rs = await Promise.all(Array.from({ length: 8 }, () => fetch(q.url + "/sleep?ms=300").then(async (r) => ({ s: r.status, ra: r.headers.get("retry-after"), t: await r.text() }))));
  const ok = rs.filter((r) => r.s === 200).length;
  const busy = rs.filter((r) => r.s === 503);
  assert.ok(ok >= 3 && ok <= 3 + 1, `200s: ${ok}`);
  assert.ok(busy.length >= 4, `503s: ${busy.length}`);
  assert.ok(busy.every((r) => r.ra === "1"));
  assert.equal((await q.stop()).code, 0);
});
