// The faults the chaos suite injects into the running blog, one function each. Every injector
// does one injection and reports what happened: the faulted request's status (when the fault is
// a request), whether the server reacted as it should (error page / replacement), and timings.
// Injectors that kill from outside (SIGKILL of a worker, of the zygote, of a worker holding a
// write transaction) take pids from the stats endpoint or /proc. 127.0.0.1 only; bounded.
import fs from "node:fs";
import path from "node:path";
import { request, sleep, alive } from "./util.mjs";
import { roles } from "./server.mjs";

const is5xx = (s) => s >= 500 && s < 600;

async function faultRequest(ctx, p, timeout = 30000) {
  const r = await request(ctx.server.port, { path: p, agent: ctx.faultAgent, timeout });
  return r;
}

// Waits for a file written by the fixture (pid of the worker holding a fault), bounded.
async function waitMarker(file, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const pid = parseInt(fs.readFileSync(file, "utf8"), 10);
      if (pid > 0) return pid;
    } catch {}
    await sleep(2);
  }
  return 0;
}

// Waits until `pid` is gone and the pool is back to full strength, bounded.
async function waitReplaced(ctx, pid, timeoutMs = 10000) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const st = await ctx.server.stats();
    const r = roles(ctx.server, st);
    if (!r.workers.includes(pid) && !alive(pid) && r.active.length >= ctx.workers) return Date.now() - t0;
    await sleep(5);
  }
  return -1;
}

// Waits until the pool is back to full strength: every active worker up and the warm spare
// ready, so that each injection meets the server in its steady state (a burst of faults faster
// than a fork is a different experiment: then the replacement is a fork). Bounded.
export async function settle(ctx, timeoutMs = 5000) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const st = await ctx.server.stats();
    if (!st || !Array.isArray(st.workers)) return -1;
    const active = st.workers.filter((w) => w.role === "active" && (w.state === "idle" || w.state === "busy")).length;
    const spares = st.workers.filter((w) => w.role === "spare" && w.state === "idle").length;
    if (active >= (st.target_workers ?? ctx.workers) && spares >= (st.spares ?? 0) && st.zygote?.state !== "starting" && !st.backing_off) return Date.now() - t0;
    await sleep(2);
  }
  return -1;
}

function requestFault(name, route, { expect = is5xx, timeout = 30000 } = {}) {
  return async (ctx, i) => {
    const r = await faultRequest(ctx, `${route}?tag=${name}-${i}`, timeout);
    return {
      status: r.status || r.error, ok: expect(r.status), ms: r.t1 - r.t0,
      reused: r.socketReused, detail: r.error ? `client error ${r.error}` : "",
    };
  };
}

async function killWorker(ctx) {
  const st = await ctx.server.stats();
  const { active: workers } = roles(ctx.server, st);
  if (!workers.length) return { status: "no worker pid", ok: false, ms: 0 };
  const pid = workers[Math.floor(Math.random() * workers.length)];
  const t0 = performance.now();
  try { process.kill(pid, "SIGKILL"); } catch (e) { return { status: `kill: ${e.code}`, ok: false, ms: 0 }; }
  const waited = await waitReplaced(ctx, pid);
  return { status: waited >= 0 ? "replaced" : "not replaced", ok: waited >= 0, ms: performance.now() - t0, pid };
}

async function killZygote(ctx) {
  const st = await ctx.server.stats();
  const { zygote } = roles(ctx.server, st);
  if (!zygote) return { status: "no zygote pid", ok: false, ms: 0 };
  const t0 = performance.now();
  try { process.kill(zygote, "SIGKILL"); } catch (e) { return { status: `kill: ${e.code}`, ok: false, ms: 0 }; }
  const deadline = Date.now() + 10000;
  let fresh = null;
  while (Date.now() < deadline) {
    const r = roles(ctx.server, await ctx.server.stats());
    if (r.zygote && r.zygote !== zygote && alive(r.zygote) && r.active.length >= ctx.workers) { fresh = r.zygote; break; }
    await sleep(5);
  }
  return { status: fresh ? "zygote restarted" : "no new zygote", ok: !!fresh, ms: performance.now() - t0, pid: zygote };
}

// A worker in the middle of a write transaction: BEGIN IMMEDIATE + INSERT, then either a
// SIGSEGV inside the worker (even i) or a SIGKILL from outside while it holds the lock (odd i).
async function midTransaction(ctx, i) {
  const mode = i % 2 === 0 ? "segv" : "kill";
  const tag = `midtx-${i}-${Date.now()}`;
  ctx.halfDoneTags.push(tag);
  const art = ctx.probeArticles[i % ctx.probeArticles.length];
  const pending = faultRequest(ctx, `/__chaos/midtx?tag=${tag}&mode=${mode}&article=${art}`);
  let killed = 0;
  if (mode === "kill") {
    const pid = await waitMarker(path.join(ctx.markers, `hold-${tag}`), ctx.deadlineMs);
    if (pid > 0) { try { process.kill(pid, "SIGKILL"); killed = pid; } catch {} }
  }
  const r = await pending;
  const ok = is5xx(r.status) && (mode === "segv" || killed > 0);
  return { status: r.status || r.error, ok, ms: r.t1 - r.t0, reused: r.socketReused, detail: mode === "kill" && !killed ? "hold marker not seen" : "" };
}

export const FAULTS = [
  { name: "js-exception", what: "throw new Error() in a route", inject: requestFault("js-exception", "/__chaos/throw") },
  { name: "infinite-loop", what: "for(;;){} (deadline)", inject: requestFault("infinite-loop", "/__chaos/loop") },
  { name: "runaway-alloc", what: "allocate without bound (memory limit)", inject: requestFault("runaway-alloc", "/__chaos/alloc") },
  { name: "runaway-recursion", what: "recurse without bound (stack limit)", inject: requestFault("runaway-recursion", "/__chaos/recurse") },
  { name: "sigsegv", what: "Quickrail.crash() -> SIGSEGV in the worker", inject: requestFault("sigsegv", "/__chaos/segv"), restarts: true },
  { name: "sigkill-worker", what: "kill -9 of a random worker from outside", inject: killWorker, restarts: true, collateral: true },
  { name: "sigkill-zygote", what: "kill -9 of the zygote", inject: killZygote },
  { name: "kill-mid-write", what: "BEGIN; INSERT; then SIGSEGV / kill -9 before COMMIT", inject: midTransaction, restarts: true },
];
