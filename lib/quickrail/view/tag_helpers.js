// view/tag_helpers.js — ActionView's tag, capture, CSRF, asset and flash helpers: contentTag,
// classNames, contentFor/provide/hasContentFor, csrfMetaTags, actionCableMetaTag, cspMetaTag,
// stylesheetLinkTag, javascriptIncludeTag, notice, alert.
import { SafeString, escapeHTML, raw, tag } from "../support/html.js";
import { currentContext, capture } from "./context.js";
import { env as hostEnv } from "../host.js";

const ctx = () => currentContext();

export function csrfMetaTags() {
  const vc = ctx();
  const token = vc && vc.csrfToken();
  if (!token) return raw("");
  return raw('<meta name="csrf-param" content="authenticity_token">\n<meta name="csrf-token" content="' + escapeHTML(token) + '">');
}
export function actionCableMetaTag() {
  const e = hostEnv();
  return raw('<meta name="action-cable-url" content="' + escapeHTML(e.ACTION_CABLE_URL || "/cable") + '">');
}
export function cspMetaTag() { return raw(""); }
export function stylesheetLinkTag(...names) {
  const opts = typeof names[names.length - 1] === "object" ? names.pop() : {};
  return raw(names.map((n) => tag("link", Object.assign({ rel: "stylesheet", href: /^\/|:\/\//.test(n) ? n : "/assets/" + n + (n.endsWith(".css") ? "" : ".css") }, opts)).s).join("\n"));
}
export function javascriptIncludeTag(...names) {
  const opts = typeof names[names.length - 1] === "object" ? names.pop() : {};
  return raw(names.map((n) => tag("script", Object.assign({ src: /^\/|:\/\//.test(n) ? n : "/assets/" + n + (n.endsWith(".js") ? "" : ".js") }, opts), "").s).join("\n"));
}

export function contentFor(name, content) {
  const vc = ctx();
  const html = typeof content === "function" ? capture(content) : raw(escapeHTML(content));
  vc.content[name] = (vc.content[name] || "") + String(html);
  return raw("");
}
export function hasContentFor(name) { const vc = ctx(); return !!(vc && vc.content[name]); }
export function provide(name, content) { return contentFor(name, content); }

export function contentTag(name, content, attrs) {
  if (typeof content === "function") return tag(name, attrs, capture(content));
  if (content && typeof content === "object" && !(content instanceof SafeString)) { return tag(name, content, typeof attrs === "function" ? capture(attrs) : ""); }
  return tag(name, attrs, content);
}
export function classNames(...args) {
  const out = [];
  for (const a of args.flat()) {
    if (!a) continue;
    if (typeof a === "object") { for (const k of Object.keys(a)) if (a[k]) out.push(k); } else out.push(String(a));
  }
  return out.join(" ");
}

export function notice() { const vc = ctx(); return vc && vc.flash() ? vc.flash().notice : null; }
export function alert() { const vc = ctx(); return vc && vc.flash() ? vc.flash().alert : null; }

