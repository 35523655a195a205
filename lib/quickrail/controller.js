// controller.js — ActionController::Base: actions as methods, beforeAction/afterAction/
// skipBeforeAction, strong params, render (templates, partials, json, plain, html,
// turbo_stream, status), redirectTo with notice/alert, head, respondTo (html/json/
// turbo_stream by extension and Accept), rescueFrom, CSRF protection, session and flash.
// Instance properties an action sets (this.articles = ...) become the view's assigns.
import { ViewContext, withContext } from "./view/context.js";
import { domId, turboStreamBuilder } from "./turbo.js";
import { polymorphicPath, urlFor } from "./view/url_helpers.js";
import { SafeString } from "./support/html.js";
import { underscore, camelize } from "./support/inflector.js";

export const STATUS = {
  continue: 100, ok: 200, created: 201, accepted: 202, no_content: 204, moved_permanently: 301, found: 302,
  see_other: 303, not_modified: 304, temporary_redirect: 307, permanent_redirect: 308, bad_request: 400,
  unauthorized: 401, forbidden: 403, not_found: 404, method_not_allowed: 405, not_acceptable: 406,
  conflict: 409, gone: 410, unprocessable_entity: 422, unprocessable_content: 422, too_many_requests: 429,
  internal_server_error: 500, service_unavailable: 503,
};
export function statusCode(s, dflt = 200) {
  if (s === undefined || s === null) return dflt;
  if (typeof s === "number") return s;
  const k = underscore(String(s));
  if (!(k in STATUS)) throw new Error("quickrail: unknown status " + s);
  return STATUS[k];
}

export class InvalidAuthenticityToken extends Error {
  constructor() { super("Can't verify CSRF token authenticity."); this.name = "InvalidAuthenticityToken"; this.status = 422; }
}
export class DoubleRenderError extends Error {
  constructor(where) {
    super("Render and/or redirect were called multiple times in " + where + ". Note that you may only call render OR redirect, and at most once per action. Also note that neither redirect nor render terminate execution of the action, so if you want to exit an action after redirecting, you need to do something like \"return this.redirectTo(...)\".");
    this.name = "DoubleRenderError";
  }
}
export class UnknownFormat extends Error {
  constructor() { super("ActionController::UnknownFormat"); this.name = "UnknownFormat"; this.status = 406; }
}

const hasOwn = (o, k) => Object.prototype.hasOwnProperty.call(o, k);
function filters(cls) {
  if (!hasOwn(cls, "__qrFilters")) {
    const parent = Object.getPrototypeOf(cls);
    const inherited = parent && parent.__qrFilters ? parent.__qrFilters : { before: [], after: [], rescue: [], layout: undefined, forgery: undefined };
    Object.defineProperty(cls, "__qrFilters", { value: { before: inherited.before.slice(), after: inherited.after.slice(), rescue: inherited.rescue.slice(), layout: inherited.layout, forgery: inherited.forgery }, enumerable: false });
  }
  return cls.__qrFilters;
}
function applies(f, action) {
  if (f.only && ![].concat(f.only).includes(action)) return false;
  if (f.except && [].concat(f.except).includes(action)) return false;
  return true;
}

const INTERNAL = ["request", "params", "session", "flash", "response", "actionName", "controllerName", "controllerPath", "app", "format", "cookies", "headers"];

export class Controller {
  constructor(ctx) {
    const props = {
      app: ctx.app, request: ctx.request, params: ctx.params, session: ctx.session, flash: ctx.session.flash,
      actionName: ctx.action, controllerPath: ctx.controllerPath, controllerName: ctx.controllerPath.split("/").pop(),
      cookies: ctx.request.cookies, headers: {}, _response: null, _csrfMasked: null,
    };
    for (const k of Object.keys(props)) Object.defineProperty(this, k, { value: props[k], writable: true, enumerable: false, configurable: true });
  }

  // ---- class-level DSL ------------------------------------------------------------------
  static beforeAction(fn, opts = {}) { filters(this).before.push(Object.assign({ fn }, opts)); return this; }
  static afterAction(fn, opts = {}) { filters(this).after.push(Object.assign({ fn }, opts)); return this; }
  static prependBeforeAction(fn, opts = {}) { filters(this).before.unshift(Object.assign({ fn }, opts)); return this; }
  static skipBeforeAction(fn, opts = {}) {
    const f = filters(this);
    f.before = f.before.map((x) => {
      if (x.fn !== fn) return x;
      if (!opts.only && !opts.except) return null;
      return Object.assign({}, x, { skipOnly: opts.only, skipExcept: opts.except });
    }).filter(Boolean);
    return this;
  }
  // rescueFrom(RecordNotFound, fn) | rescueFrom(A, B, { with: "handler" }) (Rails' rescue_from
  // A, B, with: :handler) | rescueFrom(A, function (e) { ... }); later declarations win.
  static rescueFrom(...args) {
    let handler = args.pop();
    if (handler && typeof handler === "object" && handler.with !== undefined) handler = handler.with;
    if (typeof handler !== "function" && typeof handler !== "string") throw new Error("quickrail: rescueFrom(" + args.map((c) => (c && c.name) || String(c)).join(", ") + ") needs a handler: a method name ({ with: \"name\" }) or a function");
    if (!args.length) throw new Error("quickrail: rescueFrom needs at least one error class");
    const f = filters(this);
    for (let i = args.length - 1; i >= 0; i--) f.rescue.unshift({ errorClass: args[i], handler });
    return this;
  }
  static layout(name) { filters(this).layout = name; return this; }
  static protectFromForgery(opts = {}) { filters(this).forgery = opts.with || "exception"; return this; }
  static skipForgeryProtection() { filters(this).forgery = false; return this; }
  static get controllerPath() { return underscore(this.name.replace(/Controller$/, "")); }

  // ---- the request cycle -----------------------------------------------------------------
  // Runs the action; returns a Response. Called by the application with the view context set up.
  processAction() {
    const cls = this.constructor;
    const f = filters(cls);
    const action = this.actionName;
    try {
      if (f.forgery !== false && !this.verifiedRequest()) throw new InvalidAuthenticityToken();
      for (const b of f.before) {
        if (!applies(b, action)) continue;
        if (b.skipOnly && [].concat(b.skipOnly).includes(action)) continue;
        if (b.skipExcept && ![].concat(b.skipExcept).includes(action)) continue;
        this.callFilter(b.fn);
        if (this._response) return this._response;
      }
      const m = this[action];
      if (typeof m !== "function" || action.startsWith("_") || Object.prototype.hasOwnProperty.call(Controller.prototype, action)) {
        const e = new Error("The action '" + action + "' could not be found for " + cls.name); e.name = "ActionNotFound"; e.status = 404; throw e;
      }
      const r = m.call(this);
      if (r && typeof r.then === "function") throw new Error("quickrail: " + cls.name + "#" + action + " returned a promise; actions are synchronous (the database API is synchronous)");
      if (!this._response) this.render();
      for (const a of f.after) if (applies(a, action)) this.callFilter(a.fn);
      return this._response;
    } catch (e) {
      for (const r of f.rescue) {
        if (e instanceof r.errorClass || (typeof r.errorClass === "string" && e && e.name === r.errorClass)) {
          this._response = null;
          this.callFilter(r.handler, e);
          if (!this._response) this.head(500);
          return this._response;
        }
      }
      throw e;
    }
  }
  callFilter(fn, arg) {
    if (typeof fn === "function") return fn.call(this, arg);
    if (typeof this[fn] !== "function") throw new Error("quickrail: " + this.constructor.name + " has no method '" + fn + "' named in a filter");
    return this[fn](arg);
  }
  get performed() { return !!this._response; }
  setResponse(res) {
    if (this._response) throw new DoubleRenderError(this.constructor.name + "#" + this.actionName);
    this._response = res;
    return res;
  }

  // ---- CSRF -----------------------------------------------------------------------------
  verifiedRequest() {
    const m = this.request.method;
    if (m === "GET" || m === "HEAD" || m === "OPTIONS") return true;
    const token = this.params.authenticity_token || this.request.headers.get("x-csrf-token");
    return this.session.validCsrfToken(token);
  }
  formAuthenticityToken() { return this._csrfMasked || (this._csrfMasked = this.session.maskedCsrfToken()); }

  // ---- formats --------------------------------------------------------------------------
  get format() { return this.request.format; }
  // respondTo((format) => { format.html(() => ...); format.json(() => ...) })  or respondTo({ html, json })
  respondTo(spec) {
    const handlers = {};
    const order = [];
    if (typeof spec === "function") {
      const collector = {};
      for (const f of ["html", "json", "turboStream", "turbo_stream", "xml", "text", "js", "any"]) {
        collector[f] = (fn) => { const k = f === "turbo_stream" ? "turboStream" : f; handlers[k] = fn || null; order.push(k); };
      }
      spec.call(this, collector);
    } else for (const k of Object.keys(spec)) { const kk = k === "turbo_stream" ? "turboStream" : k; handlers[kk] = spec[k]; order.push(kk); }
    const wanted = this.request.acceptedFormats();
    let chosen = null;
    for (const w of wanted) {
      const k = w === "turbo_stream" ? "turboStream" : w;
      if (k in handlers) { chosen = k; break; }
      if (w === "*") { chosen = order[0]; break; }
    }
    if (!chosen && "any" in handlers) chosen = "any";
    if (!chosen) throw new UnknownFormat();
    this.request.format = chosen === "turboStream" ? "turbo_stream" : chosen === "any" ? this.request.format : chosen;
    const fn = handlers[chosen];
    if (fn) fn.call(this);
    else if (!this._response) this.render();
    return this._response;
  }

  // ---- rendering ------------------------------------------------------------------------
  get assigns() {
    const out = {};
    for (const k of Object.keys(this)) {
      if (k.startsWith("_")) continue;
      // compiled Ruby keeps `@x` of a controller that also has a method `x` in this.$x
      if (k.charCodeAt(0) === 36 /* $ */) { if (!(k.slice(1) in out)) out[k.slice(1)] = this[k]; continue; }
      out[k] = this[k];
    }
    return out;
  }
  viewContext() {
    if (!this._vc) {
      Object.defineProperty(this, "_vc", { value: new ViewContext({ assigns: this.assigns, request: this.request, controller: this, controllerPath: this.controllerPath, app: this.app, format: this.request.format }), writable: true, enumerable: false });
    } else this._vc.assigns = this.assigns;
    return this._vc;
  }
  defaultLocals() {
    const flash = this.flash;
    return Object.assign({ notice: flash.notice, alert: flash.alert, flash, params: this.params, request: this.request, session: this.session }, this.assigns);
  }
  // render() | render("new") | render("articles/new") | render({ action, template, partial, json,
  // plain, html, turboStream, status, layout, location, contentType, locals })
  render(what, opts) {
    if (typeof what === "string") opts = Object.assign({ action: what }, opts || {});
    else opts = Object.assign({}, what || {});
    const status = statusCode(opts.status, 200);
    const views = this.app.views;
    const headers = {};
    if (opts.location) headers.location = typeof opts.location === "string" ? opts.location : this.app.baseUrl(this.request) + polymorphicPath(opts.location);
    if (opts.json !== undefined) {
      const body = typeof opts.json === "string" ? opts.json : JSON.stringify(opts.json);
      return this.finish(body, status, Object.assign(headers, { "content-type": "application/json; charset=utf-8" }));
    }
    if (opts.plain !== undefined) return this.finish(String(opts.plain), status, Object.assign(headers, { "content-type": (opts.contentType || "text/plain") + "; charset=utf-8" }));
    if (opts.html !== undefined) return this.finish(String(opts.html), status, Object.assign(headers, { "content-type": "text/html; charset=utf-8" }));
    if (opts.body !== undefined) return this.finish(String(opts.body), status, Object.assign(headers, { "content-type": opts.contentType || "application/octet-stream" }));
    const vc = this.viewContext();
    if (opts.turboStream !== undefined || opts.turbo_stream !== undefined) {
      const ts = opts.turboStream !== undefined ? opts.turboStream : opts.turbo_stream;
      const html = withContext(vc, () => [].concat(ts).map(String).join("\n"));
      return this.finish(html, status, Object.assign(headers, { "content-type": "text/vnd.turbo-stream.html; charset=utf-8" }));
    }
    if (opts.partial) {
      const html = withContext(vc, () => views.renderInView(vc, { partial: opts.partial, locals: opts.locals, collection: opts.collection, object: opts.object }).s);
      return this.finish(html, status, Object.assign(headers, { "content-type": "text/html; charset=utf-8" }));
    }
    let format = this.request.format || "html";
    let name = opts.template || (opts.action ? (opts.action.includes("/") ? opts.action : this.controllerPath + "/" + opts.action) : this.controllerPath + "/" + this.actionName);
    if (!views.has(name, format)) {
      if (format === "turbo_stream" && views.has(name, "html")) format = "html";
      else if (format !== "html") {
        if (format === "json" && this.request.format === "json" && !opts.template && !opts.action) throw Object.assign(new Error("Missing template " + name + " for format json"), { name: "UnknownFormat", status: 406 });
      }
    }
    vc.format = format;
    const locals = Object.assign(this.defaultLocals(), opts.locals || {});
    const layout = opts.layout === false ? null : (opts.layout || this.layoutName(format));
    const html = views.renderWithLayout(vc, name, locals, layout, format);
    const ctype = { html: "text/html", json: "application/json", turbo_stream: "text/vnd.turbo-stream.html" }[format] || "text/html";
    return this.finish(html, status, Object.assign(headers, { "content-type": ctype + "; charset=utf-8" }));
  }
  layoutName(format) {
    if (format !== "html") return null;
    const f = filters(this.constructor);
    if (f.layout === false) return null;
    if (f.layout) return f.layout;
    if (this.app.views.has("layouts/" + this.controllerPath, "html")) return this.controllerPath;
    return "application";
  }
  renderToString(what, opts) {
    const vc = this.viewContext();
    if (typeof what === "string") return this.app.views.renderTemplate(vc, what.includes("/") ? what : this.controllerPath + "/" + what, Object.assign(this.defaultLocals(), (opts && opts.locals) || {}));
    return withContext(vc, () => String(this.app.views.renderInView(vc, what, opts)));
  }
  finish(body, status, headers) {
    return this.setResponse({ status, headers: Object.assign({}, this.headers, headers), body });
  }
  // head("no_content") | head(404)
  head(status, headers = {}) { return this.setResponse({ status: statusCode(status), headers: Object.assign({}, this.headers, headers), body: "" }); }
  // redirectTo(article, { notice: "..." }) | redirectTo("/x", { status: "see_other" })
  redirectTo(target, opts = {}) {
    let url = typeof target === "string" ? target : polymorphicPath(target);
    if (url.startsWith("/")) url = this.app.baseUrl(this.request) + url;
    if (opts.notice) this.flash.next.notice = opts.notice;
    if (opts.alert) this.flash.next.alert = opts.alert;
    if (opts.flash) Object.assign(this.flash.next, opts.flash);
    return this.setResponse({ status: statusCode(opts.status, 302), headers: Object.assign({}, this.headers, { location: url, "content-type": "text/html; charset=utf-8" }), body: "" });
  }
  redirectBack(opts = {}) { return this.redirectTo(this.request.headers.get("referer") || opts.fallbackLocation || "/", opts); }
  urlFor(t, o) { return urlFor(t, o); }
  domId(r, p) { return domId(r, p); }

  // turbo_stream responses: this.turboStream.replace(record) / .append("comments", {partial, locals})
  get turboStream() { return turboStreamBuilder(this); }
}
Controller.protectFromForgery();

export { INTERNAL, camelize };
