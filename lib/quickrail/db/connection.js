// db/connection.js — the process's database connection (opened lazily, so the zygote never
// holds one across fork) and transactions with commit hooks: after_commit callbacks and
// broadcasts run only once the outermost transaction has committed; a rollback drops them.
import { sqliteAdapter } from "./sqlite_adapter.js";
import { pgAdapter } from "./pg_adapter.js";
import * as host from "../host.js";

let adapter = null;
let adapterFactory = null;
let depth = 0;
let commitHooks = [];
let rollbackHooks = [];

export function env() { return host.envName(); }
export function appDir() { return host.appDir(); }

// The configured database: DATABASE_URL (sqlite3:path / file path / postgres://) or
// APP/db/<env>.sqlite3.
export function databaseConfig() {
  const url = host.env().DATABASE_URL || "";
  if (/^postgres(ql)?:/.test(url)) return { adapter: "postgresql", url };
  if (url) return { adapter: "sqlite", file: url.replace(/^sqlite3?:(\/\/)?/, "") };
  return { adapter: "sqlite", file: appDir() + "/db/" + env() + ".sqlite3" };
}

// Adapters by name; registerAdapter adds more.
const factories = { sqlite: (cfg) => sqliteAdapter(cfg.file), postgresql: (cfg) => pgAdapter(cfg.url) };
export function registerAdapter(name, factory) { factories[name] = factory; }

export function establishConnection(cfgOrAdapter) {
  if (adapter) adapter.close();
  adapter = null;
  if (cfgOrAdapter && typeof cfgOrAdapter.all === "function") { adapter = cfgOrAdapter; return adapter; }
  const cfg = cfgOrAdapter || databaseConfig();
  const f = factories[cfg.adapter];
  if (!f) throw new Error("quickrail: no database adapter named " + cfg.adapter + " (known: " + Object.keys(factories).join(", ") + ")");
  adapterFactory = () => f(cfg);
  return null;
}

export function connection() {
  if (!adapter) {
    if (!adapterFactory) establishConnection(databaseConfig());
    adapter = adapterFactory();
  }
  return adapter;
}
export function closeConnection() { if (adapter) adapter.close(); adapter = null; }

export function inTransaction() { return depth > 0; }

// Runs fn inside a transaction (a savepoint when nested). Returns fn's result; rethrows.
export function transaction(fn) {
  const db = connection();
  if (depth === 0) db.begin(); else db.savepoint("qr_sp" + depth);
  depth++;
  let result;
  try {
    result = fn();
  } catch (e) {
    depth--;
    if (depth === 0) {
      try { db.rollback(); } finally { runRollbackHooks(); }
    } else db.rollbackToSavepoint("qr_sp" + depth);
    throw e;
  }
  depth--;
  if (depth === 0) {
    db.commit();
    runCommitHooks();
  } else db.releaseSavepoint("qr_sp" + depth);
  return result;
}

function runCommitHooks() {
  const hooks = commitHooks;
  commitHooks = []; rollbackHooks = [];
  for (const h of hooks) {
    try { h(); } catch (e) { console.error("quickrail: after_commit callback failed: " + (e && e.stack || e)); }
  }
}
function runRollbackHooks() {
  const hooks = rollbackHooks;
  commitHooks = []; rollbackHooks = [];
  for (const h of hooks) { try { h(); } catch (e) { console.error(e); } }
}

// Queue fn to run after the current (outermost) transaction commits; run now when none is open.
export function afterCommit(fn) { if (depth === 0) fn(); else commitHooks.push(fn); }
export function afterRollback(fn) { if (depth > 0) rollbackHooks.push(fn); }
