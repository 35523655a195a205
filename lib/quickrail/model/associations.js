// model/associations.js — ActiveRecord::Associations: hasMany (with dependent), hasOne,
// belongsTo (required unless optional), reflections, and includes() preloading with one query
// per association and level (no N+1). Each function takes the model class it configures;
// model/base.js exposes them as the static methods. Imports model/meta.js, model/relation.js.
import { underscore, camelize, singularize } from "../support/inflector.js";
import { CollectionProxy, Relation } from "./relation.js";
import { meta, chain, hasOwn, registry } from "./meta.js";

// The model class named className: among the owner's application's models first, then by name.
function lookup(className, owner, name) {
  const app = owner.__qrMeta && owner.__qrMeta.app;
  const k = (app && app.models && app.models[className]) || registry[className];
  if (!k) throw new Error("quickrail: " + owner.name + "." + name + " needs model " + className + ", which is not loaded (is app/models/" + underscore(className) + ".js imported?)");
  return k;
}

export function reflectOnAssociation(cls, name) {
  const ch = chain(cls);
  for (let i = ch.length - 1; i >= 0; i--) { const c = ch[i]; if (hasOwn(c, "__qrMeta") && c.__qrMeta.associations[name]) return c.__qrMeta.associations[name]; }
  return null;
}
export function reflections(cls) {
  const out = {};
  for (const c of chain(cls)) if (hasOwn(c, "__qrMeta")) Object.assign(out, c.__qrMeta.associations);
  return out;
}

// hasMany(Article, "comments", { dependent: "destroy" })
export function hasMany(owner, name, scope, options) {
  if (typeof scope !== "function") { options = scope; scope = null; }
  options = options || {};
  const refl = {
    macro: "hasMany", name, options, scope,
    className: options.className || camelize(singularize(name)),
    foreignKey: options.foreignKey ? underscore(options.foreignKey) : underscore(owner.name) + "_id",
    inverseOf: options.inverseOf || underscore(owner.name),
    klass() { return lookup(this.className, owner, name); },
  };
  meta(owner).associations[name] = refl;
  Object.defineProperty(owner.prototype, name, {
    get() { return this._assoc[name] || (this._assoc[name] = CollectionProxy.for(this, refl)); },
    set(list) { this._assoc[name] = CollectionProxy.for(this, refl).setTarget(Array.from(list)); },
    configurable: true,
  });
  if (options.dependent) {
    owner.beforeDestroy(function () {
      const rel = refl.klass().where({ [refl.foreignKey]: this.id });
      if (options.dependent === "destroy") {
        // Each child keeps its parent in memory (Rails' inverse_of): its callbacks and broadcasts
        // still reach this.<parent> although the parent's row goes in the same transaction.
        const inverse = Object.values(meta(refl.klass()).associations).find((r) => r.macro === "belongsTo" && r.foreignKey === refl.foreignKey);
        for (const child of rel.toArray()) {
          child.destroyedByAssociation = refl;
          if (inverse) child._assoc[inverse.name] = this;
          child.destroy();
        }
      }
      else if (options.dependent === "delete_all" || options.dependent === "deleteAll") rel.deleteAll();
      else if (options.dependent === "nullify") rel.updateAll({ [refl.foreignKey]: null });
      delete this._assoc[name];
    });
  }
  return owner;
}
export function hasOne(owner, name, options = {}) {
  const refl = {
    macro: "hasOne", name, options, className: options.className || camelize(name),
    foreignKey: options.foreignKey ? underscore(options.foreignKey) : underscore(owner.name) + "_id",
    klass() { return lookup(this.className, owner, name); },
  };
  meta(owner).associations[name] = refl;
  Object.defineProperty(owner.prototype, name, {
    get() {
      if (!(name in this._assoc)) this._assoc[name] = this.id == null ? null : refl.klass().findBy({ [refl.foreignKey]: this.id });
      return this._assoc[name];
    },
    configurable: true,
  });
  if (options.dependent === "destroy") owner.beforeDestroy(function () { const c = this[name]; if (c) c.destroy(); });
  return owner;
}
// belongsTo(Comment, "article") — required unless { optional: true } ("Article must exist")
export function belongsTo(owner, name, options = {}) {
  const refl = {
    macro: "belongsTo", name, options, className: options.className || camelize(name),
    foreignKey: options.foreignKey ? underscore(options.foreignKey) : underscore(name) + "_id",
    klass() { return lookup(this.className, owner, name); },
  };
  meta(owner).associations[name] = refl;
  Object.defineProperty(owner.prototype, name, {
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
    meta(owner).validations.push({ custom: function () {
      if (this._a[refl.foreignKey] == null && !(this._assoc[name] && this._assoc[name].isNewRecord && this._assoc[name].isNewRecord())) {
        this.errors.add(name, "must exist", { type: "blank" });
      } else if (!this[name]) this.errors.add(name, "must exist", { type: "blank" });
    }, options: {} });
  }
  return owner;
}

export function preloadAssociations(cls, records, names) {
  for (const spec of names) {
    if (typeof spec === "string") cls.preloadOne(records, spec, []);
    else for (const k of Object.keys(spec)) cls.preloadOne(records, k, [].concat(spec[k]));
  }
}
export function preloadOne(cls, records, name, nested) {
  const refl = cls.reflectOnAssociation(name);
  if (!refl) throw new Error("quickrail: association named '" + name + "' was not found on " + cls.name + "; perhaps you misspelled it?");
  const target = refl.klass();
  let loaded = [];
  if (refl.macro === "hasMany" || refl.macro === "hasOne") {
    const ids = records.map((r) => r.id);
    for (let i = 0; i < ids.length; i += 500) {
      let rel = target.where({ [refl.foreignKey]: ids.slice(i, i + 500) });
      if (refl.scope) rel = applyScope(refl.scope, rel, []);
      else rel = refl.options.order ? rel.order(refl.options.order) : rel.order({ [target.primaryKey]: "asc" });
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

// A scope body runs with `this` = the relation (as Rails' lambdas run on it) and gets the
// scope's arguments, or the relation itself when there are none (for `(rel) => rel.where(...)`);
// returning null or undefined means "all", as in Rails.
export function applyScope(body, rel, args) {
  const r = body.apply(rel, args.length ? args : [rel]);
  return r === null || r === undefined || r === false ? rel : r;
}
function findScope(cls, name) {
  const ch = chain(cls);
  for (let i = ch.length - 1; i >= 0; i--) { const c = ch[i]; if (hasOwn(c, "__qrMeta") && c.__qrMeta.scopes && c.__qrMeta.scopes[name]) return c.__qrMeta.scopes[name]; }
  return null;
}
export function defineScope(cls, name, body) {
  if (typeof body !== "function") throw new TypeError(cls.name + ".scope(\"" + name + "\", body): the body must be a function (Rails: scope :" + name + ", -> { ... })");
  if (name in Relation.prototype && !hasOwn(scopeDispatchers, name)) throw new Error(cls.name + ".scope(\"" + name + "\"): '" + name + "' is already a query method; choose another name");
  const m = meta(cls);
  (m.scopes || (m.scopes = {}))[name] = body;
  Object.defineProperty(cls, name, { value: function (...args) { return applyScope(body, this.all(), args); }, configurable: true, writable: true });
  if (!hasOwn(scopeDispatchers, name)) {
    scopeDispatchers[name] = function (...args) {
      const b = findScope(this.model, name);
      if (!b) throw new TypeError("undefined method '" + name + "' for a relation of " + this.model.name + " (no scope named " + name + ")");
      return applyScope(b, this, args);
    };
    Object.defineProperty(Relation.prototype, name, { value: scopeDispatchers[name], configurable: true, writable: true });
  }
  return cls;
}
const scopeDispatchers = {};
