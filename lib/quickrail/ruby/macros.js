// quickrail/ruby/macros.js — the Rails class-body macros compiled Ruby calls with the class as
// first argument (docs/ruby.md "Classes and files"): define_method, delegate, enum,
// around_action, helper_method, and `include` of an ActiveSupport::Concern module. They work on
// the class and its prototype only (no framework import: this folder imports nothing but
// itself), so a model or controller compiled from Ruby gets them whatever its base class.
// Re-exported by ./index.js; runs in the zygote when an app's classes are defined.

const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);

// Ruby method name -> the JS name the compiler gives it (valid? -> isValid, save! -> saveBang)
export function jsName(name) {
  let n = String(name), pre = "", post = "";
  if (n.endsWith("?")) { n = n.slice(0, -1); pre = "is"; }
  else if (n.endsWith("!")) { n = n.slice(0, -1); post = "Bang"; }
  n = n.replace(/(?!^)_+([a-z0-9])/g, (m, c) => c.toUpperCase());
  if (pre) n = pre + n.charAt(0).toUpperCase() + n.slice(1);
  return n + post;
}
function argumentError(msg) { const e = new Error(msg); e.name = "ArgumentError"; return e; }
function defineOn(target, name, value) {
  Object.defineProperty(target, name, { value, writable: true, configurable: true, enumerable: false });
}

// define_method(:name) { |a| ... } in a class body: an instance method (the block is a function,
// so self is the receiver). A string name may end in ? or ! as in Ruby.
export function defineMethod(cls, name, fn) {
  if (typeof fn !== "function") throw argumentError("define_method(" + JSON.stringify(String(name)) + ") needs a block");
  defineOn(cls.prototype, jsName(name), fn);
  return String(name);
}

// delegate :name, :email, to: :author, prefix: true, allow_nil: true
export function delegate(cls, ...args) {
  const opts = args.length && typeof args[args.length - 1] === "object" && args[args.length - 1] !== null ? args.pop() : {};
  const to = opts.to;
  if (to === undefined || to === null) throw argumentError("Delegation needs a target. Supply a keyword argument 'to' (e.g. delegate :hello, to: :greeter).");
  const allowNil = opts.allow_nil === true || opts.allowNil === true;
  const prefix = opts.prefix === true ? String(to).replace(/^@/, "") + "_" : opts.prefix ? String(opts.prefix) + "_" : "";
  const target = jsName(String(to).replace(/^@/, ""));
  for (const m of args) {
    const js = jsName(m), own = jsName(prefix + m);
    defineOn(cls.prototype, own, function (...a) {
      let t = this[target];
      if (typeof t === "function") t = t.call(this);
      if (t === null || t === undefined) {
        if (allowNil) return null;
        const e = new Error(cls.name + "#" + prefix + m + " delegated to " + to + "." + m + ", but " + to + " is nil: " + this);
        e.name = "Module::DelegationError";
        throw e;
      }
      const v = t[js];
      return typeof v === "function" ? v.apply(t, a) : v;
    });
  }
  return args;
}

// enum status: { draft: 0, published: 1 } | enum :status, { ... } | enum status: [:draft, ...],
// with _prefix/_suffix (prefix/suffix): the attribute reads and writes the names (the column
// keeps the integers, JSON shows the names), draft? / draft! / Article.draft / Article.not_draft /
// Article.statuses.
export function enumMacro(cls, ...args) {
  let defs = [];
  if (typeof args[0] === "string") defs.push([args[0], args[1], args[2] || {}]);
  else {
    const h = args[0] || {}, opts = {};
    for (const k of Object.keys(h)) if (k.startsWith("_")) opts[k.slice(1)] = h[k];
    for (const k of Object.keys(h)) if (!k.startsWith("_")) defs.push([k, h[k], opts]);
  }
  for (const [attr, values, opts] of defs) {
    const map = Object.create(null);
    if (Array.isArray(values)) values.forEach((v, i) => { map[String(v)] = i; });
    else for (const k of Object.keys(values || {})) map[k] = values[k];
    const names = Object.keys(map);
    if (!names.length) throw argumentError("enum " + attr + " needs values: enum " + attr + ": { draft: 0, published: 1 }");
    const inverse = new Map(names.map((n) => [map[n], n]));
    const pre = opts.prefix === true ? attr + "_" : opts.prefix ? opts.prefix + "_" : "";
    const post = opts.suffix === true ? "_" + attr : opts.suffix ? "_" + opts.suffix : "";
    const toValue = (v) => {
      if (v === null || v === undefined || v === "") return null;
      if (typeof v === "number") { if (inverse.has(v)) return v; }
      else if (Object.prototype.hasOwnProperty.call(map, String(v))) return map[String(v)];
      else if (/^-?\d+$/.test(String(v)) && inverse.has(Number(v))) return Number(v);
      throw argumentError("'" + v + "' is not a valid " + attr);
    };
    // plural, the class-level mapping: Article.statuses -> { draft: 0, published: 1 }
    const plural = /(s|x|z|ch|sh)$/.test(attr) ? attr + "es" : /[^aeiou]y$/.test(attr) ? attr.slice(0, -1) + "ies" : attr + "s";
    Object.defineProperty(cls, jsName(plural), { value: Object.freeze(Object.assign({}, map)), configurable: true });
    for (const acc of new Set([attr, jsName(attr)])) {
      Object.defineProperty(cls.prototype, acc, {
        get() { const v = this._a ? this._a[attr] : undefined; return inverse.has(v) ? inverse.get(v) : v === undefined ? null : v; },
        set(v) { this.writeAttribute(attr, toValue(v)); },
        configurable: true,
      });
    }
    // create(status: :published), update(status: "draft"), new(status: 1): names become values
    const write = cls.prototype.writeAttribute;
    if (typeof write === "function") {
      defineOn(cls.prototype, "writeAttribute", function (name, value) {
        const col = typeof this.constructor.columnFor === "function" ? this.constructor.columnFor(name) : name;
        return write.call(this, name, col === attr ? toValue(value) : value);
      });
    }
    // render json: @post -> "status": "published", as Rails serializes an enum
    const toJSON = cls.prototype.toJSON;
    if (typeof toJSON === "function") {
      defineOn(cls.prototype, "toJSON", function () {
        const o = toJSON.call(this);
        if (o && Object.prototype.hasOwnProperty.call(o, attr) && inverse.has(o[attr])) o[attr] = inverse.get(o[attr]);
        return o;
      });
    }
    for (const n of names) {
      const v = map[n], label = pre + n + post;
      defineOn(cls.prototype, jsName(label + "?"), function () { return (this._a ? this._a[attr] : undefined) === v; });
      defineOn(cls.prototype, jsName(label + "!"), function () { return this.updateBang({ [attr]: v }); });
      if (typeof cls.scope === "function") {
        cls.scope(jsName(label), function () { return this.where({ [attr]: v }); });
        cls.scope(jsName("not_" + label), function () { return this.whereNot ? this.whereNot({ [attr]: v }) : this.where(attr + " != ?", v); });
      }
    }
  }
  return cls;
}

// ---- controllers: around_action and helper_method wrap processAction (one wrapper per class
// that uses them; it runs the class's whole inherited list, so nothing runs twice).
let ACTIVE = null; // the controller whose action is running (rendering is synchronous)

function applies(f, action) {
  if (f.only && ![].concat(f.only).includes(action)) return false;
  if (f.except && [].concat(f.except).includes(action)) return false;
  return true;
}
function ownList(cls, key) {
  if (!hasOwn(cls, key)) defineOn(cls, key, (cls[key] || []).slice());
  return cls[key];
}
function wrappedProcessAction() {
  let base = Object.getPrototypeOf(this);
  while (base && (!hasOwn(base, "processAction") || base.processAction === wrappedProcessAction)) base = Object.getPrototypeOf(base);
  const inner = base.processAction;
  const cls = this.constructor;
  const views = this.app && this.app.views && this.app.views.helpers;
  if (views) for (const name of cls.__qrHelperMethods || []) if (!(name in views)) defineOn(views, name, helperCall(name));
  const list = (cls.__qrAround || []).filter((f) => applies(f, this.actionName));
  const prev = ACTIVE;
  ACTIVE = this;
  try {
    const run = (i) => {
      if (i === list.length) return inner.call(this);
      const m = this[list[i].fn];
      if (typeof m !== "function") throw new Error("around_action :" + list[i].fn + " is not a method of " + cls.name);
      let res, yielded = false;
      m.call(this, () => { yielded = true; res = run(i + 1); return res; });
      if (yielded) return res;
      if (!this._response && typeof this.head === "function") this.head("no_content"); // halted without a response
      return this._response;
    };
    return run(0);
  } finally { ACTIVE = prev; }
}
function wrap(cls) {
  if (!hasOwn(cls.prototype, "processAction")) defineOn(cls.prototype, "processAction", wrappedProcessAction);
}
function helperCall(name) {
  return function (...a) {
    const c = ACTIVE;
    if (!c || typeof c[name] !== "function" || !(c.constructor.__qrHelperMethods || []).includes(name)) {
      const e = new Error("undefined local variable or method '" + name + "' (a helper_method of a controller, outside its request)");
      e.name = "NameError";
      throw e;
    }
    return c[name](...a);
  };
}

// around_action :wrap, only: [...]: `def wrap; ...; yield; ...; end` runs around the action
// (with its before/after filters and rescue_from); not yielding halts (render/redirect first).
export function aroundAction(cls, ...args) {
  const opts = args.length && typeof args[args.length - 1] === "object" && args[args.length - 1] !== null ? args.pop() : {};
  const list = ownList(cls, "__qrAround");
  for (const fn of args) list.push(Object.assign({ fn }, opts));
  wrap(cls);
  return cls;
}

// helper_method :current_user, :logged_in?: the controller's methods callable from its views
export function helperMethod(cls, ...names) {
  const list = ownList(cls, "__qrHelperMethods");
  for (const n of names) list.push(jsName(n));
  wrap(cls);
  return cls;
}

// include SomeConcern (a module compiled from `extend ActiveSupport::Concern`): its instance
// methods go on the prototype (unless the class defines its own), class_methods on the class,
// then its `included do ... end` block runs with self = the class.
export function includeConcern(cls, ...mods) {
  for (const mod of mods) {
    if (!mod || typeof mod !== "object" || !mod.__qrConcern) throw new TypeError("wrong argument type " + ((mod && mod.name) || typeof mod) + " (expected a module compiled from app/**/concerns)");
    for (const dep of mod.dependencies || []) includeConcern(cls, dep);
    for (const k of Object.getOwnPropertyNames(mod.instanceMethods || {})) if (!hasOwn(cls.prototype, k)) Object.defineProperty(cls.prototype, k, Object.getOwnPropertyDescriptor(mod.instanceMethods, k));
    for (const k of Object.getOwnPropertyNames(mod.classMethods || {})) if (!hasOwn(cls, k)) Object.defineProperty(cls, k, Object.getOwnPropertyDescriptor(mod.classMethods, k));
    if (typeof mod.included === "function") mod.included.call(cls);
  }
  return cls;
}

// The default export of a concern module (compiled as a class: its prototype holds the instance
// methods, its statics the class methods and `$included`): what include() copies.
export function concern(cls) {
  const instanceMethods = {}, classMethods = {};
  for (const k of Object.getOwnPropertyNames(cls.prototype)) if (k !== "constructor") Object.defineProperty(instanceMethods, k, Object.getOwnPropertyDescriptor(cls.prototype, k));
  for (const k of Object.getOwnPropertyNames(cls)) if (!["length", "name", "prototype", "$included"].includes(k)) Object.defineProperty(classMethods, k, Object.getOwnPropertyDescriptor(cls, k));
  return { __qrConcern: true, name: cls.name, instanceMethods, classMethods, included: cls.$included || null };
}
