// view/url_helpers.js — ActionView::Helpers::UrlHelper: polymorphicPath/Url (a record, a class
// or [parent, child] to its route helper's path), urlFor, linkTo, linkToIf, buttonTo and the
// hidden authenticity-token and _method inputs forms share. The route helpers are those of the
// application of the render in progress (currentContext().app.routeHelpers).
import { SafeString, escapeHTML, tag, tagWith, tagAttributes } from "../support/html.js";
import { camelize } from "../support/inflector.js";
import { currentContext, capture } from "./context.js";

const ctx = () => currentContext();
const NO_ROUTES = Object.freeze({});
// The route helpers of the application rendering now.
function routes() {
  const vc = currentContext();
  const app = vc !== null ? vc.app : null;
  return (app && app.routeHelpers) || NO_ROUTES;
}

export function isRecord(v) { return v && typeof v === "object" && v.constructor && v.constructor.modelName && typeof v.isPersisted === "function"; }

// polymorphicPath(article) -> "/articles/1"; ([article, comment]) -> "/articles/1/comments/2";
// (Article) or new record -> "/articles"; opts {action: "new"|"edit", format}
// The route helper of one record (no options), per model name and persistence: the common
// linkTo(record) / buttonTo(record) call. One cache per route helper table (per application).
const recordHelperCaches = new WeakMap();
let lastRoutes = null, recordHelpers = null;
export function polymorphicPath(target, opts) {
  if (opts === undefined && target !== null && typeof target === "object" && !Array.isArray(target) && typeof target.isPersisted === "function") {
    const mn = target.constructor && target.constructor.modelName;
    if (mn) {
      const routeHelpers = routes();
      if (routeHelpers !== lastRoutes) {
        recordHelpers = recordHelperCaches.get(routeHelpers);
        if (recordHelpers === undefined) { recordHelpers = new Map(); recordHelperCaches.set(routeHelpers, recordHelpers); }
        lastRoutes = routeHelpers;
      }
      const persisted = !!target.isPersisted();
      let pair = recordHelpers.get(mn);
      if (pair === undefined) { pair = [undefined, undefined]; recordHelpers.set(mn, pair); }
      const idx = persisted ? 0 : 1;
      let fn = pair[idx];
      if (fn === undefined) fn = pair[idx] = routeHelpers[pathHelperName(persisted ? mn.singular : mn.plural)] || null;
      if (fn !== null) return persisted ? fn(target) : fn();
    }
  }
  return polymorphicPathSlow(target, opts || {});
}
function polymorphicPathSlow(target, opts) {
  // plain loops, no per-call closures: this runs for every linkTo/buttonTo of a record
  const src = Array.isArray(target) ? target : [target];
  const list = [];
  for (let i = 0; i < src.length; i++) if (src[i] !== null && src[i] !== undefined) list.push(src[i]);
  let name = "";
  const args = [];
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    let part;
    if (typeof x === "string") part = x;
    else if (typeof x === "function" && x.modelName) part = x.modelName.plural;
    else {
      const mn = x.constructor.modelName;
      if (i === list.length - 1 && !x.isPersisted()) part = opts.action === "new" ? mn.singular : mn.plural;
      else { part = mn.singular; args.push(x); }
    }
    name = i ? name + "_" + part : part;
  }
  if (opts.action) name = opts.action + "_" + name;
  const helper = pathHelperName(name);
  const fn = routes()[helper];
  if (!fn) throw new Error("quickrail: no route helper " + helper + " for " + list.map((x) => x.constructor && x.constructor.name).join(", "));
  if (opts.format) { args.push({ format: opts.format }); return fn(...args); }
  return args.length === 1 ? fn(args[0]) : fn(...args);
}
const helperNames = new Map();
function pathHelperName(name) {
  let h = helperNames.get(name);
  if (h === undefined) { h = camelize(name, false) + "Path"; if (helperNames.size < 1000) helperNames.set(name, h); }
  return h;
}
export function polymorphicUrl(target, opts) { return ctx().baseUrl() + polymorphicPath(target, opts); }
export function urlFor(target, opts) {
  if (typeof target === "string") return target;
  if (target && typeof target === "object" && !Array.isArray(target) && !isRecord(target) && (target.controller || target.action)) throw new Error("quickrail: urlFor({controller, action}) is not supported; use a named route helper");
  return polymorphicPath(target, opts);
}

export function linkTo(name, url, opts) {
  if (typeof url === "function") { const body = capture(url); return tag("a", Object.assign({ href: urlFor(name) }, linkOptions(opts)), body); }
  if (url === undefined) url = name;
  const href = urlFor(url);
  return tagWith("a", "href", href, opts && opts.method !== undefined ? linkOptions(opts) : opts, name && typeof name === "object" && !(name instanceof SafeString) ? String(name) : name);
}
// Rails' link_to ... method: :delete -> rel="nofollow" data-method="delete" (rails-ujs; Turbo
// reads data-turbo-method): the method goes into data, never as an <a> attribute.
function linkOptions(opts) {
  if (!opts || opts.method === undefined) return opts || {};
  const o = Object.assign({}, opts);
  const method = String(o.method).toLowerCase();
  delete o.method;
  if (o.rel === undefined) o.rel = "nofollow";
  o.data = Object.assign({}, o.data || {}, { method });
  return o;
}
export function linkToIf(cond, name, url, opts) { return cond ? linkTo(name, url, opts) : escapeHTML(name); }

export function tokenInput() {
  const vc = ctx();
  const token = vc && vc.csrfToken();
  return token ? '<input type="hidden" name="authenticity_token" value="' + escapeHTML(token) + '" autocomplete="off">' : "";
}
export function methodInput(method) { return '<input type="hidden" name="_method" value="' + escapeHTML(method) + '" autocomplete="off">'; }

// buttonTo("Destroy", article, { method: "delete", form: { data: { turbo_confirm: "Sure?" } }, class })
const BUTTON_SKIP = { method: true, form: true, formClass: true, params: true };
export function buttonTo(name, url, opts = {}) {
  if (typeof url === "function") throw new Error("quickrail: buttonTo with a block is not supported");
  // the options are read in place (no copy, no deletes): method/form/formClass/params are
  // for the form, everything else goes on the <button>
  if (!opts) opts = {};
  const method = String(opts.method || "post").toLowerCase();
  const formAttrs = Object.assign({ class: "button_to", method: method === "get" ? "get" : "post", action: urlFor(url) }, opts.form || {});
  if (opts.formClass) formAttrs.class = opts.formClass;
  const params = opts.params || {};
  let inner = "";
  if (method !== "get" && method !== "post") inner += methodInput(method);
  inner += tagWith("button", "type", "submit", opts, name, BUTTON_SKIP).s;
  if (method !== "get") inner += tokenInput();
  const pk = Object.keys(params);
  for (let i = 0; i < pk.length; i++) { const k = pk[i]; inner += '<input type="hidden" name="' + escapeHTML(k) + '" value="' + escapeHTML(params[k]) + '" autocomplete="off">'; }
  return new SafeString("<form" + tagAttributes(formAttrs) + ">" + inner + "</form>");
}

