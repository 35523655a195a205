// bench/startup/reload.mjs — development reload latency: the time from saving a file of a
// running app to the first response served by the new code. Starts the server command given
// after "--" ({PORT} replaced by a free port) in development, waits for a 200 on --path, then
// --runs times: waits --gap ms, rewrites --file (relative to --cwd) with a marker line in front
// of its original content, and requests --path until the body holds that marker (a request
// that the server holds during the reload counts as one request). Restores the file at the end.
// Prints "RELOADJSON {runs:[ms...], median_ms, min_ms, max_ms}"; exits 1 when a run does not
// see its marker within --timeout seconds (default 10) or the server does not start.
// Usage: node reload.mjs --runs 20 --cwd APP --file app/views/articles/index.html.erb
//          --path /articles -- CMD ARGS... {PORT} ...
import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import { freePort } from "../lib/free-port.mjs";
import path from "node:path";

const argv = process.argv.slice(2);
const dash = argv.indexOf("--");
const opts = { runs: 20, path: "/", timeout: 10, gap: 300, cwd: process.cwd(), file: "" };
for (let i = 0; i < dash; i += 2) opts[argv[i].slice(2)] = /^\d+$/.test(argv[i + 1]) ? Number(argv[i + 1]) : argv[i + 1];
const cmd = argv.slice(dash + 1);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
if (dash < 0 || !opts.file || !cmd.length) {
  console.error("usage: node reload.mjs --runs N --cwd APP --file FILE --path PATH -- CMD ARGS... {PORT}");
  process.exit(2);
}

function get(port, p) {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port, path: p, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode, body }));
    });
    req.on("error", () => resolve({ status: 0, body: "" }));
    req.setTimeout(opts.timeout * 1000, () => req.destroy());
  });
}

const file = path.resolve(opts.cwd, opts.file);
const original = fs.readFileSync(file, "utf8");
const comment = /\.erb$/.test(file) ? (m) => `<p hidden>${m}</p>\n` : /\.rb$/.test(file) ? (m) => `# ${m}\n` : (m) => `// ${m}\n`;
const port = await freePort();
const args = cmd.map((a) => a.replaceAll("{PORT}", String(port)));
const child = spawn(args[0], args.slice(1), { cwd: opts.cwd, detached: true, stdio: ["ignore", "ignore", "pipe"] });
let stderr = "";
child.stderr.on("data", (d) => { if (stderr.length < 4000) stderr += d; });
let failed = "";
const runs = [];
try {
  let up = false;
  for (const until = Date.now() + 30000; Date.now() < until && child.exitCode === null;) {
    if ((await get(port, opts.path)).status === 200) { up = true; break; }
    await sleep(20);
  }
  if (!up) throw new Error(`the server did not answer 200 on ${opts.path}; stderr:\n${stderr}`);
  for (let r = 0; r < opts.runs; r++) {
    await sleep(opts.gap);
    const marker = `reload-bench-${process.pid}-${r}`;
    const t0 = process.hrtime.bigint();
    fs.writeFileSync(file, comment(marker) + original);
    let seen = false;
    for (const until = Date.now() + opts.timeout * 1000; Date.now() < until;) {
      const res = await get(port, opts.path);
      if (res.status === 200 && res.body.includes(marker)) { seen = true; break; }
      if (!/\.erb$/.test(file) && res.status === 200) { seen = true; break; } // code edits: the first 200 after the save
      await sleep(1);
    }
    if (!seen) throw new Error(`run ${r + 1}: the edit was not served within ${opts.timeout} s`);
    runs.push(+(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(2));
  }
} catch (e) {
  failed = e.message;
} finally {
  fs.writeFileSync(file, original);
  try { process.kill(-child.pid, "SIGTERM"); } catch { /* gone */ }
}
const sorted = [...runs].sort((a, b) => a - b);
const median = sorted.length ? (sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2) : null;
console.log(`RELOADJSON ${JSON.stringify({ runs, median_ms: median, min_ms: sorted[0] ?? null, max_ms: sorted[sorted.length - 1] ?? null })}`);
if (failed) console.error(`reload: ${failed}`);
process.exit(failed ? 1 : 0);
