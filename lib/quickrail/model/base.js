// model/base.js — ActiveRecord::Base: one class per table; querying (delegated to Relation),
// instance attributes and dirty tracking, validation, and persistence (save/update/destroy in a
// transaction, timestamps, after_*_commit). The schema and casting live in attributes.js,
// associations in associations.js, callbacks in callbacks.js, the class registry in meta.js;
// Base exposes them as its static methods. Synchronous: the adapters are synchronous (bun:sqlite
// API), so a request never waits on the database.
import { tableize, underscore, humanize, pluralize } from "../support/inflector.js";
import { connection, transaction, afterCommit, afterRollback, inTransaction } from "../db/connection.js";
import { Relation, CollectionProxy, RecordNotFound } from "./relation.js";
import { Errors } from "./errors.js";
import { runValidation, isBlank, validators, checkValidationOptions } from "./validations.js";
import { meta, chain, hasOwn, registry } from "./meta.js";
import { CALLBACKS, ABORT, abort, addCallback, runCallbacks } from "./callbacks.js";
import { UnknownAttributeError, loadSchema, castDefault, castInput, castDate, sameValue } from "./attributes.js";
import * as associations from "./associations.js";
import * as broadcasts from "./broadcasts.js";

export { registry, abort, castInput, UnknownAttributeError };

export class RecordInvalid extends Error {
  constructor(record) {
    super("Validation failed: " + record.errors.fullMessages.join(", "));
    this.name = "RecordInvalid"; this.record = record; this.status = 422;
  }
}
export class Base {
  constructor(attrs) {
    const cls = this.constructor;
    cls.loadSchema();
    this._a = {};
    for (const col of cls.__qrMeta.columns) this._a[col.name] = col.default === undefined ? null : cls.castDefault(col);
    this._raw = null; this._new = true; this._destroyed = false; this._changed = {}; this._assoc = {}; this._errors = null;
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
  // register() / register(app): known by name (associations, the console, cable identifiers);
  // with an application, the model belongs to it: broadcasts render with its views and
  // associations resolve class names among its models first.
  static register(app) { const m = meta(this); registry[this.name] = this; if (app !== undefined) m.app = app; return this; }
  static get application() { const m = this.__qrMeta; return (m && m.app) || null; }
  static quote(ident) { return connection().quote(ident); }
  static humanAttributeName(attr) { return humanize(attr); }
  static columnFor(k) {
    const m = meta(this);
    if (m.columnTypes && hasOwn(m.columnTypes, k)) return k;
    const cache = m.columnCache || (m.columnCache = Object.create(null));
    return cache[k] || (cache[k] = underscore(k));
  }

  static loadSchema() { return loadSchema(this); }
  static resetSchema() { const m = meta(this); m.columns = null; m.columnTypes = null; }
  static get columnNames() { return this.loadSchema().map((c) => c.name); }
  static castDefault(col) { return castDefault(col); }
  static instantiate(row) {
    const r = Object.create(this.prototype);
    const m = this.__qrMeta;
    const dates = m.dateColumns, bools = m.boolColumns, days = m.dayColumns;
    if (dates.length || bools.length || days.length) {
      const db = connection();
      for (let i = 0; i < dates.length; i++) { const c = dates[i], v = row[c]; if (v !== null && v !== undefined) row[c] = db.castFromDb("datetime", v); }
      for (let i = 0; i < bools.length; i++) { const c = bools[i], v = row[c]; if (v !== null && v !== undefined) row[c] = db.castFromDb("boolean", v); }
      for (let i = 0; i < days.length; i++) { const c = days[i], v = row[c]; if (v !== null && v !== undefined) row[c] = castDate(v) || String(v); }
    }
    r._a = row; r._raw = null; r._new = false; r._destroyed = false; r._changed = {}; r._assoc = {}; r._errors = null;
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
    checkValidationOptions(this.name, args, options);
    meta(this).validations.push({ attributes: args.map((a) => this.columnFor(a)), options });
    return this;
  }
  // validate(function () { if (...) this.errors.add("base", "...") }) or validate("methodName")
  static validate(fnOrName, options = {}) { meta(this).validations.push({ custom: fnOrName, options }); return this; }
  static validatesPresenceOf(...a) { return this.validates(...a, { presence: true }); }
  static validatesLengthOf(...a) { const o = a.pop(); return this.validates(...a, { length: o }); }
  static validatesUniquenessOf(...a) { return this.validates(...a, { uniqueness: true }); }

  // ---- callbacks -----------------------------------------------------------------------
  static addCallback(kind, fnOrName, options) { return addCallback(this, kind, fnOrName, options); }
  static runCallbacks(record, kind) { return runCallbacks(this, record, kind); }

  // ---- associations --------------------------------------------------------------------
  static reflectOnAssociation(name) { return associations.reflectOnAssociation(this, name); }
  static get reflections() { return associations.reflections(this); }
  // hasMany("comments", { dependent: "destroy" }); hasMany("comments", function () { return this.order(...) }, {...})
  static hasMany(name, scopeOrOptions, options) { return associations.hasMany(this, name, scopeOrOptions, options); }
  // scope("published", function () { return this.where({ published: true }); }) — Rails' scope
  // :published, -> { where(published: true) }: Article.published() and relation.published().
  static scope(name, body) { return associations.defineScope(this, name, body); }
  static hasOne(name, options) { return associations.hasOne(this, name, options); }
  // belongsTo("article") — required unless { optional: true } ("Article must exist")
  static belongsTo(name, options) { return associations.belongsTo(this, name, options); }
  static preloadAssociations(records, names) { return associations.preloadAssociations(this, records, names); }
  static preloadOne(records, name, nested) { return associations.preloadOne(this, records, name, nested); }

  // ---- broadcasts (Turbo::Broadcastable) ------------------------------------------------
  // broadcastsTo((article) => "articles", { insertsBy: "prepend" }) — Rails' broadcasts_to
  static broadcastsTo(stream, options) { return broadcasts.broadcastsTo(this, stream, options); }
  // broadcasts() — Rails' `broadcasts`: to the record's own stream.
  static broadcasts(options = {}) { return this.broadcastsTo((r) => r, options); }
  static broadcastsRefreshesTo(stream) { return broadcasts.broadcastsRefreshesTo(this, stream); }

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
  readAttributeBeforeTypeCast(name) {
    const col = this.constructor.columnFor(name);
    return this._raw && hasOwn(this._raw, col) ? this._raw[col] : this._a[col];
  }
  writeAttribute(name, value) {
    const cls = this.constructor;
    const col = cls.columnFor(name);
    const type = cls.__qrMeta.columnTypes[col];
    if (type === undefined) throw new UnknownAttributeError(cls.name, name);
    const v = castInput(type, value);
    if (v !== value) (this._raw || (this._raw = {}))[col] = value; // read_attribute_before_type_cast
    else if (this._raw) delete this._raw[col];
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
  // ---- instance: broadcasts -------------------------------------------------------------
  broadcastActionTo(action, ...a) { broadcasts.broadcastActionTo(this, action, a); }
  broadcastReplaceTo(...a) { broadcasts.broadcastActionTo(this, "replace", a); }
  broadcastUpdateTo(...a) { broadcasts.broadcastActionTo(this, "update", a); }
  broadcastAppendTo(...a) { broadcasts.broadcastActionTo(this, "append", a); }
  broadcastPrependTo(...a) { broadcasts.broadcastActionTo(this, "prepend", a); }
  broadcastBeforeTo(...a) { broadcasts.broadcastActionTo(this, "before", a); }
  broadcastAfterTo(...a) { broadcasts.broadcastActionTo(this, "after", a); }
  broadcastRemoveTo(...a) { broadcasts.broadcastActionTo(this, "remove", a); }
  broadcastRefreshTo(...streamables) { broadcasts.broadcastRefreshTo(streamables); }
  // Rails' *_later_to variants render in a job; here they render after commit, in-process.
  broadcastReplaceLaterTo(...a) { this.broadcastReplaceTo(...a); }
  broadcastAppendLaterTo(...a) { this.broadcastAppendTo(...a); }
  broadcastPrependLaterTo(...a) { this.broadcastPrependTo(...a); }
  broadcastActionLaterTo(action, ...a) { this.broadcastActionTo(action, ...a); }
  broadcastReplace(opts = {}) { this.broadcastReplaceTo(this, opts); }
  broadcastRemove() { this.broadcastRemoveTo(this); }

  reload() {
    const fresh = this.constructor.find(this.id);
    this._a = fresh._a; this._changed = {}; this._assoc = {}; this._errors = null;
    return this;
  }
}
Base.abstractClass = true;
// Rails' destroyed_by_association: nil unless a parent's dependent: :destroy is destroying the
// record (then the reflection, set by the association); a method every record answers.
Base.prototype.destroyedByAssociation = null;

for (const kind of CALLBACKS) {
  Base[kind] = function (fnOrName, options) { return this.addCallback(kind, fnOrName, options); };
}

// The framework's default superclass for app models (Rails' ApplicationRecord).
export class ApplicationRecord extends Base {}
ApplicationRecord.abstractClass = true;

export { RecordNotFound, Relation, CollectionProxy, isBlank, validators, inTransaction };
