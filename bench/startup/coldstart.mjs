// bench/startup/coldstart.mjs — cold start: time from spawning a server process to its first
// 200 response on 127.0.0.1, repeated --runs times on a fresh port each time. The command is
// given after "--", with {PORT} replaced by the port; the probe retries a GET every 1 ms (a
// refused connection costs microseconds, so the resolution is ~1 ms). The server is started in
// its own process group and that group is stopped (SIGTERM, then SIGKILL after 5 s) after each
// run. Prints "COLDJSON {runs:[ms...], median_ms, min_ms, max_ms}"; exits 1 if any run failed
// to answer 200 within --timeout seconds (default 20).
// Usage: node coldstart.mjs --runs 10 --path /articles [--cwd DIR] -- CMD ARGS... {PORT} ...
import { spawn } from "node:child_process";
import http from "node:http";
import { freePort } from "../lib/free-port.mjs";

const argv = process.argv.slice(2);
const dash = argv.indexOf("--");
const opts = { runs: 10, path: "/", timeout: 20, cwd: process.cwd() };
for (let i = 0; i < dash; i += 2) opts[argv[i].slice(2)] = /^\d+$/.test(argv[i + 1]) ? Number(argv[i + 1]) : argv[i + 1];
const cmd = argv.slice(dash + 1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function probe(port, path) {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", () => resolve(0));
    req.setTimeout(5000, () => req.destroy());
  });
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once("exit", r));
  try { process.kill(-child.pid, "SIGTERM"); } catch { return; }
  const t = setTimeout(() => { try { process.kill(-child.pid, "SIGKILL"); } catch { /* gone */ } }, 5000);
  await gone;
  clearTimeout(t);
}

const runs = [];
let failed = 0;
for (let r = 0; r < opts.runs; r++) {
  const port = await freePort();
  const args = cmd.map((a) => a.replaceAll("{PORT}", String(port)));
  const t0 = process.hrtime.bigint();
  const child = spawn(args[0], args.slice(1), { cwd: opts.cwd, detached: true, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => { if (stderr.length < 4000) stderr += d; });
  let status = 0;
  const deadline = Date.now() + opts.timeout * 1000;
  while (Date.now() < deadline && child.exitCode === null) {
    status = await probe(port, opts.path);
    if (status === 200) break;
    await sleep(1);
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  await stop(child);
  if (status !== 200) {
    failed++;
    console.error(`coldstart: run ${r + 1} got ${status || "no answer"} (exit ${child.exitCode}); stderr:\n${stderr}`);
    break;
  }
  runs.push(+ms.toFixed(2));
  await sleep(100);
}
const sorted = [...runs].sort((a, b) => a - b);
const median = sorted.length ? (sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2) : null;
console.log(`COLDJSON ${JSON.stringify({ runs, median_ms: median, min_ms: sorted[0] ?? null, max_ms: sorted[sorted.length - 1] ?? null })}`);
process.exit(failed ? 1 : 0);
