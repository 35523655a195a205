// lib/node-host/globals.js — installs on Node 20 the globals that quickrail's QuickJS runtime
// offers to JavaScript (see src/js_host.h): Database (the bun:sqlite API over better-sqlite3),
// globalThis.Quickrail (files, signed stream names, HMAC) and broadcast(stream, content).
// Imported once per process by lib/node-host/server.js and by the node:test suites, so the
// same framework and apps run unchanged on both runtimes.
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");

function loadBetterSqlite() {
  try { return require("better-sqlite3"); } catch (e) {
    return require(path.join(repoRoot, "node_modules/better-sqlite3"));
  }
}
const BetterSqlite = loadBetterSqlite();

// bun:sqlite's named parameters carry their prefix ($a, :a, @a) in the object keys;
// better-sqlite3 wants the bare names.
function bindArgs(args) {
  if (args.length === 1 && args[0] && typeof args[0] === "object" && !Array.isArray(args[0]) &&
      !(args[0] instanceof Uint8Array)) {
    const out = {};
    for (const k of Object.keys(args[0])) out[k.replace(/^[$:@]/, "")] = normalize(args[0][k]);
    return [out];
  }
  if (args.length === 1 && Array.isArray(args[0])) return args[0].map(normalize);
  return args.map(normalize);
}
function normalize(v) {
  if (v === undefined) return null;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (v instanceof Date) return v.toISOString();
  return v;
}

class Statement {
  constructor(stmt) { this.stmt = stmt; this.reader = stmt.reader; }
  all(...args) { return this.reader ? this.stmt.all(...bindArgs(args)) : (this.stmt.run(...bindArgs(args)), []); }
  get(...args) {
    if (!this.reader) { this.stmt.run(...bindArgs(args)); return null; }
    const r = this.stmt.get(...bindArgs(args));
    return r === undefined ? null : r;
  }
  run(...args) {
    const r = this.stmt.run(...bindArgs(args));
    return { changes: r.changes, lastInsertRowid: Number(r.lastInsertRowid) };
  }
  values(...args) {
    if (!this.reader) { this.stmt.run(...bindArgs(args)); return []; }
    return this.stmt.raw(true).all(...bindArgs(args));
  }
  finalize() {}
}

export class Database {
  constructor(file = ":memory:", opts = {}) {
    this.filename = file;
    this.db = new BetterSqlite(file, { readonly: !!opts.readonly, fileMustExist: opts.create === false });
    if (file !== ":memory:") {
      try { this.db.pragma("journal_mode = WAL"); } catch (e) { /* read-only */ }
    }
    this.db.pragma("busy_timeout = 5000");
    this.cache = new Map();
  }
  query(sql) {
    let s = this.cache.get(sql);
    if (!s) { s = new Statement(this.db.prepare(sql)); this.cache.set(sql, s); }
    return s;
  }
  prepare(sql) { return new Statement(this.db.prepare(sql)); }
  run(sql, ...args) {
    if (args.length === 0) { this.db.exec(sql); return { changes: 0, lastInsertRowid: 0 }; }
    return this.prepare(sql).run(...args);
  }
  exec(sql, ...args) { return this.run(sql, ...args); }
  transaction(fn) { return this.db.transaction(fn); }
  get inTransaction() { return this.db.inTransaction; }
  close() { this.db.close(); }
}

function pbkdf2Key(secret, salt) {
  return crypto.pbkdf2Sync(secret, salt, 1000, 64, "sha256");
}

export function secretKeyBase(appDir) {
  if (process.env.SECRET_KEY_BASE) return process.env.SECRET_KEY_BASE;
  const file = path.join(appDir || process.cwd(), "tmp", "secret_key_base");
  try { return fs.readFileSync(file, "utf8").trim(); } catch (e) { /* generate below */ }
  const secret = crypto.randomBytes(64).toString("hex");
  try { fs.mkdirSync(path.dirname(file), { recursive: true }); fs.writeFileSync(file, secret); } catch (e) { /* read-only app dir */ }
  return secret;
}

// Installs the globals. opts: { appDir, env, onBroadcast(stream, messageJson), workerId, argv }
export function install(opts = {}) {
  const appDir = path.resolve(opts.appDir || process.cwd());
  const secret = opts.secretKeyBase || secretKeyBase(appDir);
  const streamKey = pbkdf2Key(secret, "turbo/signed_stream_verifier_key");
  const appKey = pbkdf2Key(secret, "quickrail/app_hmac");
  const hmacHex = (key, data) => crypto.createHmac("sha256", key).update(data).digest("hex");
  const env = Object.assign({}, process.env, opts.env || {});
  if (!env.QUICKRAIL_ENV) env.QUICKRAIL_ENV = env.RAILS_ENV || "development";
  const resolve = (p) => path.isAbsolute(p) ? p : path.join(appDir, p);
  const embeddedRoot = (p) => {
    // Paths like "lib/quickrail/x.js" or "examples/blog/..." are the binary's embedded files.
    if (/^(lib|examples)\//.test(p) && !fs.existsSync(path.join(appDir, p))) return path.join(repoRoot, p);
    return resolve(p);
  };
  globalThis.Database = Database;
  globalThis.Quickrail = {
    version: "node-host",
    runtime: "node",
    env,
    appDir,
    workerId: opts.workerId || 0,
    argv: opts.argv || [],
    readFile(p) { return fs.readFileSync(embeddedRoot(p), "utf8"); },
    readDir(p) { return fs.readdirSync(embeddedRoot(p)).sort(); },
    stat(p) {
      try {
        const s = fs.statSync(embeddedRoot(p));
        return { isFile: s.isFile(), isDirectory: s.isDirectory(), size: s.size, mtimeMs: s.mtimeMs };
      } catch (e) { return null; }
    },
    writeFile(p, text) { fs.writeFileSync(resolve(p), text); },
    mkdir(p) { fs.mkdirSync(resolve(p), { recursive: true }); },
    remove(p) { try { fs.rmSync(resolve(p)); return true; } catch (e) { if (e.code === "ENOENT") return false; if (e.code === "ERR_FS_EISDIR") { fs.rmdirSync(resolve(p)); return true; } throw e; } },
    signStreamName(name) {
      const b64 = Buffer.from(JSON.stringify(String(name)), "utf8").toString("base64");
      return b64 + "--" + hmacHex(streamKey, b64);
    },
    verifyStreamName(token) {
      const i = String(token).lastIndexOf("--");
      if (i < 0) return null;
      const b64 = token.slice(0, i), sig = token.slice(i + 2);
      const want = hmacHex(streamKey, b64);
      if (sig.length !== want.length || !crypto.timingSafeEqual(Buffer.from(sig), Buffer.from(want))) return null;
      try { return JSON.parse(Buffer.from(b64, "base64").toString("utf8")); } catch (e) { return null; }
    },
    hmacSha256Hex(data) { return hmacHex(appKey, data); },
    exit(code) { process.exit(code); },
    crash() { throw new Error("Quickrail.crash() is not available on the Node host"); },
  };
  const send = opts.onBroadcast || (() => {});
  globalThis.broadcast = function broadcast(stream, content) {
    const json = typeof content === "string" ? JSON.stringify(content) : JSON.stringify(content);
    send(String(stream), json);
  };
  return globalThis.Quickrail;
}
