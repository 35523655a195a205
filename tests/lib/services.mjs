// tests/lib/services.mjs — real Redis 7 and PostgreSQL 15 for tests and benchmarks, each started
// on a free 127.0.0.1 port in a temporary directory and stopped afterwards.
//
//   import { startRedis, startPostgres } from "../lib/services.mjs";
//   const redis = await startRedis();          // { port, url, cli(...args), stop(), restart() }
//   const pg = await startPostgres();          // { port, url, urlFor(db), psql(sql), stop(), restart() }
//
// PostgreSQL refuses to run as root: as root, initdb and postgres run as the `postgres` system
// user (created by Debian's postgresql package) or `nobody`, in a directory owned by it. Both
// servers are killed when the test process exits, even if a test forgets stop().
import { spawn, execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const PG_BIN = process.env.PG_BIN || "/usr/lib/postgresql/15/bin";
const live = new Set();
process.on("exit", () => { for (const p of live) try { p.kill("SIGKILL"); } catch {} });

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.on("connect", () => { s.destroy(); resolve(true); });
    s.on("error", () => resolve(false));
  });
}

async function waitFor(check, timeoutMs, what) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function run(file, args, opts = {}) {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: 30000, ...opts }, (err, stdout, stderr) => {
      if (err) { err.message += `\n${stderr}`; reject(err); } else resolve(stdout);
    });
  });
}

function serviceUser() {
  if (process.getuid() !== 0) return {};
  for (const name of ["postgres", "nobody"]) {
    try {
      const id = (flag) => Number(execFileSync("id", [flag, name], { stdio: ["ignore", "pipe", "ignore"] }).toString());
      return { uid: id("-u"), gid: id("-g") };
    } catch {}
  }
  throw new Error("running as root and neither a `postgres` nor a `nobody` user exists");
}

function spawnServer(file, args, opts, logFile) {
  const log = fs.openSync(logFile, "a");
  const proc = spawn(file, args, { ...opts, stdio: ["ignore", log, log] });
  fs.closeSync(log);
  live.add(proc);
  const exited = new Promise((resolve) => proc.on("exit", (code, signal) => { live.delete(proc); resolve({ code, signal }); }));
  return { proc, exited };
}

// Redis 7 (redis-server) on a free port, no persistence.
export async function startRedis({ port } = {}) {
  port ??= await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-redis-"));
  let server = null;
  async function start() {
    server = spawnServer("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "",
      "--appendonly", "no", "--dir", dir], {}, path.join(dir, "redis.log"));
    await waitFor(() => portOpen(port), 10000, `redis-server on port ${port}`);
  }
  async function stop() {
    if (!server) return;
    const s = server;
    server = null;
    s.proc.kill("SIGTERM");
    await s.exited;
  }
  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    cli: (...args) => run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args]).then((s) => s.trim()),
    log: () => fs.readFileSync(path.join(dir, "redis.log"), "utf8"),
    stop: async () => { await stop(); fs.rmSync(dir, { recursive: true, force: true }); },
    kill: stop,                      // stops the server, keeps the directory
    restart: async () => { await stop(); await start(); },
    start,
  };
}

// PostgreSQL 15: initdb (trust auth, user postgres) in a temp dir, then postgres on a free port
// with its unix socket in that dir.
export async function startPostgres({ port } = {}) {
  port ??= await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-pg-"));
  const user = serviceUser();
  if (user.uid !== undefined) fs.chownSync(dir, user.uid, user.gid);
  const data = path.join(dir, "data");
  await run(path.join(PG_BIN, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"],
    { ...user, cwd: dir, timeout: 120000 });
  let server = null;
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const psqlArgs = ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-v", "ON_ERROR_STOP=1", "-Atq"];
  const psql = (sql, db = "postgres") => run(path.join(PG_BIN, "psql"), [...psqlArgs, "-d", db, "-c", sql]).then((s) => s.trim());
  async function start() {
    server = spawnServer(path.join(PG_BIN, "postgres"), ["-D", data, "-p", String(port), "-h", "127.0.0.1", "-k", dir,
      "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=100"],
      { ...user, cwd: dir }, path.join(dir, "postgres.log"));
    await waitFor(async () => {
      try { await run(path.join(PG_BIN, "pg_isready"), ["-h", "127.0.0.1", "-p", String(port)]); return true; } catch { return false; }
    }, 30000, `PostgreSQL on port ${port}`);
  }
  async function stop() {
    if (!server) return;
    const s = server;
    server = null;
    s.proc.kill("SIGINT"); // fast shutdown: clients see their connections closed
    await s.exited;
  }
  await start();
  return {
    port,
    url,
    dir,
    urlFor: (db) => url.replace(/\/postgres$/, `/${db}`),
    psql,
    log: () => fs.readFileSync(path.join(dir, "postgres.log"), "utf8"),
    stop: async () => { await stop(); fs.rmSync(dir, { recursive: true, force: true }); },
    kill: stop,
    restart: async () => { await stop(); await start(); },
    start,
  };
}
