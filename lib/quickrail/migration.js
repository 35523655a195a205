// migration.js — ActiveRecord::Migration and the migrator: JS migration files in db/migrate
// (NNNN_name.js, default export a class with change() or up()/down()), a createTable /
// addColumn / addIndex / addReference / removeColumn / dropTable DSL through the adapter,
// reversible change(), and the schema_migrations table.
import { connection, transaction } from "./db/connection.js";
import { pluralize } from "./support/inflector.js";
import { registry } from "./model/base.js";
import * as host from "./host.js";
import { frames, nameCallee } from "./support/backtrace.js";

class TableDefinition {
  constructor(name, db, opts) { this.name = name; this.db = db; this.columns = []; this.indexes = []; this.foreignKeys = []; this.opts = opts; }
  column(name, type, opts = {}) { this.columns.push({ name, type, opts }); return this; }
  references(name, opts = {}) {
    this.column(name + "_id", opts.type || "references", { null: opts.null });
    if (opts.index !== false) this.indexes.push({ columns: [name + "_id"], opts: typeof opts.index === "object" ? opts.index : {} });
    if (opts.foreignKey || opts.foreign_key) this.foreignKeys.push({ column: name + "_id", table: (typeof (opts.foreignKey || opts.foreign_key) === "object" && (opts.foreignKey || opts.foreign_key).toTable) || pluralize(name) });
    return this;
  }
  belongsTo(name, opts) { return this.references(name, opts); }
  timestamps(opts = {}) { this.column("created_at", "datetime", Object.assign({ null: false }, opts)); this.column("updated_at", "datetime", Object.assign({ null: false }, opts)); return this; }
  index(columns, opts = {}) { this.indexes.push({ columns: [].concat(columns), opts }); return this; }
}
for (const t of ["string", "text", "integer", "bigint", "float", "decimal", "boolean", "datetime", "date", "time", "binary", "json"]) {
  TableDefinition.prototype[t] = function (...names) {
    const opts = typeof names[names.length - 1] === "object" ? names.pop() : {};
    for (const n of names) this.column(n, t, opts);
    return this;
  };
}

function columnSQL(db, c) {
  let s = db.quote(c.name) + " " + db.sqlType(c.type, c.opts);
  if (c.opts.null === false) s += " NOT NULL";
  if (c.opts.default !== undefined) s += " DEFAULT " + literal(c.opts.default, db);
  return s;
}
function literal(v, db) {
  if (v === null) return "NULL";
  if (typeof v === "number") return String(v);
  if (typeof v === "boolean") return db && db.name === "postgresql" ? (v ? "TRUE" : "FALSE") : (v ? "1" : "0");
  return "'" + String(v).replace(/'/g, "''") + "'";
}
function indexName(table, columns) { return "index_" + table + "_on_" + columns.join("_and_"); }

export class Migration {
  constructor() { this.reverting = false; this.recorded = []; }
  // the connection, whose exec() tags a failing statement's error with its SQL (err.sql)
  get db() {
    const db = connection();
    return Object.create(db, { exec: { value: (sql) => {
      try { return db.exec(sql); } catch (e) { if (e && typeof e === "object" && !e.sql) { try { e.sql = sql; } catch (x) { /* frozen */ } } throw e; }
    } } });
  }
  execute(sql) { this.db.exec(sql); }
  createTable(name, opts, fn) {
    if (typeof opts === "function") { fn = opts; opts = {}; }
    opts = opts || {};
    if (this.reverting) return this.dropTable(name);
    this.recorded.push(["createTable", name]);
    const db = this.db;
    const t = new TableDefinition(name, db, opts);
    if (fn) fn(t);
    const defs = [];
    if (opts.id !== false) defs.push(db.quote(opts.primaryKey || "id") + " " + db.sqlType("primary_key"));
    for (const c of t.columns) defs.push(columnSQL(db, c));
    for (const fk of t.foreignKeys) defs.push("FOREIGN KEY (" + db.quote(fk.column) + ") REFERENCES " + db.quote(fk.table) + " (" + db.quote("id") + ")");
    db.exec("CREATE TABLE " + (opts.force ? "" : "") + db.quote(name) + " (" + defs.join(", ") + ")");
    for (const ix of t.indexes) this.addIndex(name, ix.columns, ix.opts);
  }
  dropTable(name) { this.db.exec("DROP TABLE " + this.db.quote(name)); }
  addColumn(table, name, type, opts = {}) {
    if (this.reverting) return this.removeColumn(table, name);
    this.db.exec("ALTER TABLE " + this.db.quote(table) + " ADD " + columnSQL(this.db, { name, type, opts }));
  }
  removeColumn(table, name) { this.db.exec("ALTER TABLE " + this.db.quote(table) + " DROP COLUMN " + this.db.quote(name)); }
  renameColumn(table, from, to) {
    if (this.reverting) [from, to] = [to, from];
    this.db.exec("ALTER TABLE " + this.db.quote(table) + " RENAME COLUMN " + this.db.quote(from) + " TO " + this.db.quote(to));
  }
  addIndex(table, columns, opts = {}) {
    columns = [].concat(columns);
    const name = opts.name || indexName(table, columns);
    if (this.reverting) return this.db.exec("DROP INDEX " + this.db.quote(name));
    this.db.exec("CREATE " + (opts.unique ? "UNIQUE " : "") + "INDEX " + this.db.quote(name) + " ON " + this.db.quote(table) + " (" + columns.map((c) => this.db.quote(c)).join(", ") + ")");
  }
  removeIndex(table, columns, opts = {}) { this.db.exec("DROP INDEX " + this.db.quote(opts.name || indexName(table, [].concat(columns)))); }
  addReference(table, name, opts = {}) {
    if (this.reverting) return this.removeColumn(table, name + "_id");
    this.addColumn(table, name + "_id", "references", { null: opts.null });
    if (opts.index !== false) this.addIndex(table, [name + "_id"]);
  }
  // runs the migration in a direction: "up" or "down"
  run(direction) {
    if (direction === "up") { if (typeof this.up === "function") this.up(); else this.change(); return; }
    if (typeof this.down === "function") { this.down(); return; }
    if (typeof this.change !== "function") throw new Error("quickrail: migration has neither down() nor change()");
    // reversible change(): record the operations, then undo them last-first
    const ops = [];
    const self = this;
    const proxy = new Proxy(this, { get(t, k) {
      if (["createTable", "addColumn", "addIndex", "addReference", "renameColumn"].includes(k)) return (...args) => ops.push([k, args]);
      if (["execute", "removeColumn", "dropTable", "removeIndex"].includes(k)) return () => { throw new Error("quickrail: " + k + " in change() is not reversible; write up()/down()"); };
      return Reflect.get(t, k);
    } });
    this.change.call(proxy);
    this.reverting = true;
    try { for (const [k, args] of ops.reverse()) self[k](...args); } finally { this.reverting = false; }
  }
}
Migration.prototype.create_table = Migration.prototype.createTable;
Migration.prototype.add_column = Migration.prototype.addColumn;
Migration.prototype.add_index = Migration.prototype.addIndex;

// A migration that failed, as the developer needs it: "db/migrate/X_add_y.rb:3: no such table:
// posts -- SQL: ALTER TABLE ..." (the migration's own line: compiled Ruby is line-aligned), and
// what happened to the database (its transaction rolled back; the ones before it stay applied).
function migrationError(e, f, done) {
  const root = host.appDir();
  nameCallee(e, root);
  const rel = f.file.startsWith(root + "/") ? f.file.slice(root.length + 1) : f.file;
  const at = frames(e, root).find((x) => x.file === f.file && x.line > 0);
  const name = e && e.name && e.name !== "Error" && !e.sql ? e.name + ": " : "";
  const err = new Error(rel + (at ? ":" + at.line : "") + ": " + name + String(e && e.message !== undefined ? e.message : e) + (e && e.sql ? " -- SQL: " + e.sql : "") +
    (done === undefined ? "" : "\n") + (done === undefined ? "" : done === null ? "the rollback of " + f.version + " was undone; it stays applied" : "this and all later migrations canceled; " + f.version + " was rolled back" + (done ? ", the " + done + " migrated before it stay applied" : "")));
  err.name = "ActiveRecord::MigrationError"; err.file = rel; err.line = at ? at.line : 0; err.sql = e && e.sql; err.cause = e;
  return err;
}

export class Migrator {
  constructor(dir) { this.dir = dir || host.appDir() + "/db/migrate"; }
  ensureTable() {
    const db = connection();
    if (!db.tableExists("schema_migrations")) db.exec("CREATE TABLE " + db.quote("schema_migrations") + " (" + db.quote("version") + " varchar NOT NULL PRIMARY KEY)");
  }
  applied() {
    this.ensureTable();
    const db = connection();
    return db.all("SELECT version FROM " + db.quote("schema_migrations") + " ORDER BY version").map((r) => String(r.version));
  }
  files() {
    let names = [];
    try { names = host.readDir(this.dir); } catch (e) { return []; }
    // NNN_name.rb, .js or .mjs; where one migration exists in two languages, .rb wins over .js.
    const rank = (n) => [".rb", ".js", ".mjs"].indexOf(/\.[a-z]+$/.exec(n)[0]);
    const best = new Map();
    for (const n of names.filter((x) => /^\d+_.+\.(rb|m?js)$/.test(x))) {
      const base = n.replace(/\.[a-z]+$/, "");
      if (!best.has(base) || rank(n) < rank(best.get(base))) best.set(base, n);
    }
    return [...best.values()].sort().map((n) => ({ version: /^(\d+)_/.exec(n)[1], name: n.replace(/^\d+_|\.(rb|m?js)$/g, ""), file: this.dir + "/" + n }));
  }
  pending() { const done = new Set(this.applied()); return this.files().filter((f) => !done.has(f.version)); }
  async load(f) {
    let mod;
    try { mod = await import(f.file); } catch (e) { throw /:\d+:\d+: /.test(String(e && e.message)) ? e : migrationError(e, f, undefined); }
    const M = mod.default || Object.values(mod).find((v) => typeof v === "function");
    if (!M) throw new Error("quickrail: " + f.file + " has no default export (a Migration class)");
    if (typeof M !== "function") return M;
    const inst = new M();
    if (inst instanceof Migration) return inst;
    // A Migration subclass from another copy of the framework: run its change/up/down on ours.
    const ours = new Migration();
    for (let p = M.prototype; p && p !== Object.prototype && !Object.prototype.hasOwnProperty.call(p, "createTable"); p = Object.getPrototypeOf(p)) {
      for (const k of ["change", "up", "down"]) if (!Object.prototype.hasOwnProperty.call(ours, k) && Object.prototype.hasOwnProperty.call(p, k)) ours[k] = p[k];
    }
    return ours;
  }
  // Runs pending migrations (up to `target` version); returns the versions run.
  async migrate(log = console.log, target) {
    const ran = [];
    for (const f of this.pending()) {
      if (target && f.version > target) break;
      const m = await this.load(f);
      log("== " + f.version + " " + f.name + ": migrating");
      const t0 = Date.now();
      try {
        transaction(() => {
          m.run("up");
          connection().run("INSERT INTO " + connection().quote("schema_migrations") + " (" + connection().quote("version") + ") VALUES (?)", [f.version]);
        });
      } catch (e) { throw migrationError(e, f, ran.length); }
      log("== " + f.version + " " + f.name + ": migrated (" + ((Date.now() - t0) / 1000).toFixed(4) + "s)");
      ran.push(f.version);
    }
    for (const k of Object.keys(registry)) registry[k].resetSchema();
    return ran;
  }
  async rollback(steps = 1, log = console.log) {
    const applied = this.applied().reverse().slice(0, steps);
    const files = this.files();
    for (const v of applied) {
      const f = files.find((x) => x.version === v);
      if (!f) throw new Error("quickrail: no migration file for applied version " + v);
      const m = await this.load(f);
      log("== " + f.version + " " + f.name + ": reverting");
      try {
        transaction(() => {
          m.run("down");
          connection().run("DELETE FROM " + connection().quote("schema_migrations") + " WHERE " + connection().quote("version") + " = ?", [v]);
        });
      } catch (e) { throw migrationError(e, f, null); }
      log("== " + f.version + " " + f.name + ": reverted");
    }
    for (const k of Object.keys(registry)) registry[k].resetSchema();
    return applied;
  }
  // Every migration by version: its file's, and applied versions whose file is gone ("NO FILE",
  // as Rails prints them).
  status() {
    const applied = this.applied();
    const done = new Set(applied);
    const files = this.files();
    const known = new Set(files.map((f) => f.version));
    const rows = files.map((f) => ({ status: done.has(f.version) ? "up" : "down", version: f.version, name: f.name }));
    for (const v of applied) if (!known.has(v)) rows.push({ status: "up", version: v, name: "********** NO FILE **********", missing: true });
    return rows.sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
  }
}
