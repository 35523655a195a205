// lib/web/sqlite.js — the bun:sqlite API over the native "quickrail:sqlite" (js_sqlite.c):
// Database (query cache, prepare, run/exec, transaction with savepoints, close) and
// Statement (all/get/run/values/iterate). Also what `import ... from "bun:sqlite"` resolves to.
// Parameters: positional (`?`, `?1`) as arguments or one array; named (`$x`, `:x`, `@x`) as
// one object whose keys may carry the prefix or not.
import * as native from "quickrail:sqlite";

export class SQLiteError extends Error {
  static [Symbol.hasInstance](e) { return e instanceof Error && e.name === "SQLiteError"; }
}

function bindArgs(args) {
  if (args.length === 0) return undefined;
  if (args.length === 1) {
    const a = args[0];
    if (Array.isArray(a)) return a;
    if (a !== null && typeof a === "object" && !ArrayBuffer.isView(a) && !(a instanceof ArrayBuffer) && !(a instanceof Date)) return a;
  }
  return args;
}

export class Statement {
  #h; #db;
  constructor(handle, db) { this.#h = handle; this.#db = db; }
  all(...args) { return native.step(this.#h, bindArgs(args), 0); }
  values(...args) { return native.step(this.#h, bindArgs(args), 1); }
  get(...args) { return native.step(this.#h, bindArgs(args), 2); }
  run(...args) { return native.step(this.#h, bindArgs(args), 3); }
  iterate(...args) { return this.all(...args)[Symbol.iterator](); }
  [Symbol.iterator]() { return this.iterate(); }
  get columnNames() { return native.stmtInfo(this.#h, 0); }
  get paramsCount() { return native.stmtInfo(this.#h, 1); }
  get sql() { return native.stmtInfo(this.#h, 4); }
  toString() { return native.stmtInfo(this.#h, 2); }
  finalize() { native.stmtInfo(this.#h, 3); }
  get [Symbol.toStringTag]() { return "Statement"; }
}

const CACHE_MAX = 500;
let savepointSeq = 0;

export class Database {
  #h; #cache = new Map(); #closed = false;

  constructor(filename = ":memory:", options = {}) {
    let flags;
    if (typeof options === "number") flags = options & 1 ? 1 : options & 4 ? 2 | 4 : 4; // SQLITE_OPEN_* numbers
    else {
      options = options || {};
      if (options.readonly) flags = 1;
      else if (options.create === false || (options.readwrite && !options.create)) flags = 4;
      else flags = 2 | 4;
    }
    this.#h = native.open(String(filename ?? ":memory:"), flags);
  }

  static open(filename, options) { return new Database(filename, options); }

  get filename() { return native.info(this.#h, 3); }
  get inTransaction() { return native.info(this.#h, 0); }

  query(sql) {
    sql = String(sql);
    let s = this.#cache.get(sql);
    if (s === undefined) {
      s = this.prepare(sql);
      if (this.#cache.size >= CACHE_MAX) {
        const [oldest, st] = this.#cache.entries().next().value;
        this.#cache.delete(oldest);
        st.finalize();
      }
      this.#cache.set(sql, s);
    }
    return s;
  }

  prepare(sql, ...params) {
    const s = new Statement(native.prepare(this.#h, String(sql)), this);
    return s;
  }

  // Runs SQL (several statements when no parameters are given). -> { changes, lastInsertRowid }
  run(sql, ...params) {
    if (params.length === 0) {
      native.exec(this.#h, String(sql));
      return { changes: native.info(this.#h, 1), lastInsertRowid: native.info(this.#h, 2) };
    }
    const s = this.prepare(sql);
    try { return s.run(...params); } finally { s.finalize(); }
  }
  exec(sql, ...params) { return this.run(sql, ...params); }

  transaction(fn) {
    if (typeof fn !== "function") throw new TypeError("transaction(fn): fn must be a function");
    const db = this;
    const make = (begin) => function (...args) {
      const nested = db.inTransaction;
      const sp = nested ? `quickrail_sp_${++savepointSeq}` : null;
      native.exec(db.#h, nested ? `SAVEPOINT ${sp}` : begin);
      const commit = () => native.exec(db.#h, nested ? `RELEASE ${sp}` : "COMMIT");
      const rollback = () => {
        if (nested) { native.exec(db.#h, `ROLLBACK TO ${sp}`); native.exec(db.#h, `RELEASE ${sp}`); }
        else if (db.inTransaction) native.exec(db.#h, "ROLLBACK");
      };
      let result;
      try {
        result = fn.apply(this, args);
      } catch (e) {
        rollback();
        throw e;
      }
      if (result !== null && typeof result === "object" && typeof result.then === "function") {
        return result.then((v) => { commit(); return v; }, (e) => { rollback(); throw e; });
      }
      commit();
      return result;
    };
    const t = make("BEGIN");
    t.deferred = make("BEGIN DEFERRED");
    t.immediate = make("BEGIN IMMEDIATE");
    t.exclusive = make("BEGIN EXCLUSIVE");
    return t;
  }

  close(throwOnError = false) {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#cache.values()) s.finalize();
    this.#cache.clear();
    native.close(this.#h);
  }
  get [Symbol.toStringTag]() { return "Database"; }
}

export const constants = {
  SQLITE_OPEN_READONLY: 1, SQLITE_OPEN_READWRITE: 2, SQLITE_OPEN_CREATE: 4,
};

globalThis.Database = Database;
export default Database;
