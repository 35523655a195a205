// params.js — ActionController::Parameters: nested form params (article[title]=x ->
// {article: {title: "x"}}), require/permit (strong parameters) and body parsing for
// urlencoded, multipart and JSON requests.
export class ParameterMissing extends Error {
  constructor(key) { super("param is missing or the value is empty or invalid: " + key); this.name = "ParameterMissing"; this.status = 400; }
}

// Rack's bounds on form and query params: deeper nesting or more params is a client error
// (400), never a stack overflow or an out-of-memory in the worker.
export const PARAMS_DEPTH_LIMIT = 100;
export const PARAMS_COUNT_LIMIT = 4096;
function badRequest(message) {
  const err = new Error(message);
  err.name = "BadRequest";
  err.status = 400;
  return err;
}

export class Parameters {
  constructor(obj = {}, permitted = false) {
    Object.defineProperty(this, "permitted", { value: permitted, writable: true, enumerable: false });
    for (const k of Object.keys(obj)) this[k] = wrap(obj[k]);
  }
  require(key) {
    const v = this[key];
    if (v === undefined || v === null || v === "" || (v instanceof Parameters && Object.keys(v).length === 0)) throw new ParameterMissing(key);
    return v;
  }
  // permit("title", "body", { tags: [] }, { author: ["name"] })
  permit(...keys) {
    const out = {};
    for (const k of keys.flat()) {
      if (typeof k === "string") {
        const v = this[k];
        if (v !== undefined && (v === null || typeof v !== "object" || v instanceof Date)) out[k] = v;
      } else if (k && typeof k === "object") {
        for (const n of Object.keys(k)) {
          const spec = k[n];
          const v = this[n];
          if (v === undefined) continue;
          if (Array.isArray(spec) && spec.length === 0 && Array.isArray(v)) out[n] = v.filter((x) => typeof x !== "object");
          else if (v instanceof Parameters) out[n] = v.permit(...[].concat(spec));
        }
      }
    }
    return new Parameters(out, true);
  }
  // Rails 8: expect("id") -> the scalar; expect({ article: ["title", "body"] }) ->
  // require("article").permit("title", "body"); a missing key, a scalar where a hash is expected
  // (or the reverse) or nothing permitted raises ParameterMissing (400). Several keys -> an array.
  expect(...filters) {
    const values = [];
    for (const f of filters.flat()) {
      if (typeof f === "string") {
        const v = this[f];
        if (v === undefined || v === null || v === "" || (typeof v === "object" && !(v instanceof Date))) throw new ParameterMissing(f);
        values.push(v);
      } else if (f && typeof f === "object") {
        for (const k of Object.keys(f)) {
          const v = this[k];
          if (!(v instanceof Parameters)) throw new ParameterMissing(k);
          const p = v.permit(...[].concat(f[k]));
          if (Object.keys(p).length === 0) throw new ParameterMissing(k);
          values.push(p);
        }
      }
    }
    return values.length === 1 ? values[0] : values;
  }
  get(key) { return this[key]; }
  fetch(key, dflt) { return this[key] !== undefined ? this[key] : dflt; }
  has(key) { return Object.prototype.hasOwnProperty.call(this, key); }
  isPermitted() { return this.permitted; }
  toObject() {
    const o = {};
    for (const k of Object.keys(this)) o[k] = this[k] instanceof Parameters ? this[k].toObject() : this[k];
    return o;
  }
  toJSON() { return this.toObject(); }
}
function wrap(v) {
  if (v && typeof v === "object" && !Array.isArray(v) && !(v instanceof Parameters) && !(v instanceof Date) && !isFile(v)) return new Parameters(v);
  return v;
}
function isFile(v) { return typeof Blob !== "undefined" && v instanceof Blob; }

// Adds "a[b][c]" = v into obj; "a[]" appends.
export function setNested(obj, key, value) {
  const parts = [];
  const m = /^([^\[\]]+)/.exec(key);
  if (!m) { obj[key] = value; return; }
  parts.push(m[1]);
  const re = /\[([^\[\]]*)\]/g;
  let x;
  re.lastIndex = m[1].length;
  while ((x = re.exec(key))) parts.push(x[1]);
  if (parts.length > PARAMS_DEPTH_LIMIT) throw badRequest(`Invalid request parameters: params nested deeper than ${PARAMS_DEPTH_LIMIT} levels`);
  let cur = obj;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    const last = i === parts.length - 1;
    if (p === "") { // array
      if (!Array.isArray(cur)) return;
      if (last) { cur.push(value); return; }
      const nextKey = parts[i + 1];
      let tail = cur[cur.length - 1];
      if (!tail || typeof tail !== "object" || nextKey in tail) { tail = {}; cur.push(tail); }
      cur = tail; continue;
    }
    if (last) { cur[p] = value; return; }
    if (cur[p] === undefined || typeof cur[p] !== "object") cur[p] = parts[i + 1] === "" ? [] : {};
    cur = cur[p];
  }
}

// Counts the params of a query string before any is decoded, so a million of them cost one scan.
function checkCount(search) {
  let n = 1;
  for (let i = search.indexOf("&"); i >= 0; i = search.indexOf("&", i + 1)) {
    if (++n > PARAMS_COUNT_LIMIT) throw badRequest(`Invalid request parameters: more than ${PARAMS_COUNT_LIMIT} params`);
  }
}

// Refuses JSON nested deeper than Rack would accept (walked without recursion).
function checkDepth(value) {
  const stack = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop();
    if (!v || typeof v !== "object") continue;
    if (d > PARAMS_DEPTH_LIMIT) throw badRequest(`Invalid request parameters: params nested deeper than ${PARAMS_DEPTH_LIMIT} levels`);
    for (const k of Object.keys(v)) stack.push([v[k], d + 1]);
  }
}

export function parseQuery(search, into = {}) {
  if (!search) return into;
  checkCount(search);
  const usp = new URLSearchParams(search);
  for (const [k, v] of usp) setNested(into, k, v);
  return into;
}

// Reads the body of a Request into a plain object (sync afterwards).
export async function parseBody(request) {
  const ct = (request.headers.get("content-type") || "").toLowerCase();
  if (request.method === "GET" || request.method === "HEAD") return {};
  if (ct.startsWith("application/x-www-form-urlencoded")) return parseQuery(await request.text());
  if (ct.startsWith("multipart/form-data")) {
    let fd;
    // a multipart body the decoder cannot read (no boundary, a broken part) is the client's
    // error, as Rack's multipart parser answers it: 400, never a TypeError and a 500
    try { fd = await request.formData(); }
    catch (e) { throw badRequest("Invalid request parameters: " + e.message); }
    const out = {};
    let n = 0;
    for (const [k, v] of fd) {
      if (++n > PARAMS_COUNT_LIMIT) throw badRequest(`Invalid request parameters: more than ${PARAMS_COUNT_LIMIT} params`);
      setNested(out, k, v);
    }
    return out;
  }
  if (ct.includes("json")) {
    const text = await request.text();
    if (!text) return {};
    let j;
    try { j = JSON.parse(text); }
    catch (e) { const err = new Error("Error occurred while parsing request parameters: " + e.message); err.status = 400; err.name = "ParseError"; throw err; }
    checkDepth(j);
    return j && typeof j === "object" && !Array.isArray(j) ? j : { _json: j };
  }
  return {};
}
