// view/jbuilder.js — the jbuilder runtime: what a compiled `*.json.jbuilder` template calls on
// its `json` argument (json.set, json.extractBang, json.arrayBang, json.partialBang, ...), with
// jbuilder's semantics (nested blocks, collections, partials with partial:/as:/collection:,
// ignore_nil!, key_format!), and the wrapper that turns a compiled template into the
// renderer's template function (locals, assigns, viewContext, helpers) -> JSON text.
// Values serialise as Rails does: times ISO 8601 with milliseconds in UTC, dates YYYY-MM-DD,
// records by their attributes. Runs in the worker (QuickJS) and on Node; never does I/O.

const BLANK = Symbol("jbuilder.blank");

function isPlainObject(v) {
  if (v === null || typeof v !== "object") return false;
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}
// Arrays, relations and association proxies (anything with toArray/load), Sets, other iterables
// that are not strings or plain objects.
function isCollection(v) {
  if (v === null || v === undefined || typeof v !== "object") return false;
  if (Array.isArray(v)) return true;
  if (typeof v.toArray === "function" || (typeof v.load === "function" && typeof v.toArray === "function")) return true;
  return !isPlainObject(v) && typeof v[Symbol.iterator] === "function" && typeof v.isPersisted !== "function";
}
function toArray(v) {
  if (v === null || v === undefined) return [];
  if (Array.isArray(v)) return v;
  if (typeof v.toArray === "function") return v.toArray();
  return Array.from(v);
}

// Ruby's `object.public_send(attribute)` for a record, a plain object (a Hash: fetch) or a Map.
function readAttribute(object, attr) {
  if (object === null || object === undefined) throw new TypeError("jbuilder: extract! of nil (attribute " + attr + ")");
  if (object instanceof Map) return object.get(attr);
  if (isPlainObject(object)) return object[attr];
  let v = object[attr];
  if (v === undefined && attr.indexOf("_") >= 0) v = object[camelLower(attr)];
  if (typeof v === "function") v = v.call(object);
  if (v === undefined && typeof object.readAttribute === "function") v = object.readAttribute(attr);
  if (v instanceof Date && columnType(object, attr) === "date") return dateOnly(v);
  return v === undefined ? null : v;
}
// A record's column type ("date", "datetime", ...), read from its model's schema if loaded.
function columnType(record, attr) {
  const m = record.constructor && record.constructor.__qrMeta;
  return m && m.columnTypes ? m.columnTypes[attr] : undefined;
}
// Rails renders a Date as "2026-12-24" (a date column holds no time or zone: its UTC day).
function dateOnly(d) { return isNaN(d.getTime()) ? null : d.toISOString().slice(0, 10); }

// Rails' JSON encoding of one value, before JSON.stringify: Dates keep their toJSON (ISO 8601,
// ms, UTC); records, relations and anything with toJSON/asJson go through it.
function plain(v) {
  if (v === undefined) return null;
  if (v === null || typeof v !== "object") return v;
  if (v instanceof Jbuilder) return v.attributesBang();
  if (v instanceof Date) return v;
  if (typeof v.asJson === "function") return v.asJson();
  if (typeof v.toJSON === "function") return v.toJSON();
  if (isCollection(v)) return toArray(v).map(plain);
  if (v instanceof Map) { const o = {}; for (const [k, x] of v) o[k] = plain(x); return o; }
  return v;
}

function camelLower(s) { return String(s).replace(/_([a-z\d])/g, (_, c) => c.toUpperCase()); }
function camelUpper(s) { const c = camelLower(s); return c.charAt(0).toUpperCase() + c.slice(1); }

export class Jbuilder {
  // ctx: { views, vc, helpers } — what partial! needs to find and render partials (optional).
  // As in Ruby's jbuilder, nested blocks write into this same object (a block's code names
  // `json`, the builder it closes over): _scope swaps the attributes being built.
  constructor(ctx = {}) {
    this._ctx = ctx;
    this._attributes = BLANK;
    this._ignoreNil = false;
    this._keyFormat = null;
  }

  // ---- the DSL (Ruby names: set!, array!, extract!, partial!, merge!, child!, nil!, ...) ----

  // json.title "x" | json.author { ... } | json.comments @comments { |c| ... }
  // json.comments @comments, :id, :body | json.author @post.creator, :name
  set(key, value = BLANK, ...args) {
    let block = null;
    if (args.length && typeof args[args.length - 1] === "function") block = args.pop();
    if (value !== BLANK && typeof value === "function" && !block && !args.length && !isModelClass(value)) { block = value; value = BLANK; }
    let result;
    if (block) {
      if (value !== BLANK) result = this._scope(() => this.arrayBang(value, block));
      else result = this._mergeBlock(key, () => block(this));
    } else if (!args.length) {
      result = value === BLANK ? null : value instanceof Jbuilder ? value.attributesBang() : value;
    } else if (isCollection(value)) {
      result = this._scope(() => this.arrayBang(value, ...args));
    } else {
      result = this._mergeBlock(key, () => this.extractBang(value, ...args));
    }
    this._setValue(key, result);
    return this;
  }

  // json.array! @articles, partial: "articles/article", as: :article | json.array! @a { |a| ... }
  // json.array! @a, :id, :title | json.array! [1, 2]
  arrayBang(collection = [], ...args) {
    let block = null;
    if (args.length && typeof args[args.length - 1] === "function") block = args.pop();
    const opts = args.length && isPlainObject(args[args.length - 1]) ? args[args.length - 1] : null;
    if (opts && opts.partial !== undefined && !block) {
      return this._renderPartialWithOptions(Object.assign({}, opts, { collection: collection === null || collection === undefined ? [] : collection }));
    }
    let array;
    if (collection === null || collection === undefined) array = [];
    else if (block) array = this._mapCollection(collection, block);
    else if (args.length) array = this._mapCollection(collection, (el) => this.extractBang(el, ...args));
    else array = toArray(collection).map(plain);
    this._attributes = this._mergeValues(this._attributes, array);
    return this;
  }

  // json.extract! article, :id, :title  (also json.(article, :id, :title))
  extractBang(object, ...attributes) {
    for (let i = 0; i < attributes.length; i++) {
      const a = attributes[i];
      if (Array.isArray(a)) { this.extractBang(object, ...a); continue; }
      const name = String(a);
      this._setValue(name, plain(readAttribute(object, name)));
    }
    return this;
  }
  call(object, ...attributes) { return this.extractBang(object, ...attributes); }

  // json.partial! "articles/article", article: @article | json.partial! @article
  // json.partial! partial: "x", locals: { ... } | json.partial! "x", collection: xs, as: :x
  partialBang(name, opts) {
    if (name && typeof name === "object" && !isPlainObject(name) && opts === undefined && typeof name.toPartialPath === "function") {
      const path = name.toPartialPath().replace("/_", "/");
      const local = path.slice(path.lastIndexOf("/") + 1);
      return this._renderPartialWithOptions({ partial: path, locals: { [local]: name } });
    }
    let options;
    if (typeof name === "string") {
      options = Object.assign({}, opts || {});
      const reserved = ["partial", "locals", "collection", "as", "cached"];
      const locals = Object.assign({}, options.locals || {});
      for (const k of Object.keys(options)) if (!reserved.includes(k)) { locals[k] = options[k]; delete options[k]; }
      options.partial = name;
      options.locals = locals;
    } else options = Object.assign({}, name || {});
    return this._renderPartialWithOptions(options);
  }

  // json.merge!({ a: 1 }) | json.merge!([1, 2]) onto an array
  mergeBang(object) {
    this._attributes = this._mergeValues(this._attributes, plain(object));
    return this;
  }
  // json.child! { json.x 1 }: appends an object to a top-level array
  childBang(block) {
    if (!Array.isArray(this._attributes)) this._attributes = [];
    this._attributes.push(this._scope(() => block(this)));
    return this;
  }
  nilBang() { this._attributes = null; return this; }
  nullBang() { return this.nilBang(); }
  ignoreNilBang(value = true) { this._ignoreNil = value !== false && value !== null; return this; }
  // json.key_format! camelize: :lower | camelize: :upper | nil (verbatim)
  keyFormatBang(opts) {
    if (!opts) { this._keyFormat = null; return this; }
    const c = opts.camelize !== undefined ? opts.camelize : opts;
    this._keyFormat = c === "upper" ? camelUpper : c === "lower" || c === true ? camelLower : null;
    return this;
  }
  // caching is not there: the block runs every time (same output)
  cacheBang(key, opts, block) { if (typeof opts === "function") block = opts; if (block) block(this); return this; }
  cacheIfBang(cond, key, opts, block) { if (typeof opts === "function") block = opts; if (block) block(this); return this; }
  cacheRootBang(key, opts, block) { return this.cacheBang(key, opts, block); }

  // The built value (a plain object, array or null) and its JSON text.
  attributesBang() { return this._attributes === BLANK ? {} : this._attributes; }
  targetBang() { return JSON.stringify(this.attributesBang()); }

  // ---- internals ----
  _key(k) { return this._keyFormat ? this._keyFormat(String(k)) : String(k); }
  _setValue(key, value) {
    if (this._attributes === null) throw new Error("jbuilder: cannot set a key after json.nil!");
    if (Array.isArray(this._attributes)) throw new Error("jbuilder: cannot set key \"" + key + "\" on an array (json.array! was already called)");
    if (this._ignoreNil && (value === null || value === undefined)) return;
    if (this._attributes === BLANK) this._attributes = {};
    this._attributes[this._key(key)] = value === undefined ? null : value;
  }
  _scope(block) {
    const saved = this._attributes;
    this._attributes = BLANK;
    try { block(); return this.attributesBang(); } finally { this._attributes = saved; }
  }
  _mergeBlock(key, block) {
    const current = this._attributes !== BLANK && this._attributes !== null && !Array.isArray(this._attributes) ? this._attributes[this._key(key)] : undefined;
    const value = this._scope(block);
    return this._mergeValues(current === undefined ? BLANK : current, value);
  }
  _mapCollection(collection, block) {
    const out = [];
    for (const el of toArray(collection)) out.push(this._scope(() => block(el)));
    return out;
  }
  _mergeValues(current, updates) {
    if (current === BLANK || current === null || current === undefined) return updates;
    if (updates === BLANK || updates === null || updates === undefined) return current;
    if (Array.isArray(current) && Array.isArray(updates)) return current.concat(updates);
    if (isPlainObject(current) && isPlainObject(updates)) {
      const o = Object.assign({}, current);
      for (const k of Object.keys(updates)) o[this._key(k)] = updates[k];
      return o;
    }
    throw new Error("jbuilder: cannot merge " + JSON.stringify(updates) + " into " + JSON.stringify(current));
  }
  _renderPartialWithOptions(options) {
    const locals = Object.assign({}, options.locals || {});
    if (options.collection !== undefined) {
      const as = options.as !== undefined ? String(options.as) : null;
      if (!as) throw new Error("jbuilder: partial! with a collection needs as: (json.array! xs, partial: \"" + options.partial + "\", as: :name)");
      // the partial is found once for the whole collection; each member gets fresh locals
      const fn = this._partial(options.partial);
      const list = toArray(options.collection);
      const array = new Array(list.length);
      const saved = this._attributes;
      try {
        for (let i = 0; i < list.length; i++) {
          const l = Object.assign({}, locals);
          l[as] = list[i];
          this._attributes = BLANK;
          this._callPartial(fn, l);
          array[i] = this.attributesBang();
        }
      } finally { this._attributes = saved; }
      this._attributes = this._mergeValues(this._attributes, array);
      return this;
    }
    if (options.as !== undefined && options.object !== undefined) locals[String(options.as)] = options.object;
    this._callPartial(this._partial(options.partial), locals);
    return this;
  }
  // The compiled template of partial `name` ("articles/article" -> articles/_article.json).
  _partial(name) {
    const { views, vc } = this._ctx;
    if (!views) throw new Error("jbuilder: partial! \"" + name + "\" outside a view");
    const { path } = views.partialName(String(name), vc);
    const fn = views.find(path, "json");
    if (!fn) throw missingPartial(path);
    return fn;
  }
  _callPartial(fn, locals) {
    const { views, vc, helpers } = this._ctx;
    locals.json = this;
    if (fn.jbuilder) {
      fn.jbuilder(locals, vc ? vc.assigns : {}, vc, helpers || views.helpers, this);
    } else {
      // a partial in another template language: merge the JSON it renders
      this._attributes = this._mergeValues(this._attributes, JSON.parse(String(fn(locals, vc ? vc.assigns : {}, vc, helpers || views.helpers))));
    }
    return this;
  }
}

function isModelClass(v) { return typeof v === "function" && !!v.modelName; }
function missingPartial(path) {
  const e = new Error("Missing partial " + path + " with {formats: [:json]} in app/views");
  e.name = "MissingTemplate";
  e.status = 500;
  return e;
}

// Rails names for the bang methods as well (json.array!, json.extract!, ...), for code that
// spells them as in Ruby; `set!` is set.
const P = Jbuilder.prototype;
P["set!"] = P.set; P.setBang = P.set;
for (const n of ["array", "extract", "partial", "merge", "child", "nil", "null", "ignoreNil", "keyFormat", "cache", "cacheIf", "cacheRoot", "attributes", "target"]) {
  P[n.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase()) + "!"] = P[n + "Bang"];
}

// A compiled jbuilder template fn(locals, assigns, vc, helpers, json) as the renderer's template
// function (locals, assigns, vc, helpers) -> JSON text; `.jbuilder` keeps fn so partial! can
// render into the caller's builder.
export function jbuilderTemplate(fn, views, name) {
  const t = function (locals, assigns, vc, helpers) {
    const json = new Jbuilder({ views, vc, helpers });
    fn(Object.assign({ json }, locals || {}), assigns, vc, helpers, json);
    return json.targetBang();
  };
  t.jbuilder = fn;
  t.templateName = name;
  return t;
}
