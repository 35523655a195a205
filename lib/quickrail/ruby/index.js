// quickrail/ruby — Ruby core semantics for JavaScript compiled from Ruby (src/ruby/codegen.c).
// Only where Ruby and JS truly differ: truthiness (only nil and false are false), to_s of nil,
// present?/blank?, integer division, `<<`, `==` on records, indexing with negative indices,
// Enumerable over arrays, relations, hashes (plain objects) and strings. The code generator
// emits direct JS whenever the meaning is certain and calls these only otherwise.
// Engine-neutral (QuickJS and Node); imports only ./macros.js (the class-body macros).

import { jsName } from "./macros.js";
// the Rails class-body macros (define_method, delegate, enum, around_action, helper_method, include)
export { jsName, defineMethod, delegate, enumMacro, aroundAction, helperMethod, includeConcern, concern } from "./macros.js";

export function t(x) { return x !== null && x !== undefined && x !== false; }

// obj.name with no arguments: a method is called, an attribute/getter is read.
export function g(obj, name) {
  if (obj === null || obj === undefined) throw noMethod(name, obj);
  const v = obj[name];
  if (typeof v === "function") return v.call(obj);
  if (v === undefined && !(name in Object(obj))) {
    const alt = CORE0[name];
    if (alt) return alt(obj);
    throw noMethod(name, obj);
  }
  return v;
}
// obj.name(args...) where the receiver might be a plain value (string, array, hash).
export function call(obj, name, ...args) {
  if (obj === null || obj === undefined) throw noMethod(name, obj);
  const f = obj[name];
  if (typeof f === "function") return f.apply(obj, args);
  const alt = CORE[name];
  if (alt) return alt(obj, ...args);
  throw noMethod(name, obj);
}
// obj.send(name, ...args) with a computed name: Ruby's name mapped as the compiler maps it (jsName)
export function send(obj, name, ...args) {
  const js = jsName(name);
  if (args.length === 0) return g(obj, js);
  return call(obj, js, ...args);
}
// recv.name(args) whose method is missing (the compiled call's failure path): NoMethodError
export function nm(obj, name) { throw noMethod(name, obj); }
function noMethod(name, obj) {
  const what = obj === null || obj === undefined ? "nil" : typeof obj === "function" ? "class " + obj.name : "an instance of " + ((obj.constructor && obj.constructor.name) || typeof obj);
  const e = new TypeError("undefined method '" + rubyName(name) + "' for " + what);
  e.name = "NoMethodError";
  return e;
}
function rubyName(n) {
  let s = String(n);
  if (/^is[A-Z]/.test(s)) s = s.slice(2, 3).toLowerCase() + s.slice(3) + "?";
  else if (/Bang$/.test(s)) s = s.slice(0, -4) + "!";
  return s.replace(/[A-Z]/g, (c) => "_" + c.toLowerCase());
}

export function s(x) {
  if (x === null || x === undefined) return "";
  if (typeof x === "string") return x;
  if (x instanceof Date) return toS(x);
  return String(x);
}
function toS(d) { return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"); }
export function inspect(x) {
  if (x === null || x === undefined) return "nil";
  if (typeof x === "string") return JSON.stringify(x);
  if (Array.isArray(x)) return "[" + x.map(inspect).join(", ") + "]";
  if (typeof x === "object" && typeof x.inspect === "function") return x.inspect();
  if (isHash(x)) return "{" + Object.keys(x).map((k) => k + ": " + inspect(x[k])).join(", ") + "}";
  return String(x);
}

function isHash(x) { return x !== null && typeof x === "object" && (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null); }
function toA(x) {
  if (x === null || x === undefined) return [];
  if (Array.isArray(x)) return x;
  if (isHash(x)) return Object.keys(x).map((k) => [k, x[k]]);
  if (typeof x.toArray === "function") return x.toArray();
  if (typeof x[Symbol.iterator] === "function" && typeof x !== "string") return Array.from(x);
  return [x];
}
export { toA as toArray };

export function blank(x) {
  if (x === null || x === undefined || x === false) return true;
  if (typeof x === "string") return /^\s*$/.test(x);
  if (Array.isArray(x)) return x.length === 0;
  if (isHash(x)) return Object.keys(x).length === 0;
  if (typeof x.isBlank === "function") return x.isBlank();
  if (typeof x.isEmpty === "function") return x.isEmpty();
  return false;
}
export function present(x) { return !blank(x); }
export function presence(x) { return blank(x) ? null : x; }
export function empty(x) {
  if (typeof x === "string" || Array.isArray(x)) return x.length === 0;
  if (isHash(x)) return Object.keys(x).length === 0;
  if (x && typeof x.isEmpty === "function") return x.isEmpty();
  return size(x) === 0;
}
export function any(x, fn) {
  if (fn) { for (const v of iter(x)) if (t(fn(v))) return true; return false; }
  if (x && !Array.isArray(x) && typeof x.any === "function") return x.any();
  for (const v of iter(x)) if (t(v)) return true;
  return false;
}
export function all(x, fn) { for (const v of iter(x)) if (!t(fn ? fn(v) : v)) return false; return true; }
export function none(x, fn) { return !any(x, fn); }
export function nil(x) { return x === null || x === undefined; }
export function size(x) {
  if (x === null || x === undefined) throw noMethod("size", x);
  if (typeof x === "string" || Array.isArray(x)) return x.length;
  if (isHash(x)) return Object.keys(x).length;
  if ("size" in x) return typeof x.size === "function" ? x.size() : x.size;
  if ("length" in x) return x.length;
  return toA(x).length;
}
export function count(x, arg) {
  if (typeof arg === "function") { let n = 0; for (const v of iter(x)) if (t(arg(v))) n++; return n; }
  if (arg !== undefined) { let n = 0; for (const v of iter(x)) if (eq(v, arg)) n++; return n; }
  if (x && typeof x.count === "function") return x.count();
  if (x && typeof x.count === "number") return x.count;
  return size(x);
}
export function include(x, v) {
  if (typeof x === "string") return x.includes(v);
  if (x instanceof Range) return x.includes(v);
  if (isHash(x)) return Object.prototype.hasOwnProperty.call(x, v);
  for (const e of iter(x)) if (eq(e, v)) return true;
  return false;
}
export function key(x, k) { return x !== null && x !== undefined && Object.prototype.hasOwnProperty.call(x, k); }
export function zero(x) { return x === 0; }
export function first(x, n) {
  if (x && !Array.isArray(x) && typeof x.first === "function") return x.first(n);
  if (typeof x === "string") return n === undefined ? (x[0] === undefined ? null : x[0]) : x.slice(0, n);
  const a = toA(x);
  return n === undefined ? (a.length ? a[0] : null) : a.slice(0, n);
}
export function last(x, n) {
  if (x && !Array.isArray(x) && typeof x.last === "function") return x.last(n);
  const a = typeof x === "string" ? x : toA(x);
  return n === undefined ? (a.length ? a[a.length - 1] : null) : a.slice(Math.max(0, a.length - n));
}

// Iteration: a hash yields [key, value] pairs (blocks with |k, v| destructure them).
export function iter(x) {
  if (x === null || x === undefined) throw noMethod("each", x);
  if (Array.isArray(x)) return x;
  if (isHash(x)) return Object.keys(x).map((k) => [k, x[k]]);
  if (typeof x === "number") { const a = []; for (let i = 0; i < x; i++) a.push(i); return a; }
  if (typeof x[Symbol.iterator] === "function") return x;
  if (typeof x.toArray === "function") return x.toArray();
  throw noMethod("each", x);
}
export function each(x, fn) { for (const v of iter(x)) fn(v); return x; }
export function eachWithIndex(x, fn) { let i = 0; for (const v of iter(x)) fn(v, i++); return x; }
export function mapWithIndex(x, fn) { const out = []; let i = 0; for (const v of iter(x)) out.push(fn(v, i++)); return out; }
export function map(x, fn) { const out = []; for (const v of iter(x)) out.push(fn(v)); return out; }
export function flatMap(x, fn) { const out = []; for (const v of iter(x)) { const r = fn(v); if (Array.isArray(r)) out.push(...r); else out.push(r); } return out; }
export function select(x, fn) {
  if (isHash(x)) { const o = {}; for (const k of Object.keys(x)) if (t(fn([k, x[k]]))) o[k] = x[k]; return o; }
  const out = []; for (const v of iter(x)) if (t(fn(v))) out.push(v); return out;
}
export function reject(x, fn) { return select(x, (v) => !t(fn(v))); }
export function find(x, fn) { for (const v of iter(x)) if (t(fn(v))) return v; return null; }
export function sum(x, fn) { let n = 0; for (const v of iter(x)) n += fn ? fn(v) : v; return n; }
export function sortBy(x, fn) { return toA(x).slice().sort((a, b) => cmp(fn(a), fn(b))); }
export function sort(x) { return toA(x).slice().sort(cmp); }
export function minBy(x, fn) { return sortBy(x, fn)[0] ?? null; }
export function maxBy(x, fn) { const a = sortBy(x, fn); return a.length ? a[a.length - 1] : null; }
export function groupBy(x, fn) { const o = {}; for (const v of iter(x)) { const k = fn(v); (o[k] || (o[k] = [])).push(v); } return o; }
export function indexBy(x, fn) { const o = {}; for (const v of iter(x)) o[fn(v)] = v; return o; }
export function eachSlice(x, n, fn) { const a = toA(x), out = []; for (let i = 0; i < a.length; i += n) out.push(a.slice(i, i + n)); if (fn) out.forEach((s) => fn(s)); return out; }
export function withIndex(x, fn) { return map(x, fn); }
export function join(x, sep = "") { return toA(x).map((v) => (Array.isArray(v) ? join(v, sep) : s(v))).join(sep); }
export function compact(x) { if (isHash(x)) { const o = {}; for (const k of Object.keys(x)) if (x[k] != null) o[k] = x[k]; return o; } return toA(x).filter((v) => v !== null && v !== undefined); }
export function uniq(x) { return Array.from(new Set(toA(x))); }
export function flatten(x) { return toA(x).flat(Infinity); }
export function reverse(x) { return typeof x === "string" ? x.split("").reverse().join("") : toA(x).slice().reverse(); }
export function keys(x) { return Object.keys(x); }
export function values(x) { return Object.keys(x).map((k) => x[k]); }
export function merge(a, ...bs) { return Object.assign({}, a, ...bs); }
export function fetch(x, k, dflt) {
  const v = idx(x, k);
  if (v !== undefined && v !== null) return v;
  if (arguments.length > 2) return typeof dflt === "function" ? dflt(k) : dflt;
  const e = new Error("key not found: " + inspect(k)); e.name = "KeyError"; throw e;
}
export function dig(x, ...ks) { let v = x; for (const k of ks) { if (v === null || v === undefined) return null; v = idx(v, k); } return v === undefined ? null : v; }
export function tap(x, fn) { fn(x); return x; }
export function then(x, fn) { return fn(x); }

// Strings
export function strip(x) { return s(x).trim(); }
export function upcase(x) { return s(x).toUpperCase(); }
export function downcase(x) { return s(x).toLowerCase(); }
export function capitalize(x) { const v = s(x); return v.charAt(0).toUpperCase() + v.slice(1).toLowerCase(); }
export function humanize(x) {
  const v = s(x).replace(/_id$/, "").replace(/_/g, " ").trim();
  return v.charAt(0).toUpperCase() + v.slice(1).toLowerCase();
}
export function titleize(x) {
  return s(x).replace(/([a-z\d])([A-Z])/g, "$1_$2").replace(/_id$/, "").replace(/[_-]+/g, " ").toLowerCase().replace(/\b([a-z])/g, (c) => c.toUpperCase());
}
export function startWith(x, ...p) { return p.some((q) => s(x).startsWith(q)); }
export function endWith(x, ...p) { return p.some((q) => s(x).endsWith(q)); }
export function split(x, sep) { return sep === undefined ? s(x).trim().split(/\s+/).filter(Boolean) : s(x).split(sep); }
export function gsub(x, pat, rep) { const re = typeof pat === "string" ? new RegExp(pat.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "g") : new RegExp(pat.source, pat.flags.includes("g") ? pat.flags : pat.flags + "g"); return s(x).replace(re, typeof rep === "function" ? (m) => s(rep(m)) : rep); }
export function sub(x, pat, rep) { return s(x).replace(pat, typeof rep === "function" ? (m) => s(rep(m)) : rep); }
export function center(x, n, pad = " ") { const v = s(x); const total = Math.max(0, n - v.length); const l = Math.floor(total / 2); return pad.repeat(l) + v + pad.repeat(total - l); }
export function toI(x) {
  if (x === null || x === undefined) return 0;
  if (typeof x === "number") return Math.trunc(x);
  const m = /^\s*[-+]?\d+/.exec(String(x));
  return m ? parseInt(m[0], 10) : 0;
}
export function toF(x) { if (x === null || x === undefined) return 0; const n = parseFloat(x); return isNaN(n) ? 0 : n; }
export function toSym(x) { return String(x); }
function argError(msg) { const e = new Error(msg); e.name = "ArgumentError"; return e; }
// Kernel#Integer / Float / String / Array
export function toInteger(x) {
  if (typeof x === "number" && Number.isFinite(x)) return Math.trunc(x);
  if (typeof x === "string" && /^\s*[-+]?(0x[0-9a-f]+|\d[\d_]*)\s*$/i.test(x)) return Number(x.replace(/_/g, "").trim());
  throw argError("invalid value for Integer(): " + inspect(x));
}
export function toFloat(x) {
  const n = typeof x === "number" ? x : (typeof x === "string" && x.trim() !== "" ? Number(x) : NaN);
  if (Number.isNaN(n)) throw argError("invalid value for Float(): " + inspect(x));
  return n;
}
export function toString(x) { return s(x); }
export function toArray2(x) { return toA(x); }

// Operators
export function eq(a, b) {
  if (a === b) return true;
  if (a === null || a === undefined) return b === null || b === undefined;
  if (b === null || b === undefined) return false;
  if (typeof a === "object") {
    if (typeof a.equals === "function") return a.equals(b);
    if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => eq(v, b[i]));
    if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
    if (isHash(a) && isHash(b)) { const ka = Object.keys(a), kb = Object.keys(b); return ka.length === kb.length && ka.every((k) => eq(a[k], b[k])); }
  }
  return false;
}
export function cmp(a, b) {
  if (a instanceof Date) a = a.getTime();
  if (b instanceof Date) b = b.getTime();
  return a < b ? -1 : a > b ? 1 : 0;
}
export function div(a, b) {
  if (Number.isInteger(a) && Number.isInteger(b)) {
    if (b === 0) { const e = new Error("divided by 0"); e.name = "ZeroDivisionError"; throw e; }
    return Math.floor(a / b);
  }
  return a / b;
}
export function mod(a, b) {
  if (typeof a === "string") return format(a, b);
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}
export function format(fmt, args) {
  const list = Array.isArray(args) ? args.slice() : [args];
  return String(fmt).replace(/%([-0]?\d*)(?:\.(\d+))?([sdfi%])/g, (m, w, p, c) => {
    if (c === "%") return "%";
    const v = list.shift();
    let out = c === "f" ? Number(v).toFixed(p === undefined ? 6 : +p) : c === "d" || c === "i" ? String(toI(v)) : s(v);
    const width = parseInt(w, 10);
    if (width) out = w[0] === "-" ? out.padEnd(width) : out.padStart(width, w[0] === "0" ? "0" : " ");
    return out;
  });
}
export function add(a, b) { return Array.isArray(a) ? a.concat(b) : a + b; }
export function sub2(a, b) { return Array.isArray(a) ? a.filter((v) => !include(b, v)) : a - b; }
export function mul(a, b) {
  if (typeof a === "string") return a.repeat(b);
  if (Array.isArray(a)) return typeof b === "string" ? join(a, b) : [].concat(...Array(b).fill(a));
  return a * b;
}
// a << b: strings are immutable in JS, so the caller assigns the result back to the variable.
export function shl(a, b) {
  if (Array.isArray(a)) { a.push(b); return a; }
  if (typeof a === "string") return a + s(b);
  if (a && typeof a.push === "function") { a.push(b); return a; }
  if (a && typeof a.concat === "function") return a.concat(b);
  return a << b;
}
// (a..b) / (a...b) / (a..): lazy, iterable, with include?/=== semantics; endless ranges work.
export class Range {
  constructor(a, b, excl) { this.begin = a; this.end = b === undefined ? null : b; this.excl = !!excl; }
  includes(v) {
    if (v === null || v === undefined) return false;
    const kind = (x) => (x instanceof Date ? "date" : typeof x);
    const ref = this.begin !== null ? this.begin : this.end;
    if (ref !== null && kind(v) !== kind(ref)) return false; // (90..) === "x" is false, as in Ruby
    if (this.begin !== null && cmp(v, this.begin) < 0) return false;
    if (this.end === null || this.end === Infinity) return true;
    const c = cmp(v, this.end);
    return this.excl ? c < 0 : c <= 0;
  }
  *[Symbol.iterator]() {
    if (typeof this.begin === "string") {
      for (let c = this.begin.charCodeAt(0), e = String(this.end).charCodeAt(0); this.excl ? c < e : c <= e; c++) yield String.fromCharCode(c);
      return;
    }
    const end = this.end === null ? Infinity : this.end;
    for (let i = this.begin; this.excl ? i < end : i <= end; i++) yield i;
  }
  toArray() {
    if (this.end === null || this.end === Infinity) throw Object.assign(new Error("cannot convert endless range to an array"), { name: "RangeError" });
    return Array.from(this);
  }
  get size() { return this.end === null ? Infinity : Math.max(0, Math.floor(this.end) - this.begin + (this.excl ? 0 : 1)); }
  toString() { return s(this.begin) + (this.excl ? "..." : "..") + s(this.end); }
}
export function range(a, b, excl) { return new Range(a, b, excl); }
export function idx(x, k, len) {
  if (x === null || x === undefined) throw noMethod("[]", x);
  if (Array.isArray(x) || typeof x === "string") {
    if (len !== undefined) { const i = k < 0 ? x.length + k : k; return x.slice(i, i + len); }
    if (k instanceof Range) { const b = k.begin < 0 ? x.length + k.begin : k.begin; let e = k.end === null ? x.length : (k.end < 0 ? x.length + k.end : k.end); if (!k.excl) e++; return x.slice(b, e); }
    const v = x[k < 0 ? x.length + k : k];
    return v === undefined ? null : v;
  }
  if (typeof x === "function") return x(k);
  if (x instanceof Map) return x.has(k) ? x.get(k) : null;
  if (!(k in x) && typeof x.get === "function") { const v = x.get(k); return v === undefined ? null : v; }
  const v = x[k];
  return v === undefined ? null : v;
}
export function idxSet(x, k, v) {
  if (Array.isArray(x) && k < 0) x[x.length + k] = v;
  else if (x instanceof Map) x.set(k, v);
  else if (!isHash(x) && !Array.isArray(x) && typeof x.set === "function") x.set(k, v); // session, flash
  else x[k] = v;
  return v;
}
export function caseEq(pat, v) {
  if (typeof pat === "function") {
    if (pat === String) return typeof v === "string";
    if (pat === Number) return typeof v === "number";
    if (pat.prototype) return v instanceof pat;
    return t(pat(v));
  }
  if (pat instanceof RegExp) return typeof v === "string" && pat.test(v);
  if (pat instanceof Range) return pat.includes(v);
  return eq(pat, v);
}
export function match(x, re) { if (x === null || x === undefined) return null; const m = re.exec(String(x)); return m ? m.index : null; }
export function isA(x, cls) {
  if (cls === String) return typeof x === "string";
  if (cls === Number) return typeof x === "number";
  if (cls === Array) return Array.isArray(x);
  if (cls === Object) return x !== null && x !== undefined;
  return x instanceof cls;
}
export function respondTo(x, name) { return x !== null && x !== undefined && (typeof x[name] === "function" || name in Object(x)); }
export function dup(x) { if (Array.isArray(x)) return x.slice(); if (isHash(x)) return Object.assign({}, x); return x; }

// Kernel
export function puts(...args) {
  const lines = [];
  if (args.length === 0) lines.push("");
  for (const a of args) {
    if (Array.isArray(a)) for (const v of a.flat(Infinity)) lines.push(s(v));
    else lines.push(s(a));
  }
  console.log(lines.join("\n"));
  return null;
}
export function p(...args) { console.log(args.map(inspect).join("\n")); return args.length === 1 ? args[0] : args; }
// raise "msg" | raise Cls | raise Cls, "msg" | raise err
export function raise(a, msg, rubyName) {
  if (a === undefined) { const e = new Error("unhandled exception"); e.name = "RuntimeError"; return e; }
  if (typeof a === "string") { const e = new Error(a); e.name = "RuntimeError"; return e; }
  if (typeof a === "function") {
    const e = msg === undefined ? new a() : new a(msg);
    if (msg !== undefined && e.message !== msg) e.message = msg;
    if (rubyName) e.name = rubyName; // ArgumentError, RuntimeError... (JS Error underneath)
    return e;
  }
  return a;
}
// ActiveSupport durations: 2.days.ago, 5.minutes.from_now, 1.hour (in ms for arithmetic)
export class Duration {
  constructor(ms) { this.ms = ms; }
  ago(from) { return new Date((from ? from.getTime() : Date.now()) - this.ms); }
  since(from) { return new Date((from ? from.getTime() : Date.now()) + this.ms); }
  get fromNow() { return this.since(); }
  get inSeconds() { return this.ms / 1000; }
  valueOf() { return this.ms / 1000; }
  toString() { return String(this.ms / 1000); }
}
Duration.prototype.after = Duration.prototype.since;
Duration.prototype.before = Duration.prototype.ago;
const UNIT = { second: 1e3, minute: 6e4, hour: 36e5, day: 864e5, week: 6048e5, month: 2592e6, year: 31536e6 };
// Time#strftime (UTC, as the framework stores times) and the date parts views use
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
export function strftime(d, fmt) {
  if (!(d instanceof Date)) d = new Date(d);
  const p2 = (n) => String(n).padStart(2, "0");
  const h12 = d.getUTCHours() % 12 || 12;
  return String(fmt).replace(/%([-]?)([a-zA-Z%])/g, (m, flag, c) => {
    const pad = (n, w = 2) => (flag === "-" ? String(n) : String(n).padStart(w, "0"));
    switch (c) {
      case "Y": return String(d.getUTCFullYear());
      case "y": return p2(d.getUTCFullYear() % 100);
      case "m": return pad(d.getUTCMonth() + 1);
      case "d": return pad(d.getUTCDate());
      case "e": return String(d.getUTCDate()).padStart(flag === "-" ? 0 : 2, " ");
      case "H": return pad(d.getUTCHours());
      case "I": return pad(h12);
      case "l": return String(h12).padStart(flag === "-" ? 0 : 2, " ");
      case "M": return pad(d.getUTCMinutes());
      case "S": return pad(d.getUTCSeconds());
      case "L": return String(d.getUTCMilliseconds()).padStart(3, "0");
      case "p": return d.getUTCHours() < 12 ? "AM" : "PM";
      case "P": return d.getUTCHours() < 12 ? "am" : "pm";
      case "B": return MONTHS[d.getUTCMonth()];
      case "b": case "h": return MONTHS[d.getUTCMonth()].slice(0, 3);
      case "A": return DAYS[d.getUTCDay()];
      case "a": return DAYS[d.getUTCDay()].slice(0, 3);
      case "j": return String(Math.floor((d - Date.UTC(d.getUTCFullYear(), 0, 1)) / 864e5) + 1).padStart(3, "0");
      case "Z": return "UTC";
      case "z": return "+0000";
      case "F": return d.getUTCFullYear() + "-" + p2(d.getUTCMonth() + 1) + "-" + p2(d.getUTCDate());
      case "T": return p2(d.getUTCHours()) + ":" + p2(d.getUTCMinutes()) + ":" + p2(d.getUTCSeconds());
      case "%": return "%";
      default: return m;
    }
  });
}
export function toSentence(x, o = {}) {
  const a = toA(x).map(s);
  const words = o.words_connector || ", ", two = o.two_words_connector || " and ", last = o.last_word_connector || ", and ";
  if (a.length <= 1) return a.join("");
  if (a.length === 2) return a.join(two);
  return a.slice(0, -1).join(words) + last + a[a.length - 1];
}

// ActionCable.server.broadcast(stream, data): data goes out as the Action Cable message (JSON)
export function cableBroadcast(stream, data) {
  if (typeof globalThis.broadcast === "function") globalThis.broadcast(String(stream), data);
  return null;
}
export function today() { const d = new Date(); return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())); }

// The template line of an error thrown in a compiled template body (new Function puts the body
// two lines down: QuickJS names it <input>, V8 <anonymous>); null when the stack does not say.
export function tplLine(e) {
  const m = e && typeof e.stack === "string" ? /(?:<input>|<anonymous>):(\d+)/.exec(e.stack) : null;
  return m ? Math.max(1, Number(m[1]) - 2) : null;
}

// In a Ruby view: a bare name is a local if one was passed, else a helper called with no args.
// js: the helper's camelCase name (new_article_path -> newArticlePath).
export function lv(locals, helpers, name, js = name) {
  if (name in locals) return locals[name];
  let h = helpers[js];
  if (h === undefined && js !== name) h = helpers[name];
  if (typeof h === "function") return h();
  if (h !== undefined) return h;
  const e = new Error("undefined local variable or method '" + name + "'"); e.name = "NameError"; throw e;
}

// Core methods reached through g()/call() on plain values (strings, arrays, hashes, numbers).
const CORE0 = {
  size, length: size, count, first, last, empty, isEmpty: empty, any, isAny: any, blank, isBlank: blank, present, isPresent: present,
  presence, strip, upcase, downcase, capitalize, humanize, titleize, toS: s, toI, toF, toSym, toA, inspect, keys, values, compact,
  uniq, flatten, reverse, sort, sum, isNil: nil, isZero: zero, dup, clone: dup,
  max: (x) => toA(x).reduce((m, v) => (m === null || cmp(v, m) > 0 ? v : m), null),
  min: (x) => toA(x).reduce((m, v) => (m === null || cmp(v, m) < 0 ? v : m), null),
  isEven: (x) => x % 2 === 0, isOdd: (x) => x % 2 !== 0, abs: (x) => Math.abs(x), round: (x) => Math.round(x),
  floor: (x) => Math.floor(x), ceil: (x) => Math.ceil(x), chars: (x) => s(x).split(""), lines: (x) => s(x).split(/(?<=\n)/),
  squish: (x) => s(x).trim().replace(/\s+/g, " "), toJson: (x) => JSON.stringify(x), html_safe: (x) => x, htmlSafe: (x) => x,
  pluralize: (x) => s(x) + "s", singularize: (x) => s(x).replace(/s$/, ""), underscore: (x) => s(x).replace(/([a-z\d])([A-Z])/g, "$1_$2").toLowerCase(),
  parameterize: (x) => s(x).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""),
  ...Object.fromEntries(Object.keys(UNIT).flatMap((u) => [[u, (n) => new Duration(n * UNIT[u])], [u + "s", (n) => new Duration(n * UNIT[u])]])),
  year: (d) => d.getUTCFullYear(), month: (d) => d.getUTCMonth() + 1, day: (d) => d.getUTCDate(),
  hour: (d) => d.getUTCHours(), min: (d) => d.getUTCMinutes(), sec: (d) => d.getUTCSeconds(), wday: (d) => d.getUTCDay(),
  toDate: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())), toSentence,
  succ: (x) => x + 1, pred: (x) => x - 1, isFrozen: () => false, freeze: (x) => x, itself: (x) => x, hash: (x) => s(x).length,
};
const CORE = {
  include, isInclude: include, join, split, gsub, sub, startWith, isStartWith: startWith, endWith, isEndWith: endWith, center,
  map, each, eachWithIndex, select, filter: select, reject, find, detect: find, sum, sortBy, minBy, maxBy, groupBy, indexBy,
  eachSlice, flatMap, count, any, isAny: any, all, isAll: all, none, isNone: none, first, last, fetch, dig, merge, tap, then,
  key, isKey: key, hasKey: key, isHasKey: key, isA, isIsA: isA, respondTo, isRespondTo: respondTo,
  ljust: (x, n, p = " ") => s(x).padEnd(n, p), rjust: (x, n, p = " ") => s(x).padStart(n, p),
  take: (x, n) => toA(x).slice(0, n), drop: (x, n) => toA(x).slice(n), push: (x, ...v) => { x.push(...v); return x; },
  delete: (x, k) => { if (Array.isArray(x)) { const i = x.indexOf(k); if (i < 0) return null; x.splice(i, 1); return k; } const v = x[k]; delete x[k]; return v === undefined ? null : v; },
  times: (n, fn) => { for (let i = 0; i < n; i++) fn(i); return n; },
  upto: (a, b, fn) => { for (let i = a; i <= b; i++) fn(i); return a; },
  step: (a, b, st, fn) => { for (let i = a; i <= b; i += st) fn(i); return a; },
  transformValues: (x, fn) => { const o = {}; for (const k of Object.keys(x)) o[k] = fn(x[k]); return o; },
  transformKeys: (x, fn) => { const o = {}; for (const k of Object.keys(x)) o[fn(k)] = x[k]; return o; },
  slice: (x, ...ks) => { if (typeof x === "string" || Array.isArray(x)) return idx(x, ks[0], ks[1]); const o = {}; for (const k of ks) if (k in x) o[k] = x[k]; return o; },
  except: (x, ...ks) => { const o = Object.assign({}, x); for (const k of ks) delete o[k]; return o; },
  round: (x, d = 0) => { const f = Math.pow(10, d); return Math.round(x * f) / f; },
  toS: (x) => s(x), inject: (x, init, fn) => { if (fn === undefined) { fn = init; const a = toA(x); return a.slice(1).reduce((m, v) => fn(m, v), a[0]); } let m = init; for (const v of iter(x)) m = fn(m, v); return m; },
  eachWithObject: (x, o, fn) => { for (const v of iter(x)) fn(v, o); return o; },
  format, strftime, toSentence, concat: (x, ...v) => (Array.isArray(x) ? (x.push(...v.flat()), x) : x + v.join("")),
  truncate: (x, n, o = {}) => { const v = s(x), om = o.omission === undefined ? "..." : o.omission; return v.length <= n ? v : v.slice(0, n - om.length) + om; },
};
export { CORE0 as core0, CORE as core };
