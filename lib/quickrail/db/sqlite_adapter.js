// db/sqlite_adapter.js — the SQLite adapter: one table of operations over the runtime's
// `Database` (bun:sqlite API; better-sqlite3 underneath on the Node host). Every SQL statement
// the framework runs goes through an adapter, so PostgreSQL plugs in by providing the same
// table (placeholders, RETURNING, types).
const typeMap = {
  string: "varchar", text: "text", integer: "integer", bigint: "bigint", float: "float",
  decimal: "decimal", boolean: "boolean", datetime: "datetime(6)", date: "date", time: "time",
  binary: "blob", references: "integer", json: "json", primary_key: "integer PRIMARY KEY AUTOINCREMENT NOT NULL",
};

export function sqliteAdapter(file) {
  let db = null;
  const quoted = Object.create(null);
  const open = () => { if (!db) db = new Database(file); return db; };
  const q = (sql) => open().query(sql);
  return {
    name: "sqlite",
    file,
    placeholder() { return "?"; },
    quote(ident) { return quoted[ident] || (quoted[ident] = '"' + String(ident).replace(/"/g, '""') + '"'); },
    all(sql, params) { return q(sql).all(...(params || [])); },
    get(sql, params) { return q(sql).get(...(params || [])) || null; },
    run(sql, params) { return q(sql).run(...(params || [])); },
    exec(sql) { open().exec(sql); },
    // INSERT ... RETURNING: SQLite >= 3.35 has it, but lastInsertRowid is enough and portable.
    insert(table, columns, values) {
      const sql = "INSERT INTO " + this.quote(table) +
        (columns.length ? " (" + columns.map((c) => this.quote(c)).join(", ") + ") VALUES (" + columns.map(() => "?").join(", ") + ")" : " DEFAULT VALUES");
      return q(sql).run(...values).lastInsertRowid;
    },
    // IMMEDIATE, as Rails does for SQLite: a deferred BEGIN that read and then wrote after
    // another process committed failed at once with SQLITE_BUSY_SNAPSHOT ("database is locked");
    // taking the write lock at BEGIN makes it wait (busy_timeout) like any other writer
    begin() { open().exec("BEGIN IMMEDIATE"); },
    commit() { open().exec("COMMIT"); },
    rollback() { open().exec("ROLLBACK"); },
    savepoint(n) { open().exec("SAVEPOINT " + n); },
    releaseSavepoint(n) { open().exec("RELEASE SAVEPOINT " + n); },
    rollbackToSavepoint(n) { open().exec("ROLLBACK TO SAVEPOINT " + n); },
    tableExists(table) { return !!q("SELECT name FROM sqlite_master WHERE type='table' AND name = ?").get(table); },
    columns(table) {
      return open().prepare("PRAGMA table_info(" + this.quote(table) + ")").all().map((c) => ({
        name: c.name, type: String(c.type || "").toLowerCase(), notnull: !!c.notnull, default: c.dflt_value, pk: !!c.pk,
      }));
    },
    tables() { return q("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all().map((r) => r.name); },
    sqlType(type, opts) {
      let t = typeMap[type] || type;
      if (type === "string" && opts && opts.limit) t = "varchar(" + opts.limit + ")";
      return t;
    },
    castFromDb(type, v) {
      if (v === null || v === undefined) return null;
      if (type === "boolean") return v === 1 || v === true || v === "t" || v === "1";
      if (type.startsWith("datetime") || type === "timestamp") {
        // fast path: what castToDb writes (toISOString, ends in "Z") needs no regex
        if (typeof v === "string" && v.charCodeAt(v.length - 1) === 90) return new Date(v);
        return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : String(v).replace(" ", "T") + "Z");
      }
      return v;
    },
    castToDb(v) {
      if (v === undefined) return null;
      if (v instanceof Date) return v.toISOString();
      if (typeof v === "boolean") return v ? 1 : 0;
      if (v !== null && typeof v === "object") return JSON.stringify(v);
      return v;
    },
    close() { if (db) { db.close(); db = null; } },
  };
}
