// The blog under test: a throw-away copy of the shipped demo in a temp dir, wrapped by the chaos
// fixture (tests/chaos/fixtures/chaos_app.js adds /__chaos/* fault routes; the shipped
// examples/blog is never touched), its SQLite database prepared with the quickrail CLI, and the
// quickrail binary started on it on 127.0.0.1 in its own process group so that it (and every
// child) can be stopped or SIGKILLed as a whole. Also reads the stats endpoint.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, request, sleep, descendants, alive } from "./util.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = process.env.QUICKRAIL_ROOT || path.resolve(here, "../../..");
export const BIN = process.env.QUICKRAIL_BIN || path.join(ROOT, "build/quickrail");
export const SECRET = "chaos-secret-key-base-" + "0123456789abcdef".repeat(6);

function run(args, opts) {
  const r = spawnSync(BIN, args, { encoding: "utf8", timeout: 60000, ...opts });
  if (r.status !== 0) {
    throw new Error(`quickrail ${args.join(" ")} failed (status ${r.status}, signal ${r.signal}):\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

export function baseEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^(QUICKRAIL_|WEB_CONCURRENCY|PORT$|DATABASE_URL|CABLE_URL|RAILS_ENV)/.test(k)) delete env[k];
  return {
    ...env,
    QUICKRAIL_ENV: process.env.CHAOS_ENV || "production",
    SECRET_KEY_BASE: SECRET,
    QUICKRAIL_STATS: "1",
    QUICKRAIL_TEST_CRASH: "1",
    ...extra,
  };
}

// Makes the app copy: `quickrail new` (the user's path) or, if that is not available, a copy
// of examples/blog; then moves the blog's entry aside and installs the chaos wrapper as app.js.
export function prepareApp(env) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "quickrail-chaos-"));
  const app = path.join(dir, "blog");
  let made = false, madeBy = "quickrail new blog --demo blog";
  if (process.env.CHAOS_BLOG_DIR) {
    // development aid: another blog-shaped app (copied as is, database included)
    fs.cpSync(process.env.CHAOS_BLOG_DIR, app, { recursive: true });
    made = true;
    madeBy = `copy of ${process.env.CHAOS_BLOG_DIR}`;
  }
  if (!made) {
    try {
      run(["new", "blog", "--demo", "blog"], { cwd: dir, env });
      made = fs.existsSync(app);
    } catch (e) {
      made = false;
    }
  }
  if (!made) {
    madeBy = "copy of examples/blog";
    fs.cpSync(path.join(ROOT, "examples/blog"), app, {
      recursive: true,
      filter: (src) => !/\.sqlite3(-wal|-shm)?$/.test(src) && !/\/(tmp|log|node_modules)(\/|$)/.test(src),
    });
  }
  let entry;
  if (fs.existsSync(path.join(app, "app.js"))) {
    fs.renameSync(path.join(app, "app.js"), path.join(app, "blog_entry.js"));
    entry = "./blog_entry.js";
  } else if (fs.existsSync(path.join(app, "index.js"))) {
    entry = "./index.js";
  } else if (fs.existsSync(path.join(app, "config/routes.rb")) || fs.existsSync(path.join(app, "config/routes.js"))) {
    // a blog found by convention (the Ruby blog): its entry is the autoloader's promise of it
    // (autoload, not loadApp: loadApp would find the wrapper's own app.js and import it)
    fs.writeFileSync(path.join(app, "blog_entry.js"), 'import { Application } from "quickrail";\n' +
      'import { autoload } from "quickrail/autoload.js";\n' +
      "export default autoload(" + JSON.stringify(app) + ").then((options) => Application.create(options));\n");
    entry = "./blog_entry.js";
  } else {
    throw new Error(`the blog copy in ${app} has neither app.js, index.js nor config/routes.rb`);
  }
  const wrapper = fs.readFileSync(path.join(here, "../fixtures/chaos_app.js"), "utf8")
    .replaceAll("__BLOG_ENTRY__", entry);
  fs.writeFileSync(path.join(app, "app.js"), wrapper);
  const markers = path.join(dir, "markers");
  fs.mkdirSync(markers);
  if (!process.env.CHAOS_SKIP_PREPARE) run(["db:prepare"], { cwd: app, env: { ...env, CHAOS_DIR: markers } });
  const dbFile = findDb(app, env.QUICKRAIL_ENV);
  return { dir, app, markers, dbFile, madeBy };
}

function findDb(app, envName) {
  const want = path.join(app, "db", `${envName}.sqlite3`);
  if (fs.existsSync(want)) return want;
  const dbdir = path.join(app, "db");
  const found = fs.existsSync(dbdir) ? fs.readdirSync(dbdir).filter((f) => f.endsWith(".sqlite3")) : [];
  if (found.length) return path.join(dbdir, found[0]);
  throw new Error(`no SQLite database found in ${dbdir} after db:prepare`);
}

export class Server {
  // opts: { app, env, workers, port, logFile, args }
  constructor(opts) {
    this.opts = opts;
    this.lines = [];          // every log line with a receive timestamp (bounded)
    this.exit = null;
  }

  async start({ timeoutMs = 30000 } = {}) {
    this.port = this.opts.port || await freePort();
    const args = ["serve", this.opts.app, "-p", String(this.port), "-b", "127.0.0.1",
      "-w", String(this.opts.workers ?? 4), ...(this.opts.args || [])];
    this.exit = null;
    this.proc = spawn(BIN, args, { env: this.opts.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    this.pid = this.proc.pid;
    // run.sh kills these process groups if the test process itself is killed (timeout)
    try { fs.appendFileSync(path.join(ROOT, "test-artifacts", "chaos", "server-pids"), `${this.pid}\n`); } catch {}
    const log = this.opts.logFile ? fs.createWriteStream(this.opts.logFile, { flags: "a" }) : null;
    log?.write(`\n==== start pid ${this.pid}: ${BIN} ${args.join(" ")}\n`);
    const onData = (buf) => {
      log?.write(buf);
      const t = Date.now();
      for (const l of buf.toString("utf8").split("\n")) {
        if (!l) continue;
        if (this.lines.length > 200000) this.lines.splice(0, 100000);
        this.lines.push({ t, l });
      }
    };
    this.proc.stdout.on("data", onData);
    this.proc.stderr.on("data", onData);
    this.proc.on("exit", (code, signal) => { this.exit = { code, signal }; log?.write(`==== exit ${code} ${signal}\n`); });
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exit) throw new Error(`quickrail exited during start (${JSON.stringify(this.exit)}):\n${this.tail(40)}`);
      const r = await request(this.port, { path: "/__chaos/ping", timeout: 2000 });
      if (r.status === 200) return this;
      await sleep(50);
    }
    throw new Error(`quickrail did not answer /__chaos/ping within ${timeoutMs} ms:\n${this.tail(40)}`);
  }

  tail(n = 30) { return this.lines.slice(-n).map((x) => x.l).join("\n"); }
  linesSince(t) { return this.lines.filter((x) => x.t >= t).map((x) => x.l); }

  async stats() {
    const r = await request(this.port, { path: "/__quickrail/stats", timeout: 5000 });
    if (r.status !== 200) return null;
    try { return JSON.parse(r.body); } catch { return null; }
  }

  tree() { return this.pid ? descendants(this.pid) : []; }

  // Graceful stop (SIGTERM), then SIGKILL of the group after a timeout.
  async stop(timeoutMs = 10000) {
    if (!this.proc || this.exit) { this.killAll(); return this.exit; }
    const kids = this.tree().map((p) => p.pid);
    try { process.kill(this.pid, "SIGTERM"); } catch {}
    const deadline = Date.now() + timeoutMs;
    while (!this.exit && Date.now() < deadline) await sleep(20);
    const graceful = !!this.exit;
    this.killAll(kids);
    return { ...this.exit, graceful };
  }

  // SIGKILL the supervisor and every process it started, all at once (process group + the tree).
  killAll(extra = []) {
    const pids = new Set([...(this.pid ? this.tree().map((p) => p.pid) : []), ...extra]);
    try { process.kill(-this.pid, "SIGKILL"); } catch {}
    if (this.pid) { try { process.kill(this.pid, "SIGKILL"); } catch {} }
    for (const p of pids) { try { process.kill(p, "SIGKILL"); } catch {} }
    return [...pids];
  }

  async waitExit(timeoutMs = 5000) {
    const deadline = Date.now() + timeoutMs;
    while (!this.exit && Date.now() < deadline) await sleep(10);
    return this.exit;
  }
}

// Process roles from the stats endpoint, or failing that from the process tree: the
// supervisor's children are the zygote (the one with children, or the only one) and,
// depending on the design, workers; the zygote's children are workers.
export function roles(server, stats) {
  const s = stats || {};
  const zyg = s.zygote?.pid ?? s.zygote_pid ?? s.zygotePid ?? null;
  const list = s.workers ?? s.pool?.workers;
  if (zyg && Array.isArray(list)) {
    const live = list.filter((w) => (typeof w === "number" ? w : w.pid) > 0 && w.state !== "dead");
    const pids = live.map((w) => (typeof w === "number" ? w : w.pid)).filter(alive);
    const active = live.filter((w) => typeof w === "number" || ((w.role ?? "active") === "active" && (w.state === "idle" || w.state === "busy")))
      .map((w) => (typeof w === "number" ? w : w.pid)).filter(alive);
    return { zygote: zyg, workers: pids, active, source: "stats" };
  }
  const tree = server.tree();
  const kids = tree.filter((p) => p.ppid === server.pid);
  const withKids = kids.filter((k) => tree.some((p) => p.ppid === k.pid));
  const zygote = zyg ?? (withKids[0]?.pid ?? (kids.length === 1 ? kids[0].pid : null));
  const w = tree.filter((p) => p.pid !== zygote && (p.ppid === zygote || p.ppid === server.pid)).map((p) => p.pid);
  return { zygote, workers: w, active: w, source: "proc" };
}
