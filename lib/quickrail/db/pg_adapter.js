// db/pg_adapter.js — the PostgreSQL adapter: the same table of operations as the SQLite one,
// over the runtime's `PgDatabase` from the native module quickrail:pg (bun:sqlite surface over
// libpq, src/js_pg.c; null on the Node host). Differences it
// absorbs: INSERT ... RETURNING for ids, bigserial/timestamp(6)/bytea/jsonb column types,
// information_schema instead of PRAGMA/sqlite_master, real booleans, LIMIT ALL, and column
// defaults printed as SQL ('x'::character varying, nextval(...)).
import { PgDatabase } from "quickrail:pg";
const typeMap = {
  string: "character varying", text: "text", integer: "integer", bigint: "bigint", float: "double precision",
  decimal: "numeric", boolean: "boolean", datetime: "timestamp(6)", date: "date", time: "time",
  binary: "bytea", references: "bigint", json: "jsonb", primary_key: "bigserial PRIMARY KEY",
};

function parseDefault(d) {
  if (d === null || d === undefined) return null;
  const s = String(d);
  if (/^nextval\(/i.test(s) || /\(\)$/.test(s)) return null; // sequences, now(), ...
  let m = /^'((?:[^']|'')*)'(::[\w\s]+)?$/.exec(s);
  if (m) return m[1].replace(/''/g, "'");
  m = /^\(?(-?\d+(\.\d+)?)\)?(::[\w\s]+)?$/.exec(s);
  if (m) return m[1];
  if (s === "true" || s === "false") return s;
  return null;
}

export function pgAdapter(url) {
  let db = null;
  const quoted = Object.create(null);
  const open = () => {
    if (!db) {
      if (typeof PgDatabase !== "function") throw new Error("quickrail: DATABASE_URL is postgres:// but this runtime has no PgDatabase (quickrail built without libpq, or the Node host)");
      db = new PgDatabase(url);
    }
    return db;
  };
  const q = (sql) => open().query(sql);
  return {
    name: "postgresql",
    url,
    limitAll: "ALL",
    placeholder(i) { return "$" + i; },
    quote(ident) { return quoted[ident] || (quoted[ident] = '"' + String(ident).replace(/"/g, '""') + '"'); },
    all(sql, params) { return q(sql).all(...(params || [])); },
    get(sql, params) { return q(sql).get(...(params || [])) || null; },
    run(sql, params) { return q(sql).run(...(params || [])); },
    exec(sql) { open().exec(sql); },
    insert(table, columns, values, pk = "id") {
      const sql = "INSERT INTO " + this.quote(table) +
        (columns.length ? " (" + columns.map((c) => this.quote(c)).join(", ") + ") VALUES (" + columns.map(() => "?").join(", ") + ")" : " DEFAULT VALUES") +
        " RETURNING " + this.quote(pk);
      return q(sql).run(...values).lastInsertRowid;
    },
    begin() { open().exec("BEGIN"); },
    commit() { open().exec("COMMIT"); },
    rollback() { open().exec("ROLLBACK"); },
    savepoint(n) { open().exec("SAVEPOINT " + n); },
    releaseSavepoint(n) { open().exec("RELEASE SAVEPOINT " + n); },
    rollbackToSavepoint(n) { open().exec("ROLLBACK TO SAVEPOINT " + n); },
    tableExists(table) {
      return !!q("SELECT 1 AS one FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ?").get(table);
    },
    columns(table) {
      return q("SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position")
        .all(table).map((c) => ({
          name: c.column_name, type: String(c.data_type).toLowerCase(), notnull: c.is_nullable === "NO",
          default: parseDefault(c.column_default), pk: /^nextval\(/i.test(String(c.column_default || "")),
        }));
    },
    tables() { return q("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name").all().map((r) => r.table_name); },
    sqlType(type, opts) {
      let t = typeMap[type] || type;
      if (type === "string" && opts && opts.limit) t = "character varying(" + opts.limit + ")";
      return t;
    },
    castFromDb(type, v) {
      if (v === null || v === undefined) return null;
      if (type === "boolean") return v === true || v === "t" || v === "true" || v === 1;
      if (/^(datetime|timestamp)/.test(type)) {
        if (v instanceof Date) return v;
        return new Date(/[zZ]|[+-]\d\d(:?\d\d)?$/.test(v) ? v : String(v).replace(" ", "T") + "Z");
      }
      return v;
    },
    castToDb(v) {
      if (v === undefined) return null;
      if (v instanceof Date) return v.toISOString();
      if (v !== null && typeof v === "object" && !(v instanceof Uint8Array)) return JSON.stringify(v);
      return v;
    },
    createDatabase() { return typeof PgDatabase === "function" && PgDatabase.createDatabase ? PgDatabase.createDatabase(url) : false; },
    close() { if (db) { db.close(); db = null; } },
  };
}
