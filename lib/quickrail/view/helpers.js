// view/helpers.js — ActionView helpers as plain functions over the current view context:
// linkTo, buttonTo, formWith (+ FormBuilder), domId, pluralize, truncate, timeAgoInWords,
// simpleFormat, turboStreamFrom, turboFrameTag, csrfMetaTags, actionCableMetaTag,
// contentFor, tag/contentTag, stylesheetLinkTag, javascriptIncludeTag, urlFor, polymorphic paths.
import { SafeString, escapeHTML, raw, tag, tagWith, tagAttributes, safeJoin } from "../support/html.js";
import { pluralize as pluralWord, singularize, humanize, underscore, camelize } from "../support/inflector.js";
import { currentContext, capture } from "./context.js";
import { domId, streamName } from "../model/broadcasts.js";
export { domId };

const ctx = () => currentContext();
let routeHelpers = {};
export function setRouteHelpers(h) { routeHelpers = h; recordHelpers = new Map(); }

function isRecord(v) { return v && typeof v === "object" && v.constructor && v.constructor.modelName && typeof v.isPersisted === "function"; }

// polymorphicPath(article) -> "/articles/1"; ([article, comment]) -> "/articles/1/comments/2";
// (Article) or new record -> "/articles"; opts {action: "new"|"edit", format}
// The route helper of one record (no options), per model name and persistence: the common
// linkTo(record) / buttonTo(record) call. Reset when the route helpers change.
let recordHelpers = new Map();
export function polymorphicPath(target, opts) {
  if (opts === undefined && target !== null && typeof target === "object" && !Array.isArray(target) && typeof target.isPersisted === "function") {
    const mn = target.constructor && target.constructor.modelName;
    if (mn) {
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
  const fn = routeHelpers[helper];
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
  if (typeof url === "function") { const body = capture(url); return tag("a", Object.assign({ href: urlFor(name) }, opts || {}), body); }
  if (url === undefined) url = name;
  const href = urlFor(url);
  return tagWith("a", "href", href, opts, name && typeof name === "object" && !(name instanceof SafeString) ? String(name) : name);
}
export function linkToIf(cond, name, url, opts) { return cond ? linkTo(name, url, opts) : escapeHTML(name); }

function tokenInput() {
  const vc = ctx();
  const token = vc && vc.csrfToken();
  return token ? '<input type="hidden" name="authenticity_token" value="' + escapeHTML(token) + '" autocomplete="off">' : "";
}
function methodInput(method) { return '<input type="hidden" name="_method" value="' + escapeHTML(method) + '" autocomplete="off">'; }

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

export class FormBuilder {
  constructor(objectName, object, opts = {}) { this.objectName = objectName; this.object = object; this.options = opts; }
  name(attr) { return this.objectName ? this.objectName + "[" + attr + "]" : attr; }
  id(attr) { return (this.objectName ? this.objectName.replace(/\]\[|[\[\]]/g, "_").replace(/_$/, "") + "_" : "") + attr; }
  value(attr) {
    if (!this.object) return null;
    const v = typeof this.object.readAttribute === "function" ? this.object.readAttribute(attr) : this.object[attr];
    return v instanceof Date ? v.toISOString() : v;
  }
  hasErrors(attr) { return !!(this.object && this.object._errors && this.object._errors.include && this.object._errors.include(attr)); }
  wrap(attr, html) { return raw(this.hasErrors(attr) ? '<div class="field_with_errors">' + html + "</div>" : html); }
  label(attr, text, opts) {
    if (text && typeof text === "object" && !(text instanceof SafeString)) { opts = text; text = undefined; }
    return this.wrap(attr, tag("label", Object.assign({ for: this.id(attr) }, opts || {}), text === undefined ? humanize(attr) : text).s);
  }
  input(type, attr, opts = {}) {
    const o = Object.assign({ type, value: this.value(attr), name: this.name(attr), id: this.id(attr) }, opts);
    if (o.value === null || o.value === undefined) delete o.value;
    return this.wrap(attr, tag("input", o).s);
  }
  textField(attr, opts) { return this.input("text", attr, opts); }
  emailField(attr, opts) { return this.input("email", attr, opts); }
  passwordField(attr, opts) { return this.input("password", attr, Object.assign({ value: null }, opts || {})); }
  numberField(attr, opts) { return this.input("number", attr, opts); }
  dateField(attr, opts) { return this.input("date", attr, opts); }
  urlField(attr, opts) { return this.input("url", attr, opts); }
  telephoneField(attr, opts) { return this.input("tel", attr, opts); }
  hiddenField(attr, opts) { return raw(tag("input", Object.assign({ type: "hidden", value: this.value(attr), name: this.name(attr), id: this.id(attr), autocomplete: "off" }, opts || {})).s); }
  textArea(attr, opts = {}) {
    const v = this.value(attr);
    return this.wrap(attr, "<textarea" + tagAttributes(Object.assign({ name: this.name(attr), id: this.id(attr) }, opts)) + ">\n" + escapeHTML(v) + "</textarea>");
  }
  checkBox(attr, opts = {}, checked = "1", unchecked = "0") {
    const v = this.value(attr);
    const on = v === true || v === 1 || String(v) === String(checked);
    return this.wrap(attr, '<input name="' + escapeHTML(this.name(attr)) + '" type="hidden" value="' + escapeHTML(unchecked) + '" autocomplete="off">' +
      tag("input", Object.assign({ type: "checkbox", value: checked, checked: on, name: this.name(attr), id: this.id(attr) }, opts)).s);
  }
  select(attr, choices, opts = {}, htmlOpts = {}) {
    const v = this.value(attr);
    let inner = opts.includeBlank ? '<option value=""></option>' : "";
    for (const ch of choices) {
      const [label, value] = Array.isArray(ch) ? ch : [ch, ch];
      inner += "<option" + tagAttributes({ value, selected: String(value) === String(v) }) + ">" + escapeHTML(label) + "</option>";
    }
    return this.wrap(attr, "<select" + tagAttributes(Object.assign({ name: this.name(attr), id: this.id(attr) }, htmlOpts)) + ">" + inner + "</select>");
  }
  submit(value, opts) {
    if (value && typeof value === "object" && !(value instanceof SafeString)) { opts = value; value = undefined; }
    if (value === undefined) {
      const o = this.object;
      const model = o && o.constructor && o.constructor.modelName ? o.constructor.modelName.human : "";
      value = (o && typeof o.isPersisted === "function" && o.isPersisted() ? "Update " : "Create ") + model;
      if (!o) value = "Save changes";
    }
    return tag("input", Object.assign({ type: "submit", name: "commit", value, "data-disable-with": value }, opts || {}));
  }
  button(value, opts) { return tag("button", Object.assign({ type: "submit", name: "button" }, opts || {}), value || "Submit"); }
}
const FB = FormBuilder.prototype;
FB.text_field = FB.textField; FB.text_area = FB.textArea; FB.hidden_field = FB.hiddenField; FB.check_box = FB.checkBox;
FB.email_field = FB.emailField; FB.password_field = FB.passwordField; FB.number_field = FB.numberField;

// formWith({ model: article }, (form) => { %> ... <% })  |  formWith({ url, method, scope }, fn)
export function formWith(opts, block) {
  opts = Object.assign({}, opts || {});
  const model = opts.model;
  const record = Array.isArray(model) ? model[model.length - 1] : model;
  let url = opts.url, method = opts.method ? String(opts.method).toLowerCase() : null;
  let scope = opts.scope !== undefined ? opts.scope : null;
  if (record) {
    if (url === undefined) url = polymorphicPath(model);
    if (!method) method = record.isPersisted && record.isPersisted() ? "patch" : "post";
    if (scope === null) scope = record.constructor.modelName.paramKey;
  }
  url = url === undefined ? "" : urlFor(url);
  method = method || "post";
  const attrs = { action: url, "accept-charset": "UTF-8", method: method === "get" ? "get" : "post" };
  for (const k of ["class", "id", "data", "style", "multipart"]) if (opts[k] !== undefined) attrs[k] = opts[k];
  if (opts.multipart) { attrs.enctype = "multipart/form-data"; delete attrs.multipart; }
  if (opts.local === true || opts.turbo === false) attrs.data = Object.assign({ turbo: "false" }, attrs.data || {});
  if (opts.html) Object.assign(attrs, opts.html);
  let head = "";
  if (method !== "get" && method !== "post") head += methodInput(method);
  if (method !== "get") head += tokenInput();
  const builder = new FormBuilder(scope, record || null, opts);
  const body = block ? capture(block, builder) : "";
  return new SafeString("<form" + tagAttributes(attrs) + ">" + head + String(body) + "</form>");
}

export function pluralize(count, singular, plural) {
  const n = Number(count);
  const word = n === 1 || count === "1" ? singular : (plural || pluralWord(singular));
  return (count === null || count === undefined ? 0 : count) + " " + word;
}

// truncate("long text", { length: 100, omission: "...", separator: " " }) — length includes the omission
export function truncate(text, opts = {}) {
  if (text === null || text === undefined) return "";
  const s = String(text);
  const length = opts.length || 30;
  const omission = opts.omission === undefined ? "..." : opts.omission;
  if (s.length <= length) return s;
  let stop = length - omission.length;
  if (opts.separator) { const i = s.lastIndexOf(opts.separator, stop); if (i > 0) stop = i; }
  return s.slice(0, Math.max(0, stop)) + omission;
}

export function distanceOfTimeInWords(from, to, opts = {}) {
  const a = from instanceof Date ? from : new Date(from);
  const b = to instanceof Date ? to : new Date(to === undefined ? Date.now() : to);
  const secs = Math.round(Math.abs(b - a) / 1000);
  const mins = Math.round(secs / 60);
  if (mins <= 1) {
    if (!opts.includeSeconds) return mins === 0 ? "less than a minute" : "1 minute";
    if (secs < 5) return "less than 5 seconds";
    if (secs < 10) return "less than 10 seconds";
    if (secs < 20) return "less than 20 seconds";
    if (secs < 40) return "half a minute";
    if (secs < 60) return "less than a minute";
    return "1 minute";
  }
  if (mins < 45) return mins + " minutes";
  if (mins < 90) return "about 1 hour";
  if (mins < 1440) return "about " + Math.round(mins / 60) + " hours";
  if (mins < 2520) return "1 day";
  if (mins < 43200) return Math.round(mins / 1440) + " days";
  if (mins < 86400) return "about " + Math.round(mins / 43200) + " month" + (Math.round(mins / 43200) === 1 ? "" : "s");
  if (mins < 525600) return Math.round(mins / 43200) + " months";
  const years = Math.floor(mins / 525600);
  const rem = mins % 525600;
  if (rem < 131400) return "about " + years + " year" + (years === 1 ? "" : "s");
  if (rem < 394200) return "over " + years + " year" + (years === 1 ? "" : "s");
  return "almost " + (years + 1) + " years";
}
export function timeAgoInWords(from, opts) { return distanceOfTimeInWords(from, Date.now(), opts); }

export function simpleFormat(text, opts = {}) {
  const paras = String(text === null || text === undefined ? "" : text).replace(/\r\n?/g, "\n").split(/\n\n+/).filter((p) => p.trim() !== "");
  if (!paras.length) return raw("<p></p>");
  return raw(paras.map((p) => "<p" + tagAttributes(opts) + ">" + escapeHTML(p).replace(/\n/g, "<br>") + "</p>").join("\n\n"));
}

export function turboStreamFrom(...streamables) {
  let opts = {};
  const last = streamables[streamables.length - 1];
  if (streamables.length > 1 && last && typeof last === "object" && !Array.isArray(last) && !isRecord(last)) opts = streamables.pop();
  const name = streamName(streamables);
  const token = globalThis.Quickrail && Quickrail.signStreamName ? Quickrail.signStreamName(name) : name;
  const attrs = Object.assign({ channel: opts.channel || "Turbo::StreamsChannel", "signed-stream-name": token }, opts.data ? { data: opts.data } : {});
  return raw("<turbo-cable-stream-source" + tagAttributes(attrs) + "></turbo-cable-stream-source>");
}
export function turboFrameTag(id, opts, block) {
  if (typeof opts === "function") { block = opts; opts = {}; }
  const fid = isRecord(id) ? domId(id) : [].concat(id).map((x) => isRecord(x) ? domId(x) : x).join("_");
  return raw("<turbo-frame" + tagAttributes(Object.assign({ id: fid }, opts || {})) + ">" + (block ? String(capture(block)) : "") + "</turbo-frame>");
}

export function csrfMetaTags() {
  const vc = ctx();
  const token = vc && vc.csrfToken();
  if (!token) return raw("");
  return raw('<meta name="csrf-param" content="authenticity_token">\n<meta name="csrf-token" content="' + escapeHTML(token) + '">');
}
export function actionCableMetaTag() {
  const e = (globalThis.Quickrail && Quickrail.env) || {};
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
export function numberWithDelimiter(n, delim = ",") { const [i, f] = String(n).split("."); return i.replace(/\B(?=(\d{3})+(?!\d))/g, delim) + (f ? "." + f : ""); }
export function cycle(...values) { const vc = ctx(); vc.__cycle = ((vc.__cycle === undefined ? -1 : vc.__cycle) + 1) % values.length; return values[vc.__cycle]; }

export function notice() { const vc = ctx(); return vc && vc.flash() ? vc.flash().notice : null; }
export function alert() { const vc = ctx(); return vc && vc.flash() ? vc.flash().alert : null; }

export const frameworkHelpers = {
  linkTo, linkToIf, buttonTo, formWith, domId, pluralize, truncate, timeAgoInWords, distanceOfTimeInWords,
  simpleFormat, turboStreamFrom, turboFrameTag, csrfMetaTags, actionCableMetaTag, cspMetaTag, contentFor, provide, hasContentFor,
  contentTag, tag, raw, h: escapeHTML, escapeHTML, safeJoin, stylesheetLinkTag, javascriptIncludeTag, classNames, tokenList: classNames,
  numberWithDelimiter, cycle, urlFor, polymorphicPath, polymorphicUrl, capture, singularize, humanize, underscore, dasherize: (s) => String(s).replace(/_/g, "-"),
};
// snake_case aliases, so ERB ported from Rails reads the same
const aliases = {
  link_to: "linkTo", button_to: "buttonTo", form_with: "formWith", dom_id: "domId", time_ago_in_words: "timeAgoInWords",
  simple_format: "simpleFormat", turbo_stream_from: "turboStreamFrom", turbo_frame_tag: "turboFrameTag", csrf_meta_tags: "csrfMetaTags",
  action_cable_meta_tag: "actionCableMetaTag", content_for: "contentFor", content_tag: "contentTag",
  stylesheet_link_tag: "stylesheetLinkTag", javascript_include_tag: "javascriptIncludeTag", url_for: "urlFor",
};
for (const k of Object.keys(aliases)) frameworkHelpers[k] = frameworkHelpers[aliases[k]];
