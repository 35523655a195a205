// support/html.js — HTML safety: SafeString marks trusted markup, escapeHTML escapes the rest,
// tag() builds elements with escaped attributes (data: {turbo_confirm: ..} -> data-turbo-confirm).
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
const nativeEscape = typeof Quickrail !== "undefined" && typeof Quickrail.escapeHTML === "function" ? Quickrail.escapeHTML : null;
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

function attrName(k) { return String(k).replace(/_/g, "-"); }
export function tagAttributes(attrs) {
  let out = "";
  if (!attrs) return out;
  for (const k of Object.keys(attrs)) {
    const v = attrs[k];
    if (v === null || v === undefined || v === false) continue;
    if ((k === "data" || k === "aria") && typeof v === "object") {
      for (const dk of Object.keys(v)) {
        const dv = v[dk];
        if (dv === null || dv === undefined || dv === false) continue;
        const val = typeof dv === "object" && !(dv instanceof SafeString) ? JSON.stringify(dv) : dv;
        out += " " + k + "-" + attrName(dk) + '="' + escapeHTML(val) + '"';
      }
      continue;
    }
    if (v === true) { out += " " + k; continue; }
    out += " " + k + '="' + escapeHTML(Array.isArray(v) ? v.filter(Boolean).join(" ") : v) + '"';
  }
  return out;
}
const voidTags = new Set(["input", "br", "hr", "img", "meta", "link", "source", "area", "base", "col", "embed", "wbr"]);
// tag("a", {href: "/"}, "text") — content escaped unless SafeString.
export function tag(name, attrs, content) {
  if (voidTags.has(name)) return new SafeString("<" + name + tagAttributes(attrs) + ">");
  return new SafeString("<" + name + tagAttributes(attrs) + ">" + escapeHTML(content) + "</" + name + ">");
}
