// lib/web/url.js — URL and URLSearchParams (WHATWG URL, without IDNA): special schemes,
// relative resolution against a base, dot segments, percent-encoding sets, the
// application/x-www-form-urlencoded parser and serializer.
import { utf8Decode, utf8Encode } from "quickrail:web";

const SPECIAL = { "http:": "80", "https:": "443", "ws:": "80", "wss:": "443", "ftp:": "21", "file:": "" };

const HEX = "0123456789ABCDEF";
function pctEncode(str, shouldEncode) {
  let out = "";
  for (let i = 0; i < str.length; i++) {
    const c = str.charCodeAt(i);
    if (c < 0x80) {
      out += shouldEncode(c) ? "%" + HEX[c >> 4] + HEX[c & 15] : str[i];
      continue;
    }
    let cp = c;
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < str.length) {
      const d = str.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++; }
      else cp = 0xfffd;
    } else if (c >= 0xd800 && c <= 0xdfff) cp = 0xfffd;
    const bytes = cp < 0x800 ? [0xc0 | (cp >> 6), 0x80 | (cp & 63)]
      : cp < 0x10000 ? [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]
      : [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
    for (const b of bytes) out += "%" + HEX[b >> 4] + HEX[b & 15];
  }
  return out;
}

const C0 = (c) => c < 0x20 || c === 0x7f;
const FRAGMENT = (c) => C0(c) || c === 0x20 || c === 0x22 || c === 0x3c || c === 0x3e || c === 0x60;
const QUERY = (c) => C0(c) || c === 0x20 || c === 0x22 || c === 0x23 || c === 0x3c || c === 0x3e;
const SPECIAL_QUERY = (c) => QUERY(c) || c === 0x27;
const PATH = (c) => QUERY(c) || c === 0x3f || c === 0x60 || c === 0x7b || c === 0x7d;
const USERINFO = (c) => PATH(c) || c === 0x2f || c === 0x3a || c === 0x3b || c === 0x3d || c === 0x40 ||
  (c >= 0x5b && c <= 0x5e) || c === 0x7c;
const FORM = (c) => !((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
  c === 0x2a || c === 0x2d || c === 0x2e || c === 0x5f);

function pctDecodeToString(s) {
  if (s.indexOf("%") === -1) return s;
  const bytes = utf8Encode(s); // ArrayBuffer
  const src = new Uint8Array(bytes);
  const out = new Uint8Array(src.length);
  let o = 0;
  const hex = (b) => (b >= 48 && b <= 57 ? b - 48 : b >= 65 && b <= 70 ? b - 55 : b >= 97 && b <= 102 ? b - 87 : -1);
  for (let i = 0; i < src.length; i++) {
    if (src[i] === 37 && i + 2 < src.length + 0 && hex(src[i + 1]) >= 0 && hex(src[i + 2]) >= 0) {
      out[o++] = hex(src[i + 1]) * 16 + hex(src[i + 2]);
      i += 2;
    } else out[o++] = src[i];
  }
  return utf8Decode(out.subarray(0, o), false, true);
}

function parseForm(input) {
  const list = [];
  if (!input) return list;
  for (const part of input.split("&")) {
    if (!part) continue;
    const eq = part.indexOf("=");
    let name = eq === -1 ? part : part.slice(0, eq);
    let value = eq === -1 ? "" : part.slice(eq + 1);
    if (name.indexOf("+") !== -1) name = name.replace(/\+/g, " ");
    if (value.indexOf("+") !== -1) value = value.replace(/\+/g, " ");
    list.push([pctDecodeToString(name), pctDecodeToString(value)]);
  }
  return list;
}

function serializeForm(list) {
  let out = "";
  for (let i = 0; i < list.length; i++) {
    if (i) out += "&";
    out += pctEncode(list[i][0], FORM).replace(/%20/g, "+") + "=" + pctEncode(list[i][1], FORM).replace(/%20/g, "+");
  }
  return out;
}

function toUSVString(v) { return String(v); }

class URLSearchParams {
  #list = [];
  #url = null; // owning URL, updated on change
  constructor(init = "") {
    if (init instanceof URLSearchParams) this.#list = init.#list.map((p) => [p[0], p[1]]);
    else if (init !== null && typeof init === "object") {
      if (typeof init[Symbol.iterator] === "function") {
        for (const pair of init) {
          const arr = [...pair];
          if (arr.length !== 2) throw new TypeError("URLSearchParams: each pair must be [name, value]");
          this.#list.push([toUSVString(arr[0]), toUSVString(arr[1])]);
        }
      } else {
        for (const k of Object.keys(init)) this.#list.push([k, toUSVString(init[k])]);
      }
    } else {
      let s = String(init);
      if (s[0] === "?") s = s.slice(1);
      this.#list = parseForm(s);
    }
  }
  static _attach(params, url) { params.#url = url; }
  static _reset(params, query) { params.#list = parseForm(query); }
  #update() { if (this.#url) this.#url._setQueryFromParams(serializeForm(this.#list)); }
  get size() { return this.#list.length; }
  append(name, value) { this.#list.push([String(name), toUSVString(value)]); this.#update(); }
  delete(name, value) {
    name = String(name);
    this.#list = this.#list.filter((p) => !(p[0] === name && (value === undefined || p[1] === String(value))));
    this.#update();
  }
  get(name) { name = String(name); const p = this.#list.find((p) => p[0] === name); return p ? p[1] : null; }
  getAll(name) { name = String(name); return this.#list.filter((p) => p[0] === name).map((p) => p[1]); }
  has(name, value) {
    name = String(name);
    return this.#list.some((p) => p[0] === name && (value === undefined || p[1] === String(value)));
  }
  set(name, value) {
    name = String(name); value = toUSVString(value);
    const i = this.#list.findIndex((p) => p[0] === name);
    if (i === -1) this.#list.push([name, value]);
    else {
      this.#list[i][1] = value;
      this.#list = this.#list.filter((p, j) => j <= i || p[0] !== name);
    }
    this.#update();
  }
  sort() {
    const indexed = this.#list.map((p, i) => [p, i]);
    indexed.sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]));
    this.#list = indexed.map((x) => x[0]);
    this.#update();
  }
  forEach(fn, thisArg) { for (const [k, v] of this.#list) fn.call(thisArg, v, k, this); }
  *keys() { for (const p of this.#list) yield p[0]; }
  *values() { for (const p of this.#list) yield p[1]; }
  *entries() { for (const p of this.#list) yield [p[0], p[1]]; }
  [Symbol.iterator]() { return this.entries(); }
  toString() { return serializeForm(this.#list); }
  get [Symbol.toStringTag]() { return "URLSearchParams"; }
}

function normalizePath(segments, special) {
  const out = [];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const lower = seg.toLowerCase();
    const isDot = seg === "." || lower === "%2e";
    const isDotDot = seg === ".." || lower === ".%2e" || lower === "%2e." || lower === "%2e%2e";
    const last = i === segments.length - 1;
    if (isDotDot) { out.pop(); if (last) out.push(""); }
    else if (isDot) { if (last) out.push(""); }
    else out.push(seg);
  }
  return out;
}

function parseHost(host, special) {
  if (host.startsWith("[")) {
    if (!host.endsWith("]")) throw new TypeError("Invalid URL: bad IPv6 host");
    return host.toLowerCase();
  }
  if (!special) return pctEncode(host, C0);
  let h = pctDecodeToString(host).toLowerCase();
  if (/[\u0000\t\n\r #/:<>?@[\\\]^|%]/.test(h)) throw new TypeError("Invalid URL: forbidden host code point");
  if (h === "" ) throw new TypeError("Invalid URL: empty host");
  // IPv4 in dotted decimal (and numbers) — normalise simple forms
  if (/^[0-9.]+$/.test(h) && /^\d+(\.\d+){0,3}\.?$/.test(h)) {
    const parts = h.replace(/\.$/, "").split(".").map(Number);
    if (parts.every((n) => n <= 255) && parts.length === 4) h = parts.join(".");
  }
  return h;
}

class URL {
  #protocol = ""; #username = ""; #password = ""; #hostname = null; #port = "";
  #path = []; #opaque = null; #query = null; #fragment = null; #params = null;

  constructor(url, base) {
    url = String(url);
    if (base !== undefined) {
      const b = base instanceof URL ? base : new URL(String(base));
      this.#parse(url, b);
    } else this.#parse(url, null);
  }

  static canParse(url, base) { try { new URL(url, base); return true; } catch { return false; } }
  static parse(url, base) { try { return new URL(url, base); } catch { return null; } }

  #parse(input, base) {
    input = input.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "").replace(/[\t\n\r]/g, "");
    const m = /^([a-zA-Z][a-zA-Z0-9+.\-]*):/.exec(input);
    let rest;
    if (m) {
      this.#protocol = m[1].toLowerCase() + ":";
      rest = input.slice(m[0].length);
      if (base && this.#protocol === base.protocol && this.#protocol in SPECIAL && !/^[\/\\]/.test(rest)) {
        // "http:foo" relative to an http base
        return this.#relative(rest, base);
      }
    } else {
      if (!base) throw new TypeError(`Invalid URL: ${input}`);
      this.#protocol = base.protocol;
      if (base.#opaque !== null) {
        if (input.startsWith("#")) {
          this.#opaque = base.#opaque; this.#query = base.#query;
          this.#fragment = pctEncode(input.slice(1), FRAGMENT);
          return;
        }
        throw new TypeError(`Invalid URL: ${input}`);
      }
      return this.#relative(input, base);
    }
    const special = this.#protocol in SPECIAL;
    if (special) {
      if (this.#protocol === "file:") {
        rest = rest.replace(/\\/g, "/");
        if (rest.startsWith("//")) {
          rest = rest.slice(2);
          const end = rest.search(/[\/?#]/);
          const host = end === -1 ? rest : rest.slice(0, end);
          this.#hostname = host === "" || host === "localhost" ? "" : parseHost(host, true);
          rest = end === -1 ? "" : rest.slice(end);
        } else this.#hostname = "";
        return this.#pathQueryFragment(rest, true);
      }
      rest = rest.replace(/^[\/\\]*/, "");
      return this.#authority(rest);
    }
    if (rest.startsWith("//")) return this.#authority(rest.slice(2));
    // opaque path (mailto:, data:, javascript:)
    const q = rest.search(/[?#]/);
    const opaque = q === -1 ? rest : rest.slice(0, q);
    this.#opaque = pctEncode(opaque, C0);
    this.#queryFragment(q === -1 ? "" : rest.slice(q));
  }

  #authority(rest) {
    const special = this.#protocol in SPECIAL;
    const end = special ? rest.search(/[\/\\?#]/) : rest.search(/[\/?#]/);
    let auth = end === -1 ? rest : rest.slice(0, end);
    rest = end === -1 ? "" : rest.slice(end);
    const at = auth.lastIndexOf("@");
    if (at !== -1) {
      const info = auth.slice(0, at);
      auth = auth.slice(at + 1);
      const colon = info.indexOf(":");
      this.#username = pctEncode(colon === -1 ? info : info.slice(0, colon), USERINFO);
      this.#password = colon === -1 ? "" : pctEncode(info.slice(colon + 1), USERINFO);
    }
    const pm = /:(\d*)$/.exec(auth);
    if (pm && !auth.endsWith("]")) {
      auth = auth.slice(0, pm.index);
      let port = pm[1];
      if (port !== "") {
        const n = parseInt(port, 10);
        if (n > 65535) throw new TypeError("Invalid URL: port out of range");
        port = String(n);
      }
      this.#port = port === SPECIAL[this.#protocol] ? "" : port;
    } else if (/:[^\]]*$/.test(auth) && !auth.startsWith("[")) {
      throw new TypeError("Invalid URL: bad port");
    }
    if (special && auth === "") throw new TypeError("Invalid URL: missing host");
    this.#hostname = parseHost(auth, special);
    this.#pathQueryFragment(rest, special);
  }

  #pathQueryFragment(rest, special) {
    if (special) rest = rest.replace(/\\/g, (m, i) => (rest.slice(0, i).search(/[?#]/) === -1 ? "/" : m));
    const q = rest.search(/[?#]/);
    const path = q === -1 ? rest : rest.slice(0, q);
    this.#setPath(path, special);
    this.#queryFragment(q === -1 ? "" : rest.slice(q));
  }

  #setPath(path, special) {
    if (path === "" ) { this.#path = special ? [""] : []; return; }
    const segs = path.replace(/^\//, "").split("/").map((s) => pctEncode(s, PATH));
    this.#path = normalizePath(segs, special);
    if (special && this.#path.length === 0) this.#path = [""];
  }

  #queryFragment(rest) {
    this.#query = null; this.#fragment = null;
    const h = rest.indexOf("#");
    let q = h === -1 ? rest : rest.slice(0, h);
    if (h !== -1) this.#fragment = pctEncode(rest.slice(h + 1), FRAGMENT);
    if (q.startsWith("?")) this.#query = pctEncode(q.slice(1), this.#protocol in SPECIAL ? SPECIAL_QUERY : QUERY);
  }

  #relative(input, base) {
    const special = this.#protocol in SPECIAL;
    if (special) input = input.replace(/\\/g, "/");
    if (input.startsWith("//")) {
      return this.#authority(input.slice(2));
    }
    this.#username = base.#username; this.#password = base.#password;
    this.#hostname = base.#hostname; this.#port = base.#port;
    if (input === "") { this.#path = base.#path.slice(); this.#query = base.#query; return; }
    if (input.startsWith("/")) return this.#pathQueryFragment(input, special);
    if (input.startsWith("?")) { this.#path = base.#path.slice(); return this.#queryFragment(input); }
    if (input.startsWith("#")) {
      this.#path = base.#path.slice(); this.#query = base.#query;
      this.#fragment = pctEncode(input.slice(1), FRAGMENT);
      return;
    }
    const q = input.search(/[?#]/);
    const rel = q === -1 ? input : input.slice(0, q);
    const dir = base.#path.slice(0, -1);
    const segs = dir.concat(rel.split("/").map((s) => pctEncode(s, PATH)));
    this.#path = normalizePath(segs, special);
    if (special && this.#path.length === 0) this.#path = [""];
    this.#queryFragment(q === -1 ? "" : input.slice(q));
  }

  _setQueryFromParams(s) { this.#query = s === "" ? null : s; }

  get protocol() { return this.#protocol; }
  set protocol(v) {
    const p = String(v).replace(/:.*$/, "").toLowerCase() + ":";
    if (/^[a-z][a-z0-9+.\-]*:$/.test(p) && (p in SPECIAL) === (this.#protocol in SPECIAL)) {
      this.#protocol = p;
      if (this.#port === SPECIAL[p]) this.#port = "";
    }
  }
  get username() { return this.#username; }
  set username(v) { if (this.#hostname) this.#username = pctEncode(String(v), USERINFO); }
  get password() { return this.#password; }
  set password(v) { if (this.#hostname) this.#password = pctEncode(String(v), USERINFO); }
  get hostname() { return this.#hostname ?? ""; }
  set hostname(v) { if (this.#opaque === null) this.#hostname = parseHost(String(v), this.#protocol in SPECIAL); }
  get port() { return this.#port; }
  set port(v) {
    v = String(v);
    if (v === "") { this.#port = ""; return; }
    const m = /^\d+/.exec(v);
    if (m && +m[0] <= 65535) this.#port = String(+m[0]) === SPECIAL[this.#protocol] ? "" : String(+m[0]);
  }
  get host() { return this.#hostname === null ? "" : this.#hostname + (this.#port ? ":" + this.#port : ""); }
  set host(v) {
    v = String(v);
    const m = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(v);
    if (!m) return;
    this.hostname = m[1];
    if (m[2] !== undefined) this.port = m[2];
  }
  get origin() {
    if (this.#protocol === "blob:") { try { return new URL(this.pathname).origin; } catch { return "null"; } }
    if (!(this.#protocol in SPECIAL) || this.#protocol === "file:") return "null";
    return this.#protocol + "//" + this.host;
  }
  get pathname() {
    if (this.#opaque !== null) return this.#opaque;
    return this.#path.length ? "/" + this.#path.join("/") : "";
  }
  set pathname(v) {
    if (this.#opaque !== null) return;
    v = String(v);
    const special = this.#protocol in SPECIAL;
    if (special) v = v.replace(/\\/g, "/");
    this.#setPath(v.startsWith("/") ? v : "/" + v, special);
  }
  get search() { return this.#query ? "?" + this.#query : ""; }
  set search(v) {
    v = String(v);
    if (v.startsWith("?")) v = v.slice(1);
    this.#query = v === "" ? null : pctEncode(v, this.#protocol in SPECIAL ? SPECIAL_QUERY : QUERY);
    if (this.#params) URLSearchParams._reset(this.#params, this.#query || "");
  }
  get searchParams() {
    if (!this.#params) {
      this.#params = new URLSearchParams(this.#query || "");
      URLSearchParams._attach(this.#params, this);
    }
    return this.#params;
  }
  get hash() { return this.#fragment ? "#" + this.#fragment : ""; }
  set hash(v) {
    v = String(v);
    if (v.startsWith("#")) v = v.slice(1);
    this.#fragment = v === "" ? null : pctEncode(v, FRAGMENT);
  }
  get href() {
    let s = this.#protocol;
    if (this.#hostname !== null) {
      s += "//";
      if (this.#username || this.#password) s += this.#username + (this.#password ? ":" + this.#password : "") + "@";
      s += this.host;
    }
    s += this.pathname;
    if (this.#query !== null) s += "?" + this.#query;
    if (this.#fragment !== null) s += "#" + this.#fragment;
    return s;
  }
  set href(v) {
    const u = new URL(String(v));
    this.#protocol = u.#protocol; this.#username = u.#username; this.#password = u.#password;
    this.#hostname = u.#hostname; this.#port = u.#port; this.#path = u.#path; this.#opaque = u.#opaque;
    this.#query = u.#query; this.#fragment = u.#fragment;
    if (this.#params) URLSearchParams._reset(this.#params, this.#query || "");
  }
  toString() { return this.href; }
  toJSON() { return this.href; }
  get [Symbol.toStringTag]() { return "URL"; }
}

globalThis.URL = URL;
globalThis.URLSearchParams = URLSearchParams;
export { parseForm, serializeForm, pctDecodeToString };
