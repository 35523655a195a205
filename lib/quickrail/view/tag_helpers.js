// view/tag_helpers.js — ActionView's tag, capture, CSRF, asset and flash helpers: contentTag,
// classNames, contentFor/provide/hasContentFor (content_for?), csrfMetaTags, actionCableMetaTag,
// cspMetaTag, stylesheetLinkTag, javascriptIncludeTag, javascriptImportmapTags, imageTag,
// faviconLinkTag, notice, alert.
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
// Rails 7's layouts: the app's JavaScript is Turbo (+ the Action Cable client), served as one
// module from public/assets/turbo.js.
export function javascriptImportmapTags() { return raw('<script type="module" src="/assets/turbo.js"></script>'); }
export function imageTag(src, opts = {}) {
  src = String(src);
  const o = Object.assign({ src: /^\/|:\/\/|^data:/.test(src) ? src : "/assets/" + src }, opts);
  if (o.size) { const [w, h] = String(o.size).split("x"); o.width = w; o.height = h || w; delete o.size; }
  if (o.alt === undefined && !/^data:/.test(src)) o.alt = src.split("/").pop().replace(/\.[^.]*$/, "").replace(/[-_]+/g, " ").replace(/^./, (c) => c.toUpperCase());
  return tag("img", o);
}
export function faviconLinkTag(src = "favicon.ico", opts = {}) {
  return tag("link", Object.assign({ rel: "icon", type: "image/x-icon", href: /^\/|:\/\//.test(src) ? src : "/" + src }, opts));
}

// contentFor("title", "x") / contentFor("title", () => ...) stores; contentFor("title") reads
// it back (null when nothing was stored), as Rails' content_for(:title) does.
export function contentFor(name, content) {
  const vc = ctx();
  if (content === undefined) { const c = vc && vc.content[name]; return c ? raw(c) : null; }
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

