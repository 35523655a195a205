// db/pg_adapter.js — the PostgreSQL adapter: the same table of operations as sqlite_adapter.js
// over the runtime's `PgDatabase` (src/db_pg.c; bun:sqlite surface over libpq), so models,
// relations and migrations run unchanged. `?` placeholders are numbered by PgDatabase; ids come
// back through INSERT ... RETURNING; timestamps are stored as UTC in `timestamp(6)`. A database
// that cannot be reached throws DatabaseUnavailable (status 503), which the application's error
// handler answers with 503.
const typeMap = {
  string: "varchar", text: "text", integer: "integer", bigint: "bigint", float: "double precision",
  decimal: "decimal", boolean: "boolean", datetime: "timestamp(6)", date: "date", time: "time",
  binary: "bytea", references: "bigint", json: "json", primary_key: "bigserial PRIMARY KEY",
};
// information_schema's data_type -> the framework's column type names (as SQLite reports them)
const typeNames = {
  "character varying": "varchar", "timestamp without time zone": "timestamp", "timestamp with time zone": "timestamp",
  "double precision": "float", real: "float", numeric: "decimal", smallint: "integer", "time without time zone": "time",
};

export function pgAdapter(url) {
  let db = null;
  const open = () => {
    if (!db) {
      if (typeof PgDatabase !== "function") throw new Error("quickrail: this runtime has no PgDatabase (DATABASE_URL is postgres://)");
      db = new PgDatabase(url);
    }
    return db;
  };
  // SQLite's "LIMIT -1 OFFSET n" (offset without limit) is "OFFSET n" here.
  const fix = (sql) => (sql.indexOf(" LIMIT -1") >= 0 ? sql.replace(/ LIMIT -1 OFFSET /g, " OFFSET ") : sql);
  const q = (sql) => open().query(fix(sql));
  return {
    name: "postgresql",
    url,
    placeholder() { return "?"; },
    quote(ident) { return '"' + String(ident).replace(/"/g, '""') + '"'; },
    all(sql, params) { return q(sql).all(...(params || [])); },
    get(sql, params) { return q(sql).get(...(params || [])) || null; },
    run(sql, params) { return q(sql).run(...(params || [])); },
    exec(sql) { open().exec(sql); },
    insert(table, columns, values, primaryKey = "id") {
      const sql = "INSERT INTO " + this.quote(table) +
        (columns.length ? " (" + columns.map((c) => this.quote(c)).join(", ") + ") VALUES (" + columns.map(() => "?").join(", ") + ")" : " DEFAULT VALUES") +
        " RETURNING " + this.quote(primaryKey || "id");
      const row = q(sql).get(...values);
      return row ? row[primaryKey || "id"] : null;
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
      const pk = new Set(q("SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) " +
        "WHERE i.indisprimary AND i.indrelid = to_regclass(?)").all(this.quote(table)).map((r) => r.name));
      return q("SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns " +
        "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position").all(table).map((c) => {
        let def = c.column_default;
        if (def !== null && /^nextval\(/.test(def)) def = null;
        if (def !== null) def = def.replace(/::[a-z ]+(\([0-9, ]+\))?$/i, "");
        return { name: c.column_name, type: typeNames[c.data_type] || c.data_type, notnull: c.is_nullable === "NO", default: def, pk: pk.has(c.column_name) };
      });
    },
    tables() {
      return q("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name")
        .all().map((r) => r.table_name);
    },
    sqlType(type, opts) {
      let t = typeMap[type] || type;
      if (type === "string" && opts && opts.limit) t = "varchar(" + opts.limit + ")";
      if (type === "decimal" && opts && opts.precision) t = "decimal(" + opts.precision + (opts.scale !== undefined ? ", " + opts.scale : "") + ")";
      return t;
    },
    castFromDb(type, v) {
      if (v === null || v === undefined) return null;
      if (type === "boolean") return v === true || v === "t" || v === 1;
      if (type.startsWith("datetime") || type === "timestamp") {
        if (v instanceof Date) return v;
        return new Date(/[zZ]|[+-]\d\d(:?\d\d)?$/.test(v) ? String(v).replace(" ", "T") : String(v).replace(" ", "T") + "Z");
      }
      return v;
    },
    castToDb(v) {
      if (v === undefined) return null;
      if (v instanceof Date) return v.toISOString();
      if (v !== null && typeof v === "object" && !(v instanceof Uint8Array)) return JSON.stringify(v);
      return v;
    },
    // db:create — creates the database named by the URL when missing; true when it existed.
    createDatabase() { return !PgDatabase.createDatabase(url); },
    dropDatabase() { return PgDatabase.dropDatabase(url); },
    close() { if (db) { db.close(); db = null; } },
  };
}
