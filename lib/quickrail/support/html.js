// support/html.js — HTML safety: SafeString marks trusted markup, escapeHTML escapes the rest,
// tag() builds elements with escaped attributes (data: {turbo_confirm: ..} -> data-turbo-confirm).
import { nativeEscapeHTML } from "../host.js";
export class SafeString {
  constructor(s) { this.s = String(s); }
  toString() { return this.s; }
  toJSON() { return this.s; }
  get length() { return this.s.length; }
}
const escapes = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeRe = /[&<>"']/g;
const escapeOne = (c) => escapes[c];
// quickrail's native scan when present (one call instead of five indexOf); Node has none
const nativeEscape = nativeEscapeHTML;
export function escapeHTML(v) {
  if (typeof v === "string" && nativeEscape !== null) {
    const r = nativeEscape(v);
    if (r !== undefined) return r;
  }
  if (v === null || v === undefined) return "";
  if (v instanceof SafeString) return v.s;
  const s = String(v);
  if (nativeEscape !== null) { const r = nativeEscape(s); if (r !== undefined) return r; }
  // indexOf is a native scan; QuickJS's regex engine costs far more per character
  if (s.indexOf("&") < 0 && s.indexOf("<") < 0 && s.indexOf(">") < 0 && s.indexOf('"') < 0 && s.indexOf("'") < 0) return s;
  return s.replace(escapeRe, escapeOne);
}
export function raw(v) { return v instanceof SafeString ? v : new SafeString(v === null || v === undefined ? "" : v); }
export function htmlSafe(v) { return raw(v); }
export function isSafe(v) { return v instanceof SafeString; }
export function safeJoin(parts, sep = "") { return new SafeString(parts.map(escapeHTML).join(escapeHTML(sep))); }

const attrNames = new Map();
function attrName(k) {
  k = String(k);
  if (k.indexOf("_") < 0) return k;
  let n = attrNames.get(k);
  if (n === undefined) { n = k.replace(/_/g, "-"); if (attrNames.size < 1000) attrNames.set(k, n); }
  return n;
}
// One attribute as tagAttributes writes it (" k=\"v\"", " k" for true, "" when skipped).
function attrOne(k, v) {
  if (v === null || v === undefined || v === false) return "";
  if ((k === "data" || k === "aria") && typeof v === "object") {
    let out = "";
    const dks = Object.keys(v);
    for (let j = 0; j < dks.length; j++) {
      const dk = dks[j], dv = v[dk];
      if (dv === null || dv === undefined || dv === false) continue;
      const val = typeof dv === "object" && !(dv instanceof SafeString) ? JSON.stringify(dv) : dv;
      out += " " + k + "-" + attrName(dk) + '="' + escapeHTML(val) + '"';
    }
    return out;
  }
  if (v === true) return " " + k;
  return " " + k + '="' + escapeHTML(Array.isArray(v) ? v.filter(Boolean).join(" ") : v) + '"';
}
export function tagAttributes(attrs) {
  let out = "";
  if (!attrs) return out;
  const keys = Object.keys(attrs);
  for (let i = 0; i < keys.length; i++) out += attrOne(keys[i], attrs[keys[i]]);
  return out;
}
// tagAttributes(Object.assign({ [first]: firstValue }, opts)) without building the object;
// keys in `skip` (an object used as a set) are left out of opts.
export function tagAttributesWith(first, firstValue, opts, skip) {
  if (!opts) return attrOne(first, firstValue);
  let v = firstValue, rest = "";
  const keys = Object.keys(opts);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (skip !== undefined && skip[k] === true) continue;
    if (k === first) v = opts[k];
    else rest += attrOne(k, opts[k]);
  }
  return attrOne(first, v) + rest;
}
const voidTags = new Set(["input", "br", "hr", "img", "meta", "link", "source", "area", "base", "col", "embed", "wbr"]);
// tag("a", {href: "/"}, "text") — content escaped unless SafeString.
export function tag(name, attrs, content) {
  if (voidTags.has(name)) return new SafeString("<" + name + tagAttributes(attrs) + ">");
  return new SafeString("<" + name + tagAttributes(attrs) + ">" + escapeHTML(content) + "</" + name + ">");
}
// tag(name, Object.assign({ [first]: firstValue }, opts), content), without the merged object.
export function tagWith(name, first, firstValue, opts, content, skip) {
  const attrs = tagAttributesWith(first, firstValue, opts, skip);
  if (voidTags.has(name)) return new SafeString("<" + name + attrs + ">");
  return new SafeString("<" + name + attrs + ">" + escapeHTML(content) + "</" + name + ">");
}
