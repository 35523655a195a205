// session.js — the cookie session store (base64 JSON + "--" + HMAC-SHA256 hex keyed by
// SECRET_KEY_BASE through the host's hmacSha256Hex), the flash (notice/alert for the next
// request) and the CSRF authenticity token (masked per render, as Rails does).
function b64encode(str) { return btoa(unescape(encodeURIComponent(str))); }
function b64decode(b64) { return decodeURIComponent(escape(atob(b64))); }
function bytesToB64(bytes) { let s = ""; for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]); return btoa(s); }
function b64ToBytes(b64) { const s = atob(b64); const out = new Uint8Array(s.length); for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i); return out; }
// Random bytes from a pool refilled with crypto.getRandomValues (one call per 4 KB instead of one
// per token). The pool belongs to one worker: it is created lazily and dropped when
// the host's workerId changes, so forked workers never share bytes.
import { workerId, hmacSha256Hex } from "./host.js";
let pool = null, poolPos = 0, poolOwner = null;
function randomBytes(n) {
  const owner = workerId();
  if (!pool || poolOwner !== owner || poolPos + n > pool.length) {
    pool = new Uint8Array(4096); crypto.getRandomValues(pool); poolPos = 0; poolOwner = owner;
  }
  const out = pool.slice(poolPos, poolPos + n);
  pool.fill(0, poolPos, poolPos + n);
  poolPos += n;
  return out;
}
export function secureCompare(a, b) {
  a = String(a); b = String(b);
  if (a.length !== b.length) return false;
  let r = 0;
  for (let i = 0; i < a.length; i++) r |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return r === 0;
}
function sign(data) { return hmacSha256Hex(data); }

export function parseCookies(header) {
  const out = {};
  if (!header) return out;
  for (const part of header.split(";")) {
    const i = part.indexOf("=");
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    if (!(k in out)) { try { out[k] = decodeURIComponent(part.slice(i + 1).trim()); } catch (e) { out[k] = part.slice(i + 1).trim(); } }
  }
  return out;
}

export function encodeSession(obj) {
  const data = b64encode(JSON.stringify(obj));
  return data + "--" + sign(data);
}
export function decodeSession(value) {
  if (!value) return null;
  const i = value.lastIndexOf("--");
  if (i < 0) return null;
  const data = value.slice(0, i), mac = value.slice(i + 2);
  if (!secureCompare(mac, sign(data))) return null;
  try { const o = JSON.parse(b64decode(data)); return o && typeof o === "object" ? o : null; } catch (e) { return null; }
}

export class Session {
  constructor(cookieName, cookieValue) {
    this.cookieName = cookieName;
    this.data = decodeSession(cookieValue) || {};
    this.loadedFromCookie = !!cookieValue;
    this.dirty = false;
    const flash = this.data.flash || {};
    if (this.data.flash) { delete this.data.flash; this.dirty = true; }
    this.flash = new Flash(flash);
  }
  get(k) { return this.data[k]; }
  set(k, v) { this.data[k] = v; this.dirty = true; }
  delete(k) { if (k in this.data) { delete this.data[k]; this.dirty = true; } }
  clear() { this.data = {}; this.dirty = true; }
  // The unmasked token kept in the session (created on first use).
  realCsrfToken() {
    if (!this.data._csrf_token) { this.data._csrf_token = bytesToB64(randomBytes(32)); this.dirty = true; }
    return this.data._csrf_token;
  }
  // A per-render masked token: base64(pad + (pad XOR token)).
  maskedCsrfToken() {
    const real = b64ToBytes(this.realCsrfToken());
    const pad = randomBytes(real.length);
    const out = new Uint8Array(real.length * 2);
    for (let i = 0; i < real.length; i++) { out[i] = pad[i]; out[real.length + i] = pad[i] ^ real[i]; }
    return bytesToB64(out).replace(/\+/g, "-").replace(/\//g, "_");
  }
  validCsrfToken(token) {
    if (!token || typeof token !== "string" || !this.data._csrf_token) return false;
    let bytes;
    try { bytes = b64ToBytes(token.replace(/-/g, "+").replace(/_/g, "/")); } catch (e) { return false; }
    const real = this.data._csrf_token;
    if (bytes.length === 32) return secureCompare(bytesToB64(bytes), real);
    if (bytes.length !== 64) return false;
    const un = new Uint8Array(32);
    for (let i = 0; i < 32; i++) un[i] = bytes[i] ^ bytes[32 + i];
    return secureCompare(bytesToB64(un), real);
  }
  // Set-Cookie value, or null when nothing changed.
  setCookieHeader(secure) {
    if (this.flash.pending()) { this.data.flash = this.flash.next; this.dirty = true; }
    if (!this.dirty) return null;
    return this.cookieName + "=" + encodeURIComponent(encodeSession(this.data)) + "; path=/; httponly; samesite=lax" + (secure ? "; secure" : "");
  }
}

export class Flash {
  constructor(now) {
    this.now = Object.assign({}, now); // what this request shows
    this.next = {};                     // what the next request shows
  }
  get notice() { return this.now.notice; }
  get alert() { return this.now.alert; }
  get(k) { return this.now[k]; }
  set(k, v) { this.next[k] = v; this.now[k] = v; }
  keep() { Object.assign(this.next, this.now); }
  pending() { return Object.keys(this.next).length > 0; }
  toObject() { return Object.assign({}, this.now); }
  isEmpty() { return Object.keys(this.now).length === 0; }
  any() { return !this.isEmpty(); }
  [Symbol.iterator]() { return Object.entries(this.now)[Symbol.iterator](); }
}
