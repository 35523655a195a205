// tests/lib/server.mjs — start the real quickrail binary for a test, and stop it.
//
//   import { startServer } from "../lib/server.mjs";
//   const srv = await startServer({ app: "tests/fixtures/hello" });   // waits until it serves
//   const res = await fetch(srv.url + "/");                          // srv.url = http://127.0.0.1:PORT
//   srv.logs();                       // everything it printed so far (stdout + stderr)
//   await srv.waitForLog(/w\d+ .* killed/, 5000);                     // resolves with the match
//   await srv.stats();                // GET /__quickrail/stats as an object (env test enables it)
//   const { code, signal } = await srv.stop();                        // SIGTERM, waits for exit
//
// Options: app (directory, relative to the repository root or absolute; required),
//   env (extra environment; QUICKRAIL_ENV defaults to "test"), args (extra serve flags, e.g.
//   ["-w", "2", "--deadline", "500"]), bin (default $QUICKRAIL_BIN or build/quickrail),
//   workers (shorthand for -w), timeoutMs (start-up wait, default 15000), waitReady (default
//   true: wait for the "* Ready" line; false: return as soon as it listens).
// The server binds 127.0.0.1 on a free port chosen by the kernel (-p 0) and reports it in its
// "* Listening on" line, so parallel tests never race for ports. The process is killed when the
// test process exits, even if a test forgets stop().
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = process.env.QUICKRAIL_ROOT || path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = process.env.QUICKRAIL_BIN || path.join(ROOT, "build/quickrail");

const live = new Set();
process.on("exit", () => { for (const p of live) try { p.kill("SIGKILL"); } catch {} });

export async function startServer(opts = {}) {
  if (!opts.app) throw new Error("startServer: options.app (the app directory) is required");
  const app = path.isAbsolute(opts.app) ? opts.app : path.join(ROOT, opts.app);
  const args = ["serve", app, "-b", "127.0.0.1", "-p", "0"];
  if (opts.workers) args.push("-w", String(opts.workers));
  args.push(...(opts.args || []));
  const env = { ...process.env, QUICKRAIL_ENV: "test", ...(opts.env || {}) };
  for (const [k, v] of Object.entries(env)) if (v === undefined || v === null) delete env[k];
  const proc = spawn(opts.bin || BIN, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  live.add(proc);
  let out = "";
  const waiters = [];
  const onData = (d) => {
    out += d.toString();
    for (const w of [...waiters]) {
      const m = out.slice(w.from).match(w.re);
      if (m) { waiters.splice(waiters.indexOf(w), 1); clearTimeout(w.timer); w.resolve(m); }
    }
  };
  proc.stdout.on("data", onData);
  proc.stderr.on("data", onData);
  let exited = null;
  const exitPromise = new Promise((resolve) => proc.on("exit", (code, signal) => {
    live.delete(proc);
    exited = { code, signal };
    for (const w of waiters.splice(0)) { clearTimeout(w.timer); w.reject(new Error(`quickrail exited (${code ?? signal}) before /${w.re.source}/ appeared; output:\n${out}`)); }
    resolve(exited);
  }));

  function waitForLog(re, timeoutMs = 5000, { from = 0 } = {}) {
    const m = out.slice(from).match(re);
    if (m) return Promise.resolve(m);
    if (exited) return Promise.reject(new Error(`quickrail has exited; /${re.source}/ never appeared; output:\n${out}`));
    return new Promise((resolve, reject) => {
      const w = { re, from, resolve, reject };
      w.timer = setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); reject(new Error(`timed out after ${timeoutMs} ms waiting for /${re.source}/; output:\n${out}`)); }, timeoutMs);
      waiters.push(w);
    });
  }

  const timeoutMs = opts.timeoutMs ?? 15000;
  const m = await waitForLog(/\* Listening on http:\/\/[^:\s]+:(\d+)/, timeoutMs);
  const port = Number(m[1]);
  if (opts.waitReady !== false) await waitForLog(/\* Ready/, timeoutMs);
  const url = `http://127.0.0.1:${port}`;
  return {
    proc, port, url, host: "127.0.0.1",
    logs: () => out,
    waitForLog,
    exited: () => exited,
    async stats() {
      const r = await fetch(url + "/__quickrail/stats");
      if (r.status !== 200) throw new Error(`stats endpoint answered ${r.status}`);
      return r.json();
    },
    async stop({ signal = "SIGTERM", timeoutMs: t = 10000 } = {}) {
      if (exited) return exited;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill("SIGKILL"), t);
      const r = await exitPromise;
      clearTimeout(timer);
      return r;
    },
    wait: () => exitPromise,
  };
}

// Runs the binary to completion (CLI tests). Returns { code, signal, stdout, stderr }.
export function runCli(args, { env = {}, timeoutMs = 10000, cwd } = {}) {
  return new Promise((resolve) => {
    const proc = spawn(BIN, args, { env: { ...process.env, ...env }, cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    proc.stdout.on("data", (d) => (stdout += d));
    proc.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
    proc.on("exit", (code, signal) => { clearTimeout(timer); resolve({ code, signal, stdout, stderr }); });
  });
}

// Copies an app folder (relative to the repository root or absolute) into a fresh temp dir and
// runs `quickrail db:prepare` there. Returns the copy's path; throws with the output on failure.
export async function prepareApp(app, { env = {}, timeoutMs = 30000 } = {}) {
  const src = path.isAbsolute(app) ? app : path.join(ROOT, app);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-app-"));
  fs.cpSync(src, dir, { recursive: true });
  const r = await runCli(["db:prepare"], { cwd: dir, env, timeoutMs });
  if (r.code !== 0) throw new Error(`db:prepare in ${dir} exited ${r.code}:\n${r.stdout}${r.stderr}`);
  return dir;
}
