// lib/web/headers.js — Headers: case-insensitive names, values combined with ", " except
// Set-Cookie, which keeps every value (getSetCookie). Iteration is sorted by name.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const NAME_CACHE = new Map();

function normName(name) {
  name = String(name);
  let n = NAME_CACHE.get(name);
  if (n !== undefined) return n;
  if (!TOKEN.test(name)) throw new TypeError(`Headers: invalid header name "${name}"`);
  n = name.toLowerCase();
  if (NAME_CACHE.size < 1000) NAME_CACHE.set(name, n);
  return n;
}
function normValue(value) {
  value = String(value);
  // plain string scans: this runs for every header of every response
  if (value.indexOf("\n") !== -1 || value.indexOf("\r") !== -1 || value.indexOf("\0") !== -1) {
    throw new TypeError("Headers: invalid header value");
  }
  const n = value.length;
  if (n && (value.charCodeAt(0) <= 32 || value.charCodeAt(n - 1) <= 32)) value = value.replace(/^[\t ]+|[\t ]+$/g, "");
  return value;
}

class Headers {
  #map = new Map(); // lowercase name -> value (not set-cookie)
  #cookies = [];

  constructor(init) {
    if (init == null) return;
    if (init instanceof Headers) {
      for (const [k, v] of init.#map) this.#map.set(k, v);
      this.#cookies = init.#cookies.slice();
    } else if (typeof init[Symbol.iterator] === "function") {
      for (const pair of init) {
        const arr = Array.isArray(pair) ? pair : [...pair];
        if (arr.length !== 2) throw new TypeError("Headers: each header must be a [name, value] pair");
        this.append(arr[0], arr[1]);
      }
    } else if (typeof init === "object") {
      for (const k of Object.keys(init)) this.append(k, init[k]);
    } else throw new TypeError("Headers: invalid init");
  }

  // Host fast path: names already lowercase and valid (llhttp parsed them).
  static _fromFlat(flat) {
    const h = new Headers();
    for (let i = 0; i < flat.length; i += 2) {
      const k = flat[i], v = flat[i + 1];
      if (k === "set-cookie") h.#cookies.push(v);
      else {
        const old = h.#map.get(k);
        h.#map.set(k, old === undefined ? v : k === "cookie" ? old + "; " + v : old + ", " + v);
      }
    }
    return h;
  }
  _flat() {
    const out = [];
    for (const [k, v] of this.#map) out.push(k, v);
    for (const c of this.#cookies) out.push("set-cookie", c);
    return out;
  }

  append(name, value) {
    const k = normName(name), v = normValue(value);
    if (k === "set-cookie") { this.#cookies.push(v); return; }
    const old = this.#map.get(k);
    this.#map.set(k, old === undefined ? v : old + ", " + v);
  }
  set(name, value) {
    const k = normName(name), v = normValue(value);
    if (k === "set-cookie") { this.#cookies = [v]; return; }
    this.#map.set(k, v);
  }
  get(name) {
    const k = normName(name);
    if (k === "set-cookie") return this.#cookies.length ? this.#cookies.join(", ") : null;
    const v = this.#map.get(k);
    return v === undefined ? null : v;
  }
  has(name) {
    const k = normName(name);
    return k === "set-cookie" ? this.#cookies.length > 0 : this.#map.has(k);
  }
  delete(name) {
    const k = normName(name);
    if (k === "set-cookie") this.#cookies = [];
    else this.#map.delete(k);
  }
  getSetCookie() { return this.#cookies.slice(); }
  *entries() {
    const names = [...this.#map.keys()];
    if (this.#cookies.length) names.push("set-cookie");
    names.sort();
    for (const k of names) {
      if (k === "set-cookie") for (const c of this.#cookies) yield [k, c];
      else yield [k, this.#map.get(k)];
    }
  }
  *keys() { for (const [k] of this.entries()) yield k; }
  *values() { for (const [, v] of this.entries()) yield v; }
  forEach(fn, thisArg) { for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this); }
  [Symbol.iterator]() { return this.entries(); }
  get [Symbol.toStringTag]() { return "Headers"; }
}

globalThis.Headers = Headers;
