// model/relation.js — ActiveRecord::Relation: a lazy, chainable query (where, order, limit,
// offset, includes) that loads when iterated or asked for records, and preloads associations
// named in includes() with one query per association (no N+1). CollectionProxy is the
// relation behind a hasMany (article.comments) with build/create and preloaded targets.
import { underscore } from "../support/inflector.js";
import { connection } from "../db/connection.js";
import { castInput } from "./attributes.js";

// A condition's value as the column stores it (where({ due_on: new Date(...) }) finds "2026-12-10").
function castCondition(model, col, v) {
  if (v && typeof v === "object" && v.id !== undefined && !(v instanceof Date)) return v.id;
  let type;
  try { model.loadSchema(); type = model.__qrMeta.columnTypes[col]; } catch (e) { type = undefined; } // no table yet

  return type === undefined ? v : castInput(type, v);
}

export class RecordNotFound extends Error {
  constructor(message, model, id) { super(message); this.name = "RecordNotFound"; this.model = model; this.id = id; this.status = 404; }
}

export class Relation {
  constructor(model, state) {
    this.model = model;
    this.s = state || { where: [], params: [], order: [], limit: null, offset: null, includes: [], scopeAttrs: {} };
    this.records = null;
  }
  clone(change) {
    const s = this.s;
    const n = new this.constructor(this.model, {
      where: s.where.slice(), params: s.params.slice(), order: s.order.slice(), limit: s.limit,
      offset: s.offset, includes: s.includes.slice(), scopeAttrs: Object.assign({}, s.scopeAttrs),
    });
    if (this.owner) { n.owner = this.owner; n.reflection = this.reflection; }
    change(n.s);
    return n;
  }
  // where({title: "x", article_id: [1,2], body: null}) | where("created_at > ?", date)
  where(cond, ...params) {
    const m = this.model;
    if (typeof cond === "string") return this.clone((s) => { s.where.push("(" + cond + ")"); s.params.push(...params.map((p) => connection().castToDb(p))); });
    return this.clone((s) => {
      for (const k of Object.keys(cond)) {
        const col = m.columnFor(k);
        const v = cond[k];
        const q = m.quote(m.tableName) + "." + m.quote(col);
        if (v === null || v === undefined) s.where.push(q + " IS NULL");
        else if (Array.isArray(v)) {
          if (v.length === 0) s.where.push("1=0");
          else { s.where.push(q + " IN (" + v.map(() => "?").join(", ") + ")"); s.params.push(...v.map((x) => connection().castToDb(castCondition(m, col, x)))); }
        } else {
          s.where.push(q + " = ?");
          s.params.push(connection().castToDb(castCondition(m, col, v)));
          s.scopeAttrs[col] = v;
        }
      }
    });
  }
  whereNot(cond) {
    const m = this.model;
    return this.clone((s) => {
      for (const k of Object.keys(cond)) {
        const q = m.quote(m.tableName) + "." + m.quote(m.columnFor(k));
        if (cond[k] === null) s.where.push(q + " IS NOT NULL");
        else { s.where.push(q + " <> ?"); s.params.push(connection().castToDb(cond[k])); }
      }
    });
  }
  // order({created_at: "desc"}) | order("created_at DESC") | order("title")
  order(...args) {
    const m = this.model;
    return this.clone((s) => {
      for (const a of args) {
        if (typeof a === "string") {
          s.order.push(/^[a-zA-Z_][\w]*$/.test(a) ? m.quote(m.tableName) + "." + m.quote(m.columnFor(a)) + " ASC" : a);
        } else for (const k of Object.keys(a)) {
          const dir = String(a[k]).toUpperCase() === "DESC" ? "DESC" : "ASC";
          s.order.push(m.quote(m.tableName) + "." + m.quote(m.columnFor(k)) + " " + dir);
        }
      }
    });
  }
  reorder(...args) { return this.clone((s) => { s.order = []; }).order(...args); }
  limit(n) { return this.clone((s) => { s.limit = n === null ? null : Number(n); }); }
  offset(n) { return this.clone((s) => { s.offset = Number(n); }); }
  includes(...names) { return this.clone((s) => { s.includes.push(...names.flat()); }); }
  preload(...names) { return this.includes(...names); }
  all() { return this; }
  none() { return this.where("1=0"); }

  whereSQL() { return this.s.where.length ? " WHERE " + this.s.where.join(" AND ") : ""; }
  toSQL(select) {
    const m = this.model;
    let sql = "SELECT " + (select || m.quote(m.tableName) + ".*") + " FROM " + m.quote(m.tableName) + this.whereSQL();
    if (this.s.order.length) sql += " ORDER BY " + this.s.order.join(", ");
    if (this.s.limit !== null) sql += " LIMIT " + this.s.limit;
    if (this.s.offset !== null) sql += (this.s.limit === null ? " LIMIT " + (connection().limitAll || "-1") : "") + " OFFSET " + this.s.offset;
    return sql;
  }
  load() {
    if (this.records) return this.records;
    const m = this.model;
    m.loadSchema();
    const rows = connection().all(this.toSQL(), this.s.params);
    const recs = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) recs[i] = m.instantiate(rows[i]);
    if (this.s.includes.length && recs.length) m.preloadAssociations(recs, this.s.includes);
    this.records = recs;
    return recs;
  }
  reload() { this.records = null; return this.load(); }
  isLoaded() { return this.records !== null; }
  toArray() { return this.load().slice(); }
  toJSON() { return this.load().map((r) => r.toJSON()); }
  [Symbol.iterator]() { return this.load()[Symbol.iterator](); }
  get length() { return this.load().length; }
  get size() { return this.records ? this.records.length : this.count(); }
  map(fn) { return this.load().map(fn); }
  forEach(fn) { this.load().forEach(fn); }
  each(fn) { this.load().forEach(fn); }
  filter(fn) { return this.load().filter(fn); }
  reduce(fn, init) { return this.load().reduce(fn, init); }
  some(fn) { return this.load().some(fn); }
  isEmpty() { return this.records ? this.records.length === 0 : !this.exists(); }
  any() { return !this.isEmpty(); }

  count() {
    if (this.s.limit !== null || this.s.offset !== null) return this.load().length;
    const row = connection().get(this.toSQL("COUNT(*) AS n").replace(/ ORDER BY .*$/, ""), this.s.params);
    return Number(row ? row.n : 0);
  }
  exists() { return !!connection().get(this.limit(1).toSQL("1 AS one"), this.s.params); }
  pluck(...cols) {
    const m = this.model;
    const sel = cols.map((c) => m.quote(m.tableName) + "." + m.quote(m.columnFor(c))).join(", ");
    const rows = connection().all(this.toSQL(sel), this.s.params);
    return rows.map((r) => cols.length === 1 ? r[m.columnFor(cols[0])] : cols.map((c) => r[m.columnFor(c)]));
  }
  ids() { return this.pluck(this.model.primaryKey); }
  first(n) {
    const rel = this.s.order.length ? this : this.order({ [this.model.primaryKey]: "asc" });
    if (n !== undefined) return rel.limit(n).toArray();
    if (this.records) return this.records[0] || null;
    return rel.limit(1).load()[0] || null;
  }
  last(n) {
    const m = this.model;
    const rev = this.s.order.length
      ? this.clone((s) => { s.order = s.order.map((o) => /\bDESC$/i.test(o) ? o.replace(/DESC$/i, "ASC") : o.replace(/( ASC)?$/i, " DESC")); })
      : this.order({ [m.primaryKey]: "desc" });
    if (n !== undefined) return rev.limit(n).toArray().reverse();
    return rev.limit(1).load()[0] || null;
  }
  find(id) {
    if (typeof id === "function") return this.load().find(id);
    const m = this.model;
    const rec = this.where({ [m.primaryKey]: id }).limit(1).load()[0];
    if (!rec) throw new RecordNotFound("Couldn't find " + m.name + " with '" + m.primaryKey + "'=" + id, m.name, id);
    return rec;
  }
  findBy(cond) { return this.where(cond).limit(1).load()[0] || null; }
  findByOrThrow(cond) {
    const r = this.findBy(cond);
    if (!r) throw new RecordNotFound("Couldn't find " + this.model.name, this.model.name);
    return r;
  }
  new(attrs = {}) { return new this.model(Object.assign({}, this.s.scopeAttrs, attrs)); }
  build(attrs) { return this.new(attrs); }
  create(attrs) { const r = this.new(attrs); r.save(); return r; }
  createBang(attrs) { const r = this.new(attrs); r.saveBang(); return r; }
  findOrCreateBy(attrs) { return this.findBy(attrs) || this.create(attrs); }
  destroyAll() { const recs = this.toArray(); for (const r of recs) r.destroy(); this.records = null; return recs; }
  deleteAll() {
    const m = this.model;
    return connection().run("DELETE FROM " + m.quote(m.tableName) + this.whereSQL(), this.s.params).changes;
  }
  updateAll(attrs) {
    const m = this.model;
    const cols = Object.keys(attrs);
    const sql = "UPDATE " + m.quote(m.tableName) + " SET " + cols.map((c) => m.quote(m.columnFor(c)) + " = ?").join(", ") + this.whereSQL();
    return connection().run(sql, cols.map((c) => connection().castToDb(attrs[c])).concat(this.s.params)).changes;
  }
}

// article.comments — a Relation scoped to the owner, whose loaded target may be set by includes().
export class CollectionProxy extends Relation {
  static for(owner, reflection) {
    const target = reflection.klass();
    // built directly (no clone chain): one of these is made per record by includes()
    const fk = reflection.foreignKey;
    const db = connection();
    const id = owner.id;
    // the quoted column is the same for every owner: worked out once per reflection and adapter
    let col = reflection.__fkColumn;
    if (col === undefined || reflection.__fkColumnDb !== db || reflection.__fkColumnTable !== target.tableName) {
      col = db.quote(target.tableName) + "." + db.quote(fk);
      Object.defineProperty(reflection, "__fkColumn", { value: col, writable: true, configurable: true, enumerable: false });
      Object.defineProperty(reflection, "__fkColumnDb", { value: db, writable: true, configurable: true, enumerable: false });
      Object.defineProperty(reflection, "__fkColumnTable", { value: target.tableName, writable: true, configurable: true, enumerable: false });
    }
    const rel = new CollectionProxy(target, {
      where: [id == null ? col + " IS NULL" : col + " = ?"],
      params: id == null ? [] : [id], order: [], limit: null, offset: null, includes: [], scopeAttrs: { [fk]: id },
    });
    rel.owner = owner;
    rel.reflection = reflection;
    if (reflection.scope) { const s = reflection.scope.apply(rel, [rel]); return s === null || s === undefined || s === false ? rel : s; }
    if (reflection.options.order) { const o = rel.order(reflection.options.order); return o; }
    return rel;
  }
  setTarget(records) { this.records = records; return this; }
  load() {
    if (this.records) return this.records;
    const recs = super.load();
    const inv = this.reflection && this.reflection.inverseOf;
    if (inv && this.model.reflectOnAssociation(inv)) for (const r of recs) r._assoc[inv] = this.owner;
    return recs;
  }
  new(attrs = {}) {
    const r = super.new(attrs);
    if (this.reflection.inverseOf) r.setAssociationTarget(this.reflection.inverseOf, this.owner);
    return r;
  }
  create(attrs) {
    const r = this.new(attrs);
    if (r.save() && this.records) this.records.push(r);
    return r;
  }
}

export function columnName(k) { return underscore(k); }
