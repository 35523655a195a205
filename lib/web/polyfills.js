// lib/web/polyfills.js — ES2022+ built-ins that QuickJS 2021-03-27 lacks. Each is installed
// only when missing, non-enumerable like the real ones. Tests: tests/jsrt/polyfills.test.mjs.

function define(obj, name, value) {
  if (!(name in obj)) Object.defineProperty(obj, name, { value, writable: true, configurable: true, enumerable: false });
}

function toIntegerOrInfinity(n) {
  n = Number(n);
  if (Number.isNaN(n) || n === 0) return 0;
  if (!Number.isFinite(n)) return n;
  return Math.trunc(n);
}

function at(index) {
  const o = Object(this);
  const len = o.length >>> 0;
  let k = toIntegerOrInfinity(index);
  if (k < 0) k += len;
  if (k < 0 || k >= len) return undefined;
  return o[k];
}

define(Array.prototype, "at", at);
define(String.prototype, "at", function (index) {
  const s = String(this);
  let k = toIntegerOrInfinity(index);
  if (k < 0) k += s.length;
  if (k < 0 || k >= s.length) return undefined;
  return s[k];
});
const TypedArray = Object.getPrototypeOf(Uint8Array);
define(TypedArray.prototype, "at", at);

define(Array.prototype, "findLast", function (fn, thisArg) {
  for (let i = (this.length >>> 0) - 1; i >= 0; i--) if (fn.call(thisArg, this[i], i, this)) return this[i];
  return undefined;
});
define(Array.prototype, "findLastIndex", function (fn, thisArg) {
  for (let i = (this.length >>> 0) - 1; i >= 0; i--) if (fn.call(thisArg, this[i], i, this)) return i;
  return -1;
});
define(TypedArray.prototype, "findLast", Array.prototype.findLast);
define(TypedArray.prototype, "findLastIndex", Array.prototype.findLastIndex);

define(Array.prototype, "toReversed", function () {
  const len = this.length >>> 0;
  const out = new Array(len);
  for (let i = 0; i < len; i++) out[i] = this[len - 1 - i];
  return out;
});
define(Array.prototype, "toSorted", function (compare) {
  if (compare !== undefined && typeof compare !== "function") throw new TypeError("The comparison function must be either a function or undefined");
  return Array.prototype.slice.call(this).sort(compare);
});
define(Array.prototype, "toSpliced", function (start, skip, ...items) {
  const copy = Array.prototype.slice.call(this);
  if (arguments.length === 0) return copy;
  if (arguments.length === 1) copy.splice(start);
  else copy.splice(start, skip, ...items);
  return copy;
});
define(Array.prototype, "with", function (index, value) {
  const len = this.length >>> 0;
  let k = toIntegerOrInfinity(index);
  if (k < 0) k += len;
  if (k < 0 || k >= len) throw new RangeError("Invalid index : " + index);
  const copy = Array.prototype.slice.call(this);
  copy[k] = value;
  return copy;
});

define(Object, "hasOwn", function hasOwn(obj, key) {
  if (obj == null) throw new TypeError("Cannot convert undefined or null to object");
  return Object.prototype.hasOwnProperty.call(obj, key);
});

function groupInto(items, fn, add) {
  let i = 0;
  for (const item of items) add(fn(item, i++), item);
}
define(Object, "groupBy", function groupBy(items, fn) {
  const out = Object.create(null);
  groupInto(items, fn, (k, v) => {
    k = typeof k === "symbol" ? k : String(k);
    (out[k] ||= []).push(v);
  });
  return out;
});
define(Map, "groupBy", function groupBy(items, fn) {
  const out = new Map();
  groupInto(items, fn, (k, v) => {
    if (!out.has(k)) out.set(k, []);
    out.get(k).push(v);
  });
  return out;
});

define(String.prototype, "replaceAll", function (search, replacement) {
  if (this == null) throw new TypeError("String.prototype.replaceAll called on null or undefined");
  if (search instanceof RegExp) {
    if (!search.global) throw new TypeError("replaceAll must be called with a global RegExp");
    return String.prototype.replace.call(this, search, replacement);
  }
  const s = String(this), needle = String(search);
  if (typeof replacement === "function") {
    let out = "", pos = 0, idx;
    const step = Math.max(1, needle.length);
    if (needle === "") {
      for (let i = 0; i <= s.length; i++) out += String(replacement(needle, i, s)) + (i < s.length ? s[i] : "");
      return out;
    }
    while ((idx = s.indexOf(needle, pos)) !== -1) {
      out += s.slice(pos, idx) + String(replacement(needle, idx, s));
      pos = idx + step;
    }
    return out + s.slice(pos);
  }
  const escaped = needle.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return s.replace(new RegExp(escaped, "g"), String(replacement));
});

// Error cause (ES2022): new Error(msg, { cause }) for Error and every native subclass.
// The wrapper's own frames are removed from err.stack so traces start at the caller.
function trimStack(err) {
  const st = err.stack;
  if (typeof st !== "string") return;
  const lines = st.split("\n");
  let i = 0;
  while (i < lines.length && (lines[i].includes("at construct (native)") || lines[i].includes("polyfills.js"))) i++;
  if (i) Object.defineProperty(err, "stack", { value: lines.slice(i).join("\n"), writable: true, configurable: true, enumerable: false });
}
if (!("cause" in new Error("x", { cause: 1 }))) {
  const names = ["Error", "TypeError", "RangeError", "SyntaxError", "ReferenceError", "EvalError", "URIError", "InternalError"];
  for (const name of names) {
    const Native = globalThis[name];
    if (typeof Native !== "function") continue;
    const Wrapped = {
      [name]: function (message, options) {
        const err = new.target ? Reflect.construct(Native, message === undefined ? [] : [message], new.target) : Native(message);
        if (options !== null && typeof options === "object" && "cause" in options) {
          Object.defineProperty(err, "cause", { value: options.cause, writable: true, configurable: true, enumerable: false });
        }
        trimStack(err);
        return err;
      },
    }[name];
    Wrapped.prototype = Native.prototype;
    Object.defineProperty(Native.prototype, "constructor", { value: Wrapped, writable: true, configurable: true, enumerable: false });
    Object.setPrototypeOf(Wrapped, name === "Error" ? Function.prototype : globalThis.Error);
    if (Native.captureStackTrace) Wrapped.captureStackTrace = Native.captureStackTrace;
    globalThis[name] = Wrapped;
  }
  if (typeof AggregateError === "function") {
    const NativeAgg = AggregateError;
    const Agg = function AggregateError(errors, message, options) {
      const err = Reflect.construct(NativeAgg, message === undefined ? [errors] : [errors, message], new.target || Agg);
      if (options !== null && typeof options === "object" && "cause" in options) {
        Object.defineProperty(err, "cause", { value: options.cause, writable: true, configurable: true, enumerable: false });
      }
      return err;
    };
    Agg.prototype = NativeAgg.prototype;
    Object.defineProperty(NativeAgg.prototype, "constructor", { value: Agg, writable: true, configurable: true, enumerable: false });
    Object.setPrototypeOf(Agg, globalThis.Error);
    globalThis.AggregateError = Agg;
  }
}

// Promise.withResolvers (ES2024) and Array.fromAsync are cheap and commonly used.
define(Promise, "withResolvers", function withResolvers() {
  let resolve, reject;
  const promise = new this((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
});

define(String.prototype, "isWellFormed", function () {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(String(this));
});
