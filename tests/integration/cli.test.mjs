// The command line and process lifecycle: --help, --version, usage errors (exit 2 with what
// was wrong and how to do it right), PORT / WEB_CONCURRENCY, port in use, `run`, and SIGTERM /
// SIGINT graceful shutdown (in-flight requests finish, exit 0, no process left behind).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { startServer, runCli, ROOT } from "../lib/server.mjs";

const HELLO = path.join(ROOT, "tests/fixtures/hello");

test("--help and --version", async () => {
  const h = await runCli(["--help"]);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /quickrail serve\s+APP_DIR/);
  assert.match(h.stdout, /-w, --workers N/);
  assert.match(h.stdout, /WEB_CONCURRENCY/);
  const v = await runCli(["--version"]);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^quickrail \d+\.\d+\.\d+\n$/);
  assert.equal((await runCli(["serve", "--help"])).code, 0);
});

test("usage errors say what was wrong and exit 2", async () => {
  const cases = [
    [[], /missing command/],
    [["serve"], /missing APP_DIR/],
    [["serve", "/nonexistent/app"], /app directory '\/nonexistent\/app' does not exist/],
    [["serve", HELLO, "--bogus"], /unknown option '--bogus'/],
    [["serve", HELLO, "-p"], /option '-p' needs a value/],
    [["serve", HELLO, "-p", "70000"], /invalid port '70000'/],
    [["serve", HELLO, "-w", "0"], /invalid worker count '0'/],
    [["serve", HELLO, "--log-level", "loud"], /invalid log level 'loud'/],
    [["serve", HELLO, "--max-body", "lots"], /invalid --max-body 'lots'/],
    [["serve", HELLO, HELLO], /unexpected argument/],
    [["frobnicate"], /unknown command 'frobnicate'/],
    [["run"], /missing FILE\.js/],
    [["run", "/nonexistent.js"], /does not exist/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(args);
    assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}`);
    assert.match(r.stderr, re, args.join(" "));
    if (args[0] === "serve") assert.match(r.stderr, /Usage: quickrail serve APP_DIR/);
  }
});

test("an app directory without app.js explains what an app is", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-empty-"));
  const r = await runCli(["serve", dir]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /expected .*app\.js/);
  assert.match(r.stderr, /export default \{ fetch/);
});

test("an app that fails to load stops the server with its error, exit 1", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-bad-"));
  fs.writeFileSync(path.join(dir, "app.js"), "throw new Error('broken at load');\n");
  const r = await runCli(["serve", dir, "-p", "0", "-b", "127.0.0.1"], { timeoutMs: 10000 });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /broken at load/);
  assert.match(r.stdout, /could not be loaded/);
});

test("a port in use is reported, exit 1", async () => {
  const blocker = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => blocker.once("listening", r));
  const port = blocker.address().port;
  const r = await runCli(["serve", HELLO, "-b", "127.0.0.1", "-p", String(port)]);
  blocker.close();
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+: address already in use/);
});

test("PORT and WEB_CONCURRENCY are honoured; flags win over them", async (t) => {
  const probe = net.createServer().listen(0, "127.0.0.1");
  await new Promise((r) => probe.once("listening", r));
  const port = probe.address().port;
  probe.close();
  await new Promise((r) => setTimeout(r, 50));
  const srv = await startServer({ app: "tests/fixtures/hello", env: { PORT: String(port), WEB_CONCURRENCY: "3" }, args: ["-p", String(port)] });
  t.after(() => srv.stop());
  assert.equal(srv.port, port);
  const s = await srv.stats();
  assert.equal(s.target_workers, 3);
  assert.equal(s.workers.filter((w) => w.role === "active").length, 3);
  assert.equal((await srv.stop()).code, 0);
  const srv2 = await startServer({ app: "tests/fixtures/hello", env: { WEB_CONCURRENCY: "3" }, workers: 1 });
  t.after(() => srv2.stop());
  assert.equal((await srv2.stats()).target_workers, 1);
  assert.equal((await srv2.stop()).code, 0);
});

test("quickrail run FILE.js runs a script with its arguments", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-run-"));
  const f = path.join(dir, "task.js");
  fs.writeFileSync(f, "console.log('task says ' + Quickrail.argv.join(','));\n");
  const r = await runCli(["run", f, "a", "b"], { cwd: dir });
  assert.equal(r.code, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /task says a,b/);
});

/* alive = exists and is not a zombie waiting to be reaped */
function procAlive(pid) {
  try { return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8")); } catch { return false; }
}

for (const sig of ["SIGTERM", "SIGINT"]) {
  test(`${sig}: stops accepting, finishes in-flight requests, exits 0, leaves no process`, async (t) => {
    const srv = await startServer({ app: "tests/fixtures/faults", workers: 2 });
    t.after(() => srv.stop());
    const s = await srv.stats();
    const pids = [s.zygote.pid, ...s.workers.map((w) => w.pid)];
    const inflight = fetch(srv.url + "/sleep?ms=400").then(async (r) => [r.status, await r.text()]);
    await new Promise((r) => setTimeout(r, 100));
    srv.proc.kill(sig);
    await srv.waitForLog(/Gracefully stopping/);
    /* new connections are refused once it stopped accepting */
    await new Promise((r) => setTimeout(r, 50));
    await assert.rejects(fetch(srv.url + "/ok"));
    assert.deepEqual(await inflight, [200, "slept 400"]);
    const { code } = await srv.wait();
    assert.equal(code, 0);
    await new Promise((r) => setTimeout(r, 100));
    for (const pid of pids) assert.equal(procAlive(pid), false, `pid ${pid} still alive`);
  });
}

test("shutdown does not wait forever for a stuck request", async (t) => {
  const srv = await startServer({ app: "tests/fixtures/faults", workers: 1, args: ["--deadline", "300"], env: { QUICKRAIL_KILL_GRACE_MS: "200" } });
  t.after(() => srv.stop({ signal: "SIGKILL" }));
  const stuck = fetch(srv.url + "/regex").then((r) => r.status, () => "error");
  // the request must be running in the worker when SIGTERM arrives (a fixed sleep raced a
  // loaded machine: the request reached the worker after the signal and was refused with 503)
  await srv.waitForLog(/regex: started/);
  const t0 = Date.now();
  const { code } = await srv.stop();
  assert.equal(code, 0);
  assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
  assert.ok([500, "error"].includes(await stuck));
});

test("Rails' command names: server and s serve like up; a mistyped command names the closest one", async () => {
  for (const alias of ["server", "s"]) {
    const r = await runCli([alias, "--help"]);
    assert.equal(r.code, 0, alias);
    assert.match(r.stdout, /quickrail server/);
  }
  const cases = [
    [["upp"], /unknown command 'upp'; did you mean `up`\?/],
    [["rotes"], /did you mean `routes`\?/],
    [["db:migrat"], /unknown database task 'db:migrat'; did you mean `db:migrate`\?/],
    [["db:rollback", "STEP=x"], /invalid STEP=x: STEP must be a whole number/],
    [["db:migrate:redo", "STEP=0"], /invalid STEP=0/],
    [["db:migrate", "VERSION=abc"], /invalid VERSION=abc/],
    [["db:migrate", "-e"], /option '-e' needs a value/],
    [["xyzzyq"], /unknown command 'xyzzyq'\n/],
  ];
  for (const [args, re] of cases) {
    const r = await runCli(args, { cwd: os.tmpdir() });
    assert.equal(r.code, 2, `${args.join(" ")}: exit ${r.code}`);
    assert.match(r.stderr, re, args.join(" "));
  }
});

test("production refuses to start without SECRET_KEY_BASE and says how to set it", async () => {
  const env = { SECRET_KEY_BASE: "", QUICKRAIL_ENV: "" };
  for (const args of [["serve", HELLO, "-e", "production"], ["serve", HELLO]]) {
    const r = await runCli([...args, "-p", "0", "-b", "127.0.0.1"],
      { env: args.length === 2 ? { ...env, RAILS_ENV: "production" } : env });
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.stderr, /refusing to start in production without SECRET_KEY_BASE/);
    assert.match(r.stderr, /export SECRET_KEY_BASE=\$\(openssl rand -hex 64\)/);
  }
});

test("-e production is the environment everywhere: the app's workers and the db tasks", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-env-"));
  fs.writeFileSync(path.join(dir, "app.js"),
    "export default { fetch() { const e = Quickrail.env; return new Response(`${e.QUICKRAIL_ENV} ${e.RAILS_ENV}`); } };\n");
  const srv = await startServer({ app: dir, workers: 1, args: ["-e", "production"],
    env: { QUICKRAIL_ENV: "development", RAILS_ENV: "development", SECRET_KEY_BASE: "s".repeat(64) } });
  try {
    assert.match(srv.logs(), /starting in production/);
    assert.equal(await (await fetch(srv.url + "/")).text(), "production production");
  } finally {
    await srv.stop();
  }
  const app = fs.mkdtempSync(path.join(os.tmpdir(), "qr-envdb-"));
  const made = await runCli(["new", "blog", "--demo", "blog"], { cwd: app, timeoutMs: 30000 });
  assert.equal(made.code, 0, made.stderr);
  const blog = path.join(app, "blog");
  const st = await runCli(["db:migrate:status", "-e", "production"], { cwd: blog, env: { QUICKRAIL_ENV: "", RAILS_ENV: "" } });
  assert.equal(st.code, 0, st.stderr);
  assert.match(st.stdout, /db\/production\.sqlite3/);
  assert.doesNotMatch(st.stdout, /development/);
});

test("db:drop, db:reset, db:migrate:redo and db:version, as in Rails", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "qr-dbtasks-"));
  assert.equal((await runCli(["new", "blog", "--demo", "blog"], { cwd: root, timeoutMs: 30000 })).code, 0);
  const cwd = path.join(root, "blog");
  const env = { QUICKRAIL_ENV: "development", RAILS_ENV: "" };
  const run = (...args) => runCli(args, { cwd, env, timeoutMs: 30000 });
  assert.equal((await run("db:prepare")).code, 0);
  let r = await run("db:version");
  assert.match(r.stdout, /^Current version: 20250101000002$/m);
  r = await run("db:migrate:redo");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /20250101000002 create_comments: reverted[\s\S]*20250101000002 create_comments: migrated/);
  r = await run("db:drop");
  assert.equal(r.code, 0, r.stderr);
  assert.match((await run("db:migrate:status")).stdout, /down\s+20250101000001/);
  r = await run("db:reset");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Seeded the database[\s\S]*was reset/);
  assert.match((await run("db:migrate:status")).stdout, /up\s+20250101000002/);
  r = await run("db:drop", "-e", "production");
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /refusing to drop the production database .*DISABLE_DATABASE_ENVIRONMENT_CHECK=1/);
});
