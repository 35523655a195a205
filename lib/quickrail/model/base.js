// model/base.js — ActiveRecord::Base: one class per table, attributes from the schema
// (camelCase and snake_case accessors), persistence (save/update/destroy in a transaction),
// dirty tracking, timestamps, validations, callbacks incl. after_*_commit, associations
// (hasMany with dependent, belongsTo, hasOne) and includes() preloading. Synchronous: the
// adapters are synchronous (bun:sqlite API), so a request never waits on the database.
import { tableize, underscore, camelize, humanize, pluralize, singularize } from "../support/inflector.js";
import { connection, transaction, afterCommit, afterRollback, inTransaction } from "../db/connection.js";
import { Relation, CollectionProxy, RecordNotFound } from "./relation.js";
import { Errors } from "./errors.js";
import { runValidation, isBlank, validators } from "./validations.js";

const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
export const registry = {};

export class RecordInvalid extends Error {
  constructor(record) {
    super("Validation failed: " + record.errors.fullMessages.join(", "));
    this.name = "RecordInvalid"; this.record = record; this.status = 422;
  }
}
export class UnknownAttributeError extends Error {
  constructor(model, attr) { super("unknown attribute '" + attr + "' for " + model + "."); this.name = "UnknownAttributeError"; }
}
const ABORT = { abort: true, toString() { return "quickrail: callback chain aborted"; } };
// Inside a before_* callback: `abort()` halts the chain, save/destroy return false (Rails' throw :abort).
export function abort() { throw ABORT; }

const CALLBACKS = ["beforeValidation", "afterValidation", "beforeSave", "afterSave", "beforeCreate", "afterCreate",
  "beforeUpdate", "afterUpdate", "beforeDestroy", "afterDestroy", "afterInitialize", "afterFind",
  "afterCommit", "afterCreateCommit", "afterUpdateCommit", "afterDestroyCommit", "afterSaveCommit", "afterRollback"];

function meta(cls) {
  // fast path: the class's own meta records its owner (an inherited one belongs to a superclass)
  const own = cls.__qrMeta;
  if (own !== undefined && own.owner === cls) return own;
  if (!hasOwn(cls, "__qrMeta")) {
    Object.defineProperty(cls, "__qrMeta", { value: {
      tableName: null, columns: null, columnTypes: null, associations: {}, validations: [], callbacks: {}, primaryKey: "id",
      owner: cls,
    }, enumerable: false });
    if (cls.name && !hasOwn(cls, "abstractClass")) registry[cls.name] = cls;
  }
  return cls.__qrMeta;
}
function chain(cls) { // [Base ... cls], cached per class (class hierarchies do not change)
  if (hasOwn(cls, "__qrChain")) return cls.__qrChain;
  const out = [];
  for (let c = cls; c && c !== Object && c !== Function.prototype; c = Object.getPrototypeOf(c)) out.unshift(c);
  Object.defineProperty(cls, "__qrChain", { value: out, enumerable: false });
  return out;
}

export class Base {
  constructor(attrs) {
    const cls = this.constructor;
    cls.loadSchema();
    this._a = {};
    for (const col of cls.__qrMeta.columns) this._a[col.name] = col.default === undefined ? null : cls.castDefault(col);
    this._new = true; this._destroyed = false; this._changed = {}; this._assoc = {}; this._errors = null;
    if (attrs) this.assignAttributes(attrs);
    cls.runCallbacks(this, "afterInitialize");
  }

  // ---- class-level configuration -------------------------------------------------------
  static get tableName() { const m = meta(this); return m.tableName || (m.tableName = tableize(this.name)); }
  static set tableName(v) { meta(this).tableName = v; }
  static get primaryKey() { return meta(this).primaryKey; }
  static set primaryKey(v) { meta(this).primaryKey = v; }
  static get modelName() {
    const m = meta(this);
    if (m.modelName) return m.modelName;
    const singular = underscore(this.name);
    return (m.modelName = Object.freeze({ name: this.name, singular, plural: pluralize(singular), paramKey: singular, routeKey: pluralize(singular),
      element: singular, human: humanize(singular), collection: pluralize(singular) }));
  }
  static register() { meta(this); registry[this.name] = this; return this; }
  static quote(ident) { return connection().quote(ident); }
  static humanAttributeName(attr) { return humanize(attr); }
  static columnFor(k) {
    const m = meta(this);
    if (m.columnTypes && hasOwn(m.columnTypes, k)) return k;
    const cache = m.columnCache || (m.columnCache = Object.create(null));
    return cache[k] || (cache[k] = underscore(k));
  }

  static loadSchema() {
    const m = meta(this);
    if (m.columns) return m.columns;
    const cols = connection().columns(this.tableName);
    if (!cols.length) throw new Error("quickrail: table '" + this.tableName + "' for model " + this.name + " does not exist — run `quickrail db:migrate` (or db:prepare)");
    m.columns = cols;
    m.columnTypes = {};
    for (const c of cols) m.columnTypes[c.name] = c.type;
    m.dateColumns = cols.filter((c) => /^(datetime|timestamp|date$)/.test(c.type)).map((c) => c.name);
    m.boolColumns = cols.filter((c) => c.type === "boolean").map((c) => c.name);
    const proto = this.prototype;
    for (const c of cols) {
      const names = [c.name];
      const camel = camelize(c.name, false);
      if (camel !== c.name) names.push(camel);
      for (const n of names) {
        if (n in proto) continue; // never shadow a method or an association
        Object.defineProperty(proto, n, {
          get() { return this._a[c.name]; },
          set(v) { this.writeAttribute(c.name, v); },
          configurable: true,
        });
      }
    }
    return cols;
  }
  static resetSchema() { const m = meta(this); m.columns = null; m.columnTypes = null; }
  static get columnNames() { return this.loadSchema().map((c) => c.name); }
  static castDefault(col) {
    const d = col.default;
    if (d === null || d === undefined || col.pk) return null;
    let v = String(d).replace(/^'(.*)'$/, "$1");
    if (/^(integer|bigint|float|decimal|real)/.test(col.type)) return Number(v);
    if (col.type === "boolean") return v === "1" || v === "t" || v === "true" || v === "TRUE";
    return v;
  }
  static instantiate(row) {
    const r = Object.create(this.prototype);
    const m = this.__qrMeta;
    const dates = m.dateColumns, bools = m.boolColumns;
    if (dates.length || bools.length) {
      const db = connection();
      for (let i = 0; i < dates.length; i++) { const c = dates[i], v = row[c]; if (v !== null && v !== undefined) row[c] = db.castFromDb("datetime", v); }
      for (let i = 0; i < bools.length; i++) { const c = bools[i], v = row[c]; if (v !== null && v !== undefined) row[c] = db.castFromDb("boolean", v); }
    }
    r._a = row; r._new = false; r._destroyed = false; r._changed = {}; r._assoc = {}; r._errors = null;
    if (m.callbacks.afterFind || m.callbacks.afterInitialize) { this.runCallbacks(r, "afterFind"); this.runCallbacks(r, "afterInitialize"); }
    return r;
  }

  // ---- querying (delegates to Relation) ------------------------------------------------
  static all() { return new Relation(this); }
  static where(...a) { return this.all().where(...a); }
  static whereNot(...a) { return this.all().whereNot(...a); }
  static order(...a) { return this.all().order(...a); }
  static limit(n) { return this.all().limit(n); }
  static offset(n) { return this.all().offset(n); }
  static includes(...a) { return this.all().includes(...a); }
  static preload(...a) { return this.all().includes(...a); }
  static none() { return this.all().none(); }
  static find(id) { return this.all().find(id); }
  static findBy(c) { return this.all().findBy(c); }
  static findByOrThrow(c) { return this.all().findByOrThrow(c); }
  static findOrCreateBy(c) { return this.all().findOrCreateBy(c); }
  static first(n) { return this.all().first(n); }
  static last(n) { return this.all().last(n); }
  static count() { return this.all().count(); }
  static exists(cond) { return (cond ? this.where(cond) : this.all()).exists(); }
  static pluck(...c) { return this.all().pluck(...c); }
  static ids() { return this.all().ids(); }
  static destroyAll() { return this.all().destroyAll(); }
  static deleteAll() { return this.all().deleteAll(); }
  static updateAll(a) { return this.all().updateAll(a); }
  static create(attrs) {
    if (Array.isArray(attrs)) return attrs.map((a) => this.create(a));
    const r = new this(attrs); r.save(); return r;
  }
  static createBang(attrs) {
    if (Array.isArray(attrs)) return attrs.map((a) => this.createBang(a));
    const r = new this(attrs); r.saveBang(); return r;
  }
  static transaction(fn) { return transaction(fn); }

  // ---- validations ---------------------------------------------------------------------
  // validates("title", "body", { presence: true, length: { minimum: 10 } })
  static validates(...args) {
    const options = typeof args[args.length - 1] === "object" ? args.pop() : {};
    meta(this).validations.push({ attributes: args.map((a) => this.columnFor(a)), options });
    return this;
  }
  // validate(function () { if (...) this.errors.add("base", "...") }) or validate("methodName")
  static validate(fnOrName, options = {}) { meta(this).validations.push({ custom: fnOrName, options }); return this; }
  static validatesPresenceOf(...a) { return this.validates(...a, { presence: true }); }
  static validatesLengthOf(...a) { const o = a.pop(); return this.validates(...a, { length: o }); }
  static validatesUniquenessOf(...a) { return this.validates(...a, { uniqueness: true }); }

  // ---- callbacks -----------------------------------------------------------------------
  static addCallback(kind, fnOrName, options = {}) {
    const m = meta(this);
    (m.callbacks[kind] || (m.callbacks[kind] = [])).push({ fn: fnOrName, options });
    return this;
  }
  static runCallbacks(record, kind) {
    for (const c of chain(this)) {
      const list = c.__qrMeta && hasOwn(c, "__qrMeta") ? c.__qrMeta.callbacks[kind] : null;
      if (!list) continue;
      for (const cb of list) {
        const o = cb.options;
        if (o.if && !(typeof o.if === "function" ? o.if.call(record, record) : record[o.if]())) continue;
        if (o.unless && (typeof o.unless === "function" ? o.unless.call(record, record) : record[o.unless]())) continue;
        if (o.on) {
          const on = [].concat(o.on);
          if (!on.includes(record._lastAction)) continue;
        }
        if (typeof cb.fn === "function") cb.fn.call(record, record);
        else if (typeof record[cb.fn] === "function") record[cb.fn]();
        else throw new Error("quickrail: " + this.name + " " + kind + " callback names unknown method '" + cb.fn + "'");
      }
    }
  }

  // ---- associations --------------------------------------------------------------------
  static reflectOnAssociation(name) {
    const ch = chain(this);
    for (let i = ch.length - 1; i >= 0; i--) { const c = ch[i]; if (hasOwn(c, "__qrMeta") && c.__qrMeta.associations[name]) return c.__qrMeta.associations[name]; }
    return null;
  }
  static get reflections() {
    const out = {};
    for (const c of chain(this)) if (hasOwn(c, "__qrMeta")) Object.assign(out, c.__qrMeta.associations);
    return out;
  }
  // hasMany("comments", { dependent: "destroy" })
  static hasMany(name, options = {}) {
    const owner = this;
    const refl = {
      macro: "hasMany", name, options,
      className: options.className || camelize(singularize(name)),
      foreignKey: options.foreignKey ? underscore(options.foreignKey) : underscore(owner.name) + "_id",
      inverseOf: options.inverseOf || underscore(owner.name),
      klass() { return lookup(this.className, owner, name); },
    };
    meta(this).associations[name] = refl;
    Object.defineProperty(this.prototype, name, {
      get() { return this._assoc[name] || (this._assoc[name] = CollectionProxy.for(this, refl)); },
      set(list) { this._assoc[name] = CollectionProxy.for(this, refl).setTarget(Array.from(list)); },
      configurable: true,
    });
    if (options.dependent) {
      this.beforeDestroy(function () {
        const rel = refl.klass().where({ [refl.foreignKey]: this.id });
        if (options.dependent === "destroy") { for (const child of rel.toArray()) child.destroyedByAssociation = refl, child.destroy(); }
        else if (options.dependent === "delete_all" || options.dependent === "deleteAll") rel.deleteAll();
        else if (options.dependent === "nullify") rel.updateAll({ [refl.foreignKey]: null });
        delete this._assoc[name];
      });
    }
    return this;
  }
  static hasOne(name, options = {}) {
    const owner = this;
    const refl = {
      macro: "hasOne", name, options, className: options.className || camelize(name),
      foreignKey: options.foreignKey ? underscore(options.foreignKey) : underscore(owner.name) + "_id",
      klass() { return lookup(this.className, owner, name); },
    };
    meta(this).associations[name] = refl;
    Object.defineProperty(this.prototype, name, {
      get() {
        if (!(name in this._assoc)) this._assoc[name] = this.id == null ? null : refl.klass().findBy({ [refl.foreignKey]: this.id });
        return this._assoc[name];
      },
      configurable: true,
    });
    if (options.dependent === "destroy") this.beforeDestroy(function () { const c = this[name]; if (c) c.destroy(); });
    return this;
  }
  // belongsTo("article") — required unless { optional: true } ("Article must exist")
  static belongsTo(name, options = {}) {
    const owner = this;
    const refl = {
      macro: "belongsTo", name, options, className: options.className || camelize(name),
      foreignKey: options.foreignKey ? underscore(options.foreignKey) : underscore(name) + "_id",
      klass() { return lookup(this.className, owner, name); },
    };
    meta(this).associations[name] = refl;
    Object.defineProperty(this.prototype, name, {
      get() {
        const fk = this._a[refl.foreignKey];
        const cached = this._assoc[name];
        if (cached !== undefined && (cached === null ? fk == null : cached.id == fk)) return cached;
        const rec = fk == null ? null : refl.klass().findBy({ [refl.klass().primaryKey]: fk });
        this._assoc[name] = rec;
        return rec;
      },
      set(rec) { this.setAssociationTarget(name, rec); },
      configurable: true,
    });
    if (!options.optional) {
      meta(this).validations.push({ custom: function () {
        if (this._a[refl.foreignKey] == null && !(this._assoc[name] && this._assoc[name].isNewRecord && this._assoc[name].isNewRecord())) {
          this.errors.add(name, "must exist", { type: "blank" });
        } else if (!this[name]) this.errors.add(name, "must exist", { type: "blank" });
      }, options: {} });
    }
    return this;
  }
  static preloadAssociations(records, names) {
    for (const spec of names) {
      if (typeof spec === "string") this.preloadOne(records, spec, []);
      else for (const k of Object.keys(spec)) this.preloadOne(records, k, [].concat(spec[k]));
    }
  }
  static preloadOne(records, name, nested) {
    const refl = this.reflectOnAssociation(name);
    if (!refl) throw new Error("quickrail: association named '" + name + "' was not found on " + this.name + "; perhaps you misspelled it?");
    const target = refl.klass();
    let loaded = [];
    if (refl.macro === "hasMany" || refl.macro === "hasOne") {
      const ids = records.map((r) => r.id);
      for (let i = 0; i < ids.length; i += 500) {
        let rel = target.where({ [refl.foreignKey]: ids.slice(i, i + 500) });
        rel = refl.options.order ? rel.order(refl.options.order) : rel.order({ [target.primaryKey]: "asc" });
        loaded = loaded.concat(rel.load());
      }
      const groups = new Map();
      for (const c of loaded) {
        const k = c._a[refl.foreignKey];
        if (!groups.has(k)) groups.set(k, []);
        groups.get(k).push(c);
      }
      for (const r of records) {
        const list = groups.get(r.id) || [];
        if (refl.macro === "hasOne") r._assoc[name] = list[0] || null;
        else {
          r._assoc[name] = CollectionProxy.for(r, refl).setTarget(list);
          const inv = target.reflectOnAssociation(refl.inverseOf);
          if (inv && inv.macro === "belongsTo") for (const c of list) c._assoc[refl.inverseOf] = r;
        }
      }
    } else {
      const fks = [...new Set(records.map((r) => r._a[refl.foreignKey]).filter((v) => v != null))];
      for (let i = 0; i < fks.length; i += 500) loaded = loaded.concat(target.where({ [target.primaryKey]: fks.slice(i, i + 500) }).load());
      const byId = new Map(loaded.map((p) => [p.id, p]));
      for (const r of records) r._assoc[name] = byId.get(r._a[refl.foreignKey]) || null;
    }
    if (nested.length && loaded.length) target.preloadAssociations(loaded, nested);
  }

  // ---- instance: attributes ------------------------------------------------------------
  get id() { const m = this.constructor.__qrMeta; return this._a[m !== undefined && m.owner === this.constructor ? m.primaryKey : this.constructor.primaryKey]; }
  set id(v) { this._a[this.constructor.primaryKey] = v == null ? null : Number(v); }
  get errors() { return this._errors || (this._errors = new Errors(this)); }
  get attributes() { return Object.assign({}, this._a); }
  readAttribute(name) {
    const col = this.constructor.columnFor(name);
    if (hasOwn(this._a, col)) return this._a[col];
    return this[name];
  }
  writeAttribute(name, value) {
    const cls = this.constructor;
    const col = cls.columnFor(name);
    const type = cls.__qrMeta.columnTypes[col];
    if (type === undefined) throw new UnknownAttributeError(cls.name, name);
    const v = castInput(type, value);
    const old = this._a[col];
    if (!sameValue(old, v)) { if (!hasOwn(this._changed, col)) this._changed[col] = old; }
    this._a[col] = v;
  }
  setAssociationTarget(name, rec) {
    const refl = this.constructor.reflectOnAssociation(name);
    this._assoc[name] = rec || null;
    if (refl && refl.macro === "belongsTo") this.writeAttribute(refl.foreignKey, rec ? rec.id : null);
  }
  assignAttributes(attrs) {
    const cls = this.constructor;
    const types = cls.__qrMeta.columnTypes;
    const src = attrs && typeof attrs.toObject === "function" ? attrs.toObject() : attrs;
    for (const k of Object.keys(src || {})) {
      const col = cls.columnFor(k);
      if (hasOwn(types, col)) this.writeAttribute(col, src[k]);
      else if (cls.reflectOnAssociation(k)) this.setAssociationTarget(k, src[k]);
      else if (k in this) this[k] = src[k];
      else throw new UnknownAttributeError(cls.name, k);
    }
    return this;
  }
  get changed() { return Object.keys(this._changed); }
  get changes() { const o = {}; for (const k of Object.keys(this._changed)) o[k] = [this._changed[k], this._a[k]]; return o; }
  isChanged() { return Object.keys(this._changed).length > 0; }
  attributeChanged(name) { return hasOwn(this._changed, this.constructor.columnFor(name)); }
  isNewRecord() { return this._new; }
  isPersisted() { return !this._new && !this._destroyed; }
  isDestroyed() { return this._destroyed; }
  toParam() { return this.isPersisted() ? String(this.id) : null; }
  toKey() { return this.isPersisted() ? [this.id] : null; }
  get modelName() { return this.constructor.modelName; }
  toPartialPath() { const m = this.constructor.modelName; return m.plural + "/_" + m.singular; }
  toJSON() {
    const out = {};
    for (const k of Object.keys(this._a)) { const v = this._a[k]; out[k] = v instanceof Date ? v.toISOString() : v; }
    return out;
  }
  asJson(opts = {}) {
    let o = this.toJSON();
    if (opts.only) { const only = [].concat(opts.only); o = Object.fromEntries(Object.entries(o).filter(([k]) => only.includes(k))); }
    if (opts.except) { const ex = [].concat(opts.except); o = Object.fromEntries(Object.entries(o).filter(([k]) => !ex.includes(k))); }
    if (opts.include) for (const n of [].concat(opts.include)) { const v = this[n]; o[n] = v && v.toJSON ? v.toJSON() : v; }
    return o;
  }
  inspect() { return "#<" + this.constructor.name + " " + JSON.stringify(this.toJSON()) + ">"; }
  equals(other) { return other && other.constructor === this.constructor && other.id != null && other.id === this.id; }

  // ---- instance: validation & persistence --------------------------------------------
  isValid(context) {
    const cls = this.constructor;
    this._lastAction = context || (this._new ? "create" : "update");
    this.errors.clear();
    cls.runCallbacks(this, "beforeValidation");
    for (const c of chain(cls)) {
      if (!hasOwn(c, "__qrMeta")) continue;
      for (const v of c.__qrMeta.validations) {
        if (v.custom) {
          const o = v.options || {};
          if (o.on && o.on !== this._lastAction) continue;
          if (typeof v.custom === "function") v.custom.call(this, this); else this[v.custom]();
        } else runValidation(this, v);
      }
    }
    cls.runCallbacks(this, "afterValidation");
    return this.errors.isEmpty();
  }
  valid() { return this.isValid(); }
  isInvalid() { return !this.isValid(); }
  validateBang() { if (!this.isValid()) throw new RecordInvalid(this); return true; }

  save(opts = {}) {
    if (this._destroyed) throw new Error("quickrail: can't save a destroyed " + this.constructor.name);
    try {
      if (opts.validate !== false && !this.isValid()) return false;
      const cls = this.constructor;
      const creating = this._new;
      this._lastAction = creating ? "create" : "update";
      transaction(() => {
        cls.runCallbacks(this, "beforeSave");
        cls.runCallbacks(this, creating ? "beforeCreate" : "beforeUpdate");
        if (creating) this._insert(); else this._update();
        cls.runCallbacks(this, creating ? "afterCreate" : "afterUpdate");
        cls.runCallbacks(this, "afterSave");
        const action = this._lastAction;
        afterCommit(() => {
          this._lastAction = action;
          cls.runCallbacks(this, creating ? "afterCreateCommit" : "afterUpdateCommit");
          cls.runCallbacks(this, "afterSaveCommit");
          cls.runCallbacks(this, "afterCommit");
        });
        afterRollback(() => cls.runCallbacks(this, "afterRollback"));
      });
      return true;
    } catch (e) {
      if (e === ABORT) return false;
      throw e;
    }
  }
  saveBang(opts) {
    if (!this.save(opts)) {
      if (this.errors.any()) throw new RecordInvalid(this);
      throw Object.assign(new Error("Failed to save the record"), { name: "RecordNotSaved", record: this });
    }
    return true;
  }
  _insert() {
    const cls = this.constructor;
    const m = cls.__qrMeta;
    const now = new Date();
    if (hasOwn(m.columnTypes, "created_at") && this._a.created_at == null) this._a.created_at = now;
    if (hasOwn(m.columnTypes, "updated_at") && this._a.updated_at == null) this._a.updated_at = now;
    const db = connection();
    const cols = [], vals = [];
    for (const c of m.columns) {
      const v = this._a[c.name];
      if (c.name === cls.primaryKey && v == null) continue;
      cols.push(c.name); vals.push(db.castToDb(v));
    }
    const id = db.insert(cls.tableName, cols, vals, cls.primaryKey);
    if (this._a[cls.primaryKey] == null) this._a[cls.primaryKey] = Number(id);
    this._new = false;
    this._changed = {};
  }
  _update() {
    const cls = this.constructor;
    const m = cls.__qrMeta;
    const changed = Object.keys(this._changed);
    if (!changed.length) return;
    if (hasOwn(m.columnTypes, "updated_at") && !hasOwn(this._changed, "updated_at")) { this._a.updated_at = new Date(); changed.push("updated_at"); }
    const db = connection();
    const sql = "UPDATE " + db.quote(cls.tableName) + " SET " + changed.map((c) => db.quote(c) + " = ?").join(", ") +
      " WHERE " + db.quote(cls.primaryKey) + " = ?";
    db.run(sql, changed.map((c) => db.castToDb(this._a[c])).concat([this.id]));
    this._changed = {};
  }
  update(attrs) { this.assignAttributes(attrs); return this.save(); }
  updateBang(attrs) { this.assignAttributes(attrs); return this.saveBang(); }
  updateAttribute(name, value) { this.writeAttribute(name, value); return this.save({ validate: false }); }
  updateColumns(attrs) {
    const cls = this.constructor, db = connection();
    const cols = Object.keys(attrs).map((k) => cls.columnFor(k));
    db.run("UPDATE " + db.quote(cls.tableName) + " SET " + cols.map((c) => db.quote(c) + " = ?").join(", ") + " WHERE " + db.quote(cls.primaryKey) + " = ?",
      cols.map((c, i) => db.castToDb(castInput(cls.__qrMeta.columnTypes[c], attrs[Object.keys(attrs)[i]]))).concat([this.id]));
    for (let i = 0; i < cols.length; i++) this._a[cols[i]] = castInput(cls.__qrMeta.columnTypes[cols[i]], attrs[Object.keys(attrs)[i]]);
    return true;
  }
  touch() { return this.updateColumns({ updated_at: new Date() }); }
  destroy() {
    const cls = this.constructor;
    if (this._new) { this._destroyed = true; return this; }
    try {
      this._lastAction = "destroy";
      transaction(() => {
        cls.runCallbacks(this, "beforeDestroy");
        const db = connection();
        db.run("DELETE FROM " + db.quote(cls.tableName) + " WHERE " + db.quote(cls.primaryKey) + " = ?", [this.id]);
        this._destroyed = true;
        cls.runCallbacks(this, "afterDestroy");
        afterCommit(() => {
          this._lastAction = "destroy";
          cls.runCallbacks(this, "afterDestroyCommit");
          cls.runCallbacks(this, "afterCommit");
        });
        afterRollback(() => { this._destroyed = false; cls.runCallbacks(this, "afterRollback"); });
      });
    } catch (e) {
      if (e === ABORT) return false;
      throw e;
    }
    Object.freeze(this._a);
    return this;
  }
  destroyBang() { if (this.destroy() === false) throw Object.assign(new Error("Failed to destroy the record"), { name: "RecordNotDestroyed" }); return this; }
  delete() { const cls = this.constructor, db = connection(); db.run("DELETE FROM " + db.quote(cls.tableName) + " WHERE " + db.quote(cls.primaryKey) + " = ?", [this.id]); this._destroyed = true; return this; }
  reload() {
    const fresh = this.constructor.find(this.id);
    this._a = fresh._a; this._changed = {}; this._assoc = {}; this._errors = null;
    return this;
  }
}
Base.abstractClass = true;

for (const kind of CALLBACKS) {
  Base[kind] = function (fnOrName, options) { return this.addCallback(kind, fnOrName, options); };
}

function lookup(className, owner, name) {
  const k = registry[className];
  if (!k) throw new Error("quickrail: " + owner.name + "." + name + " needs model " + className + ", which is not loaded (is app/models/" + underscore(className) + ".js imported?)");
  return k;
}
function sameValue(a, b) {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}
export function castInput(type, v) {
  if (v === undefined) return null;
  if (v === null) return null;
  if (!type) return v;
  if (/^(integer|bigint|int)/.test(type)) {
    if (typeof v === "number") return v;
    if (v === "" ) return null;
    if (typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
    if (typeof v === "object" && v.id !== undefined) return v.id;
    return v;
  }
  if (/^(float|real|double|decimal|numeric)/.test(type)) {
    if (v === "") return null;
    const n = Number(v); return isNaN(n) ? v : n;
  }
  if (type === "boolean") {
    if (v === "") return null;
    return !(v === false || v === 0 || v === "0" || v === "f" || v === "false" || v === "off" || v === "F" || v === "FALSE");
  }
  if (/^(datetime|timestamp|date)/.test(type)) {
    if (v instanceof Date) return v;
    if (v === "") return null;
    const d = new Date(v); return isNaN(d.getTime()) ? v : d;
  }
  return typeof v === "string" ? v : (typeof v === "object" ? v : String(v));
}

// The framework's default superclass for app models (Rails' ApplicationRecord).
export class ApplicationRecord extends Base {}
ApplicationRecord.abstractClass = true;

export { RecordNotFound, Relation, CollectionProxy, isBlank, validators, inTransaction };
