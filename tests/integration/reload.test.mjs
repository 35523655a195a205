// Reloads through the real server: SIGHUP and `quickrail reload` (pid file) boot the code on
// disk and replace the workers; a new boot that fails keeps the old code serving; in
// development a saved file reloads by itself (the next request sees it), a change that does
// not load shows the error page with file, line and caret until it is fixed; GET /up and
// GET /metrics; Ctrl-C prints one line.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer, runCli, BIN } from "../lib/server.mjs";

// An app whose answer is the VERSION exported by lib/version.js (so edits are visible).
function makeApp(version = "one") {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-reload-"));
  fs.mkdirSync(path.join(dir, "lib"));
  fs.mkdirSync(path.join(dir, "app"));
  fs.writeFileSync(path.join(dir, "app.js"),
    'import { VERSION } from "./lib/version.js";\n' +
    "export default { fetch() { return new Response(VERSION, { headers: { \"content-type\": \"text/plain\" } }); } };\n");
  setVersion(dir, version);
  return dir;
}
function setVersion(dir, v) { fs.writeFileSync(path.join(dir, "lib/version.js"), `export const VERSION = ${JSON.stringify(v)};\n`); }
// The pids of every worker (actives and the spare) once all of them are up.
async function workerPids(srv, n) {
  for (let i = 0; i < 200; i++) {
    const ws = (await srv.stats()).workers;
    if (ws.length === n + 1 && ws.every((w) => w.pid > 0 && w.state !== "forking")) return ws.map((w) => w.pid).sort();
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("the workers did not all come up");
}
async function get(url) { const r = await fetch(url); return { status: r.status, body: await r.text() }; }

test("SIGHUP boots the code on disk and replaces every worker; quickrail reload uses the pid file", async () => {
  const dir = makeApp("one");
  const srv = await startServer({ app: dir, workers: 2 });
  try {
    assert.equal((await get(srv.url + "/")).body, "one");
    const pidFile = path.join(dir, "tmp/pids/server.pid");
    assert.equal(fs.readFileSync(pidFile, "utf8").trim(), String(srv.proc.pid));
    const before = await workerPids(srv, 2);

    setVersion(dir, "two");
    let from = srv.logs().length;
    srv.proc.kill("SIGHUP");
    await srv.waitForLog(/Reload done: \d+ workers? replaced/, 10000, { from });
    for (let i = 0; i < 6; i++) assert.equal((await get(srv.url + "/")).body, "two");
    const st = await srv.stats();
    const after = await workerPids(srv, 2);
    assert.equal(after.filter((p) => before.includes(p)).length, 0, "every worker was replaced");
    assert.equal(st.reloads.done, 1);
    assert.equal(st.restarts, 0, "a reload is not a restart");

    setVersion(dir, "three");
    from = srv.logs().length;
    const r = await runCli(["reload", dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`SIGHUP to quickrail \\(pid ${srv.proc.pid}\\)`));
    await srv.waitForLog(/Reload done/, 10000, { from });
    assert.equal((await get(srv.url + "/")).body, "three");
  } finally {
    await srv.stop();
  }
  assert.equal(fs.existsSync(path.join(dir, "tmp/pids/server.pid")), false, "the pid file is removed at exit");
});

test("a reload whose code does not boot keeps the old workers serving and logs the error", async () => {
  const dir = makeApp("good");
  const srv = await startServer({ app: dir, workers: 2 });
  try {
    const pids = await workerPids(srv, 2);
    fs.writeFileSync(path.join(dir, "lib/version.js"), "export const VERSION = ;\n");
    const from = srv.logs().length;
    srv.proc.kill("SIGHUP");
    await srv.waitForLog(/reload failed after [\d.]+ ms: the new code did not boot/, 10000, { from });
    assert.match(srv.logs().slice(from), /SyntaxError/);
    assert.match(srv.logs().slice(from), /lib\/version\.js:1/);
    for (let i = 0; i < 4; i++) assert.deepEqual(await get(srv.url + "/"), { status: 200, body: "good" });
    const st = await srv.stats();
    assert.deepEqual(await workerPids(srv, 2), pids, "the old workers are untouched");
    assert.equal(st.reloads.failed, 1);
    assert.equal((await get(srv.url + "/up")).status, 200);

    setVersion(dir, "fixed");
    const from2 = srv.logs().length;
    srv.proc.kill("SIGHUP");
    await srv.waitForLog(/Reload done/, 10000, { from: from2 });
    assert.equal((await get(srv.url + "/")).body, "fixed");
  } finally {
    await srv.stop();
  }
});

test("development: a saved file is served by the next request; a broken one shows the error page until fixed", async (t) => {
  const dir = makeApp("v0");
  const srv = await startServer({ app: dir, workers: 2, env: { QUICKRAIL_ENV: "development" } });
  try {
    assert.equal((await get(srv.url + "/")).body, "v0");
    const lat = [];
    for (let i = 1; i <= 5; i++) {
      const t0 = performance.now();
      setVersion(dir, `v${i}`);
      const r = await get(srv.url + "/");
      lat.push(performance.now() - t0);
      assert.equal(r.body, `v${i}`, "the request right after the save sees the change");
      await new Promise((r) => setTimeout(r, 50));
    }
    lat.sort((a, b) => a - b);
    t.diagnostic(`edit -> next request served by the new code: median ${lat[2].toFixed(0)} ms, max ${lat[4].toFixed(0)} ms`);
    assert.match(srv.logs(), /Reloaded after lib\/version\.js changed: new code booted in [\d.]+ ms/);

    // a syntax error: the error page with the file, the line and a caret, on every request
    fs.writeFileSync(path.join(dir, "lib/version.js"), "// the version\nexport const VERSION = (1 + ;\n");
    const from = srv.logs().length;
    await srv.waitForLog(/reload failed/, 10000, { from });
    for (const p of ["/", "/anything"]) {
      const r = await get(srv.url + p);
      assert.equal(r.status, 500);
      assert.match(r.body, /The app failed to reload/);
      assert.match(r.body, /<b>lib\/version\.js:2(:\d+)?<\/b>/);
      assert.match(r.body, /&gt;\s+2 \| export const VERSION = \(1 \+ ;<\/b>\n {7}\| {29}<b>\^<\/b>/, "a caret under the token");
      assert.match(r.body, /SyntaxError/);
    }
    assert.equal((await get(srv.url + "/up")).status, 200, "/up: the old workers still answer");

    setVersion(dir, "back");
    assert.deepEqual(await get(srv.url + "/"), { status: 200, body: "back" });
  } finally {
    await srv.stop();
  }
});

test("development: a standby zygote (runtime and framework loaded) takes the next save; a broken save through it keeps the old code", async () => {
  const dir = makeApp("s0");
  const srv = await startServer({ app: dir, workers: 1, env: { QUICKRAIL_ENV: "development", QUICKRAIL_LOG_LEVEL: "debug" } });
  const standbyReady = /standby zygote \(pid \d+\) ready in [\d.]+ ms/;
  try {
    assert.equal((await get(srv.url + "/")).body, "s0");
    let mark = 0;
    for (let i = 1; i <= 2; i++) {
      await srv.waitForLog(standbyReady, 20000, { from: mark });
      const from = srv.logs().length;
      setVersion(dir, `s${i}`);
      assert.equal((await get(srv.url + "/")).body, `s${i}`, "the request after the save sees it");
      assert.match(srv.logs().slice(from), /boot: runtime \+ lib\/web \+ lib\/quickrail .*\(standby, before the reload\), app modules/,
        "the reload loaded only the app, in the standby zygote");
      mark = srv.logs().length;
    }
    // a save that does not load, through the standby: the old code keeps serving, pages show the error
    await srv.waitForLog(standbyReady, 20000, { from: mark });
    const from = srv.logs().length;
    fs.writeFileSync(path.join(dir, "lib/version.js"), "// the version\nexport const VERSION = (1 + ;\n");
    await srv.waitForLog(/reload failed/, 10000, { from });
    const failing = srv.logs().slice(from, srv.logs().indexOf("reload failed", from));
    assert.doesNotMatch(failing, /zygote started/, "no zygote was exec'd: the standby took the save");
    const r = await get(srv.url + "/");
    assert.equal(r.status, 500);
    assert.match(r.body, /The app failed to reload/);
    assert.match(r.body, /<b>lib\/version\.js:2(:\d+)?<\/b>/);
    assert.equal((await get(srv.url + "/up")).status, 200, "the old worker still answers");
    // a failed reload gets a new standby too; the fix goes through it
    await srv.waitForLog(standbyReady, 20000, { from });
    const from2 = srv.logs().length;
    setVersion(dir, "fixed");
    assert.deepEqual(await get(srv.url + "/"), { status: 200, body: "fixed" });
    assert.match(srv.logs().slice(from2), /\(standby, before the reload\)/);
  } finally {
    await srv.stop();
  }
});

test("GET /up is 200 once the app serves; GET /metrics speaks the Prometheus text format", async () => {
  const srv = await startServer({ app: "tests/fixtures/hello", workers: 1 });
  try {
    const up = await fetch(srv.url + "/up");
    assert.equal(up.status, 200);
    assert.match(await up.text(), /background-color: green/);
    for (const p of ["/articles/12", "/articles/13", "/articles/7.json"]) assert.equal((await get(srv.url + p)).status, 200);
    const m = await fetch(srv.url + "/metrics");
    assert.equal(m.status, 200);
    assert.match(m.headers.get("content-type"), /^text\/plain; version=0\.0\.4/);
    const text = await m.text();
    assert.match(text, /^quickrail_http_requests_total\{method="GET",route="\/articles\/:id",status="200"\} 2$/m);
    assert.match(text, /^quickrail_http_requests_total\{method="GET",route="\/articles\/:id\.json",status="200"\} 1$/m);
    assert.match(text, /^# TYPE quickrail_http_request_duration_seconds histogram$/m);
    assert.match(text, /^quickrail_http_request_duration_seconds_bucket\{le="\+Inf"\} [4-9]$/m);
    assert.match(text, /^quickrail_workers\{state="idle"\} 1$/m);
    assert.match(text, /^quickrail_workers\{state="spare"\} 1$/m);
    for (const name of ["queue_depth", "worker_restarts_total", "reloads_total", "websocket_connections",
      "cable_subscriptions", "broadcasts_total", "worker_replacement_seconds"])
      assert.match(text, new RegExp(`^quickrail_${name} \\d`, "m"), name);
  } finally {
    await srv.stop();
  }
  // production: /metrics only when asked for
  const prod = await startServer({ app: "tests/fixtures/hello", workers: 1,
    env: { QUICKRAIL_ENV: "production", SECRET_KEY_BASE: "p".repeat(64) } });
  try {
    assert.equal((await get(prod.url + "/metrics")).body, "Hello, world!", "not enabled: the app answers");
    assert.equal((await get(prod.url + "/up")).status, 200);
  } finally {
    await prod.stop();
  }
});

test("Ctrl-C in a terminal (SIGINT to the process group) prints one line and no warning", async () => {
  const dir = makeApp("x");
  const proc = spawn(BIN, ["up", "-b", "127.0.0.1", "-p", "0", "-w", "2"], {
    cwd: dir, detached: true, stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, QUICKRAIL_ENV: "development" },
  });
  let out = "";
  proc.stdout.on("data", (d) => (out += d));
  proc.stderr.on("data", (d) => (out += d));
  const exited = new Promise((r) => proc.on("exit", (code) => r(code)));
  for (let i = 0; i < 300 && !/\* Ready/.test(out); i++) await new Promise((r) => setTimeout(r, 20));
  assert.match(out, /\* Ready/);
  const mark = out.length;
  process.kill(-proc.pid, "SIGINT"); // what the terminal does on Ctrl-C
  assert.equal(await exited, 0);
  const after = out.slice(mark).trim().split("\n");
  assert.equal(after.length, 1, `one line after Ctrl-C, got:\n${out.slice(mark)}`);
  assert.match(after[0], /Gracefully stopping \(Ctrl-C\)/);
  assert.doesNotMatch(out, /WARN|ERROR/);
});

test("reload without a running server says how to start one, exit 1", async () => {
  const dir = makeApp("y");
  const r = await runCli(["reload", dir]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /no server pid file at .*tmp\/pids\/server\.pid/);
  fs.mkdirSync(path.join(dir, "tmp/pids"), { recursive: true });
  fs.writeFileSync(path.join(dir, "tmp/pids/server.pid"), "999999999\n");
  const s = await runCli(["reload", "-P", path.join(dir, "tmp/pids/server.pid")]);
  assert.equal(s.code, 1);
  assert.match(s.stderr, /stale pid file/);
});

// demo: "blog" (Ruby: the controller edit is to articles_controller.rb) or "blog-js" (JavaScript)
for (const demo of ["blog", "blog-js"]) {
  const rb = demo === "blog";
  test("development, the " + demo + " demo: an edited view and an edited controller are served by the next request", async (t) => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "qr-devblog-"));
    const env = { QUICKRAIL_ENV: "development", RAILS_ENV: "" };
    assert.equal((await runCli(["new", "blog", "--demo", demo], { cwd: root, timeoutMs: 30000 })).code, 0);
    const dir = path.join(root, "blog");
    const prep = await runCli(["db:prepare"], { cwd: dir, env, timeoutMs: 30000 });
    assert.equal(prep.code, 0, prep.stderr);
    const srv = await startServer({ app: dir, workers: 2, env });
    try {
      const view = path.join(dir, "app/views/articles/index.html.erb");
      const original = fs.readFileSync(view, "utf8");
      assert.equal((await get(srv.url + "/articles")).status, 200);
      const lat = [];
      for (let i = 1; i <= 5; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const t0 = performance.now();
        fs.writeFileSync(view, `<p id="edit">edit ${i}</p>\n` + original);
        const r = await get(srv.url + "/articles");
        lat.push(performance.now() - t0);
        assert.equal(r.status, 200);
        assert.match(r.body, new RegExp(`<p id="edit">edit ${i}</p>`), "the view edit is served by the next request");
      }
      lat.sort((a, b) => a - b);
      t.diagnostic(`${demo}: edit of a view -> next request served by the new code: median ${lat[2].toFixed(0)} ms, ` +
        `min ${lat[0].toFixed(0)} ms, max ${lat[4].toFixed(0)} ms`);

      const ctrl = path.join(dir, "app/controllers/articles_controller." + (rb ? "rb" : "js"));
      const src = fs.readFileSync(ctrl, "utf8");
      const edited = rb ? src.replace("  def new\n", "  def new\n    headers[\"x-edited\"] = \"yes\"\n")
        : src.replace("  // GET /articles/new\n  new() {", "  // GET /articles/new\n  new() {\n    this.headers[\"x-edited\"] = \"yes\";");
      assert.notEqual(edited, src, "the edit applies to " + ctrl);
      fs.writeFileSync(ctrl, edited);
      const r = await fetch(srv.url + "/articles/new");
      assert.equal(r.status, 200);
      assert.equal(r.headers.get("x-edited"), "yes", "the controller edit is served by the next request");
      assert.match(srv.logs(), new RegExp("Reloaded after app/controllers/articles_controller\\." + (rb ? "rb" : "js") + " changed"));
    } finally {
      await srv.stop();
    }
  });
}
