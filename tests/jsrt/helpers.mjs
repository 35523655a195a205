// tests/jsrt/helpers.mjs — helpers of the runtime suite: run `quickrail run` scripts and turn
// their "CHECK {json}" lines into node:test cases; start `quickrail serve` on a free loopback
// port and stop it (every process is killed when the test process exits).
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

export const ROOT = process.env.QUICKRAIL_ROOT || path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = process.env.QUICKRAIL_BIN || path.join(ROOT, "build/quickrail");
export const FIXTURES = path.join(ROOT, "tests/fixtures");

const live = new Set();
process.on("exit", () => { for (const p of live) try { p.kill("SIGKILL"); } catch {} });

export function tmpDir(prefix = "qr-jsrt-") { return fs.mkdtempSync(path.join(os.tmpdir(), prefix)); }

// Runs `quickrail run FILE args...` to completion. -> { code, signal, out }
export function runScript(file, args = [], { env = {}, timeoutMs = 60000, cwd } = {}) {
  return new Promise((resolve) => {
    const proc = spawn(BIN, ["run", file, ...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    live.add(proc);
    let out = "";
    proc.stdout.on("data", (d) => (out += d));
    proc.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
    proc.on("exit", (code, signal) => { live.delete(proc); clearTimeout(timer); resolve({ code, signal, out }); });
  });
}

// Runs a check script and registers one node:test case per CHECK line, plus one for the run.
export async function checkScript(file, args = [], opts = {}) {
  const res = await runScript(path.join(FIXTURES, "jsrt-scripts", file), args, opts);
  const checks = [...res.out.matchAll(/CHECK (\{.*\})$/gm)].map((m) => JSON.parse(m[1]));
  const done = /CHECKS DONE (\d+)/.exec(res.out);
  test(`${file}: every check ran and the script exited 0`, () => {
    assert.ok(done, `the script did not finish; output:\n${res.out}`);
    assert.equal(checks.length, Number(done[1]));
    assert.equal(res.code, 0, res.out);
  });
  for (const c of checks) test(`${file}: ${c.name}`, () => assert.ok(c.ok, c.error));
  return res;
}

// Starts `quickrail serve APP` on 127.0.0.1 with a kernel-chosen port; waits until ready.
export async function startServer(app, { args = [], env = {}, timeoutMs = 20000 } = {}) {
  const proc = spawn(BIN, ["serve", app, "-b", "127.0.0.1", "-p", "0", ...args], {
    env: { ...process.env, QUICKRAIL_ENV: "test", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  live.add(proc);
  let out = "";
  proc.stdout.on("data", (d) => (out += d));
  proc.stderr.on("data", (d) => (out += d));
  const exited = new Promise((resolve) => proc.on("exit", (code, signal) => { live.delete(proc); resolve({ code, signal }); }));
  const waitForLog = async (re, ms = 10000, from = 0) => {
    const t0 = Date.now();
    for (;;) {
      const m = out.slice(from).match(re);
      if (m) return m;
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`quickrail exited before /${re.source}/:\n${out}`);
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for /${re.source}/:\n${out}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const m = await waitForLog(/\* Listening on http:\/\/[^:\s]+:(\d+)/, timeoutMs);
  await waitForLog(/\* Ready/, timeoutMs);
  const url = `http://127.0.0.1:${m[1]}`;
  return {
    proc, url, logs: () => out, waitForLog,
    get: (p, init) => fetch(url + p, { redirect: "manual", ...init }),
    async stop(signal = "SIGTERM") {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      const t = setTimeout(() => proc.kill("SIGKILL"), 10000);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
  };
}
