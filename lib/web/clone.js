// lib/web/clone.js — structuredClone: deep copy of plain data with cycles and shared
// references preserved (objects, arrays, Date, RegExp, Map, Set, ArrayBuffer, typed arrays,
// DataView, Error, Blob/File, boxed primitives). Functions and symbols are a DataCloneError.

function clone(value, memo) {
  if (value === null || typeof value !== "object") {
    if (typeof value === "function" || typeof value === "symbol") {
      throw new DOMException(`${typeof value === "function" ? "function" : String(value)} could not be cloned.`, "DataCloneError");
    }
    return value;
  }
  if (memo.has(value)) return memo.get(value);
  let out;
  const tag = Object.prototype.toString.call(value);
  if (Array.isArray(value)) {
    out = new Array(value.length);
    memo.set(value, out);
    for (const k of Object.keys(value)) out[k] = clone(value[k], memo);
    return out;
  }
  if (value instanceof Date) out = new Date(value.getTime());
  else if (value instanceof RegExp) out = new RegExp(value.source, value.flags);
  else if (value instanceof ArrayBuffer) out = value.slice(0);
  else if (value instanceof DataView) {
    out = new DataView(clone(value.buffer, memo), value.byteOffset, value.byteLength);
  } else if (ArrayBuffer.isView(value)) {
    const buf = clone(value.buffer, memo);
    out = new value.constructor(buf, value.byteOffset, value.length);
  } else if (value instanceof Map) {
    out = new Map();
    memo.set(value, out);
    for (const [k, v] of value) out.set(clone(k, memo), clone(v, memo));
    return out;
  } else if (value instanceof Set) {
    out = new Set();
    memo.set(value, out);
    for (const v of value) out.add(clone(v, memo));
    return out;
  } else if (value instanceof Error) {
    const Ctor = { EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError }[value.name] || Error;
    out = new Ctor(value.message);
    memo.set(value, out);
    if (value.stack !== undefined) Object.defineProperty(out, "stack", { value: value.stack, writable: true, configurable: true });
    if ("cause" in value) Object.defineProperty(out, "cause", { value: clone(value.cause, memo), writable: true, configurable: true });
    return out;
  } else if (typeof File === "function" && value instanceof File) {
    out = new File([value], value.name, { type: value.type, lastModified: value.lastModified });
  } else if (typeof Blob === "function" && value instanceof Blob) {
    out = new Blob([value], { type: value.type });
  } else if (tag === "[object Number]") out = Object(Number(value.valueOf()));
  else if (tag === "[object String]") out = Object(String(value.valueOf()));
  else if (tag === "[object Boolean]") out = Object(Boolean(value.valueOf()));
  else if (tag === "[object BigInt]") out = Object(value.valueOf());
  else if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet) {
    throw new DOMException(`${tag} could not be cloned.`, "DataCloneError");
  } else {
    out = {};
    memo.set(value, out);
    for (const k of Object.keys(value)) out[k] = clone(value[k], memo);
    return out;
  }
  memo.set(value, out);
  return out;
}

globalThis.structuredClone = function structuredClone(value, options) {
  if (arguments.length === 0) throw new TypeError("structuredClone: 1 argument required, but only 0 present.");
  return clone(value, new Map());
};
