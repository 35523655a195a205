// application.js — the Rails application object: boot (models registered, routes drawn,
// views compiled — once, at load time, in the zygote) and `fetch(request)`: routing with
// _method override, params, session and flash cookie, CSRF, controller dispatch, error pages
// (development: error, JS stack and template line; production: plain 500), 404 for unknown
// routes and missing records. The default export of an app's app.js is `{ fetch }` from here.
import { drawRoutes, RoutingError } from "./router.js";
import { Views } from "./view/renderer.js";
import { setRouteHelpers } from "./view/helpers.js";
import { Controller } from "./controller.js";
import { QRequest } from "./request.js";
import { Session } from "./session.js";
import { Parameters, parseQuery, parseBody } from "./params.js";
import { Base, registry } from "./model/base.js";
import { hooks } from "./support/hooks.js";
import { escapeHTML } from "./support/html.js";
import { underscore, camelize } from "./support/inflector.js";
import { withContext, ViewContext, currentContext } from "./view/context.js";
import { Cable } from "./cable.js";
import { databaseConfig } from "./db/connection.js";

function envName() { const e = (globalThis.Quickrail && Quickrail.env) || {}; return e.QUICKRAIL_ENV || e.RAILS_ENV || "development"; }
function controllerKey(cls) { return underscore(cls.name.replace(/Controller$/, "")); }

export class Application {
  // Application.create({ root, models, controllers, helpers, routes, channels, connection, config })
  // (controllers and channels: arrays of classes, or objects keyed by route path / identifier)
  static create(opts = {}) { return new Application(opts).boot(); }

  constructor(opts) {
    this.opts = opts;
    this.root = String(opts.root || (globalThis.Quickrail && Quickrail.appDir) || ".").replace(/\/+$/, "");
    this.env = opts.env || envName();
    this.config = Object.assign({ sessionKey: "_" + underscore(this.root.split("/").pop() || "app").replace(/\W/g, "_") + "_session", showExceptions: this.env !== "production" }, opts.config || {});
    this.controllers = {};
    this.views = new Views();
  }

  boot() {
    for (const m of [].concat(this.opts.models || [])) m.register();
    const cs = this.opts.controllers || [];
    // An array of classes (keyed by their name), or { "admin/users": Class } as autoload.js builds.
    if (Array.isArray(cs) || typeof cs === "function") for (const c of [].concat(cs)) this.controllers[c.controllerPath || controllerKey(c)] = c;
    else Object.assign(this.controllers, cs);
    this.router = drawRoutes(this.opts.routes);
    const app = this;
    const routeHelpers = this.router.helpers(() => {
      const vc = currentVc();
      return vc ? vc.baseUrl() : app.baseUrl(null);
    });
    this.routeHelpers = routeHelpers;
    setRouteHelpers(routeHelpers);
    Object.assign(Controller.prototype, routeHelpers);
    this.views.addHelpers(routeHelpers);
    for (const h of [].concat(this.opts.helpers || [])) this.views.addHelpers(h);
    // constants named in Ruby templates (`Article.count`) resolve through the model registry
    this.views.helpers.__const = (name) => {
      const c = registry[String(name).split("::").pop()];
      if (c) return c;
      throw Object.assign(new Error("uninitialized constant " + name), { name: "NameError" });
    };
    this.views.load(this.root + "/app/views");
    hooks.renderPartial = (partial, locals) => this.views.renderPartialStandalone(partial, locals, this);
    if (this.opts.appName) hooks.appName = this.opts.appName;
    this.cable = new Cable(this, this.opts.channels || [], this.opts.connection || null);
    const self = this;
    globalThis.__quickrailCable = function (opJson) { return self.cable.handle(opJson); };
    // No Connection class: every connect is accepted with no identifiers, so the server skips asking.
    globalThis.__quickrailCable.needsConnect = !!this.opts.connection;
    // The channel classes, so the server answers a subscribe to any other name itself.
    globalThis.__quickrailCable.channels = Object.keys(self.cable.channels);
    this.preloadSchema();
    return this;
  }
  // Reads the columns of every model now (the zygote), when the database already exists.
  preloadSchema() {
    try {
      const cfg = databaseConfig();
      if (cfg.adapter !== "sqlite" || !Quickrail.stat || !Quickrail.stat(cfg.file)) return;
      for (const name of Object.keys(registry)) { try { registry[name].loadSchema(); } catch (e) { /* not migrated yet */ } }
    } catch (e) { /* no database yet */ }
  }
  baseUrl(req) {
    if (req) return req.baseUrl;
    const e = (globalThis.Quickrail && Quickrail.env) || {};
    return e.APP_URL || "http://localhost:" + (e.PORT || 3000);
  }

  // The app's fetch(request, env): Workers/Deno/Bun convention.
  get fetch() {
    const self = this;
    return function fetch(request, env) { return self.handle(request, env); };
  }
  // Test helper (Hono's app.request): app.request("/articles", { method, headers, body })
  request(path, init) {
    const url = /^https?:/.test(path) ? path : "http://localhost" + path;
    return this.handle(new Request(url, init));
  }

  async handle(request) {
    const req = new QRequest(request);
    let session = null;
    try {
      const bodyParams = await parseBody(request);
      if (req.method === "POST" && typeof bodyParams._method === "string") {
        const m = bodyParams._method.toUpperCase();
        if (["PATCH", "PUT", "DELETE"].includes(m)) req.method = m;
      }
      const match = this.router.match(req.method, req.path);
      if (!match) throw new RoutingError(req.method, req.path);
      const { route, params: pathParams } = match;
      const all = parseQuery(req.url.search, {});
      Object.assign(all, bodyParams, pathParams, { controller: route.controller, action: route.action });
      delete all._method;
      if (pathParams.format) req.extFormat = pathParams.format;
      req.format = req.extFormat || (req.acceptedFormats()[0] === "json" ? "json" : req.acceptedFormats()[0] === "turbo_stream" ? "turbo_stream" : "html");
      const params = new Parameters(all);
      session = new Session(this.config.sessionKey, req.cookies[this.config.sessionKey]);
      const Ctrl = this.controllers[route.controller];
      if (!Ctrl) throw Object.assign(new Error("uninitialized constant " + camelize(route.controller.replace(/\//g, "::")) + "Controller"), { name: "RoutingError", status: 404 });
      const controller = new Ctrl({ app: this, request: req, params, session, action: route.action, controllerPath: route.controller });
      const res = withContext(controller.viewContext(), () => controller.processAction());
      return this.toResponse(res, session, req);
    } catch (err) {
      return this.errorResponse(err, req, session);
    }
  }
  toResponse(res, session, req) {
    const headers = new Headers();
    for (const k of Object.keys(res.headers || {})) headers.set(k, res.headers[k]);
    const cookie = session && session.setCookieHeader(req.url.protocol === "https:");
    if (cookie) headers.append("set-cookie", cookie);
    if (!headers.has("content-type") && res.body) headers.set("content-type", "text/html; charset=utf-8");
    const body = req.originalMethod === "HEAD" || res.status === 204 || res.status === 304 ? null : res.body;
    return new Response(body, { status: res.status, headers });
  }

  errorResponse(err, req, session) {
    const status = (err && typeof err.status === "number") ? err.status : 500;
    const name = (err && err.name) || "Error";
    if (status === 400) console.warn(name + ": " + (err && err.message));
    if (status >= 500) console.error(name + ": " + (err && err.message) + (err && err.template ? " (" + err.template + ":" + err.line + ")" : "") + "\n" + (err && err.stack || ""));
    const wantsJson = req && (req.extFormat === "json" || (!req.extFormat && req.acceptedFormats()[0] === "json"));
    if (wantsJson) {
      const body = JSON.stringify(this.config.showExceptions ? { status, error: name, exception: String(err && err.message) } : { status, error: statusText(status) });
      return new Response(body, { status, headers: { "content-type": "application/json; charset=utf-8" } });
    }
    if (this.config.showExceptions) return new Response(devErrorPage(err, req, status, this), { status, headers: { "content-type": "text/html; charset=utf-8" } });
    const page = this.publicPage(status);
    return new Response(page || statusPlain(status), { status, headers: { "content-type": page ? "text/html; charset=utf-8" : "text/plain; charset=utf-8" } });
  }
  publicPage(status) {
    try { const f = this.root + "/public/" + status + ".html"; if (Quickrail.stat(f)) return Quickrail.readFile(f); } catch (e) { /* none */ }
    return null;
  }
  routesTable() { return this.router.table(); }
}

function currentVc() { return currentContext(); }
function statusText(s) { return { 400: "Bad Request", 404: "Not Found", 406: "Not Acceptable", 422: "Unprocessable Content", 500: "Internal Server Error" }[s] || "Error"; }
function statusPlain(s) {
  if (s === 404) return "The page you were looking for doesn't exist.\n";
  if (s === 422) return "The change you wanted was rejected.\n";
  if (s >= 500) return "We're sorry, but something went wrong.\n";
  return statusText(s) + "\n";
}

function devErrorPage(err, req, status, app) {
  const name = (err && err.name) || "Error";
  const msg = String(err && err.message);
  let tpl = "";
  if (err && err.template) {
    const src = app.views.sources[err.template.replace(/^app\/views\//, "").replace(/\.(erb|jbuilder)$/, "")] || "";
    const lines = src.split("\n");
    const from = Math.max(0, err.line - 4), to = Math.min(lines.length, err.line + 3);
    let snippet = "";
    for (let i = from; i < to; i++) snippet += (i + 1 === err.line ? "&gt; " : "  ") + String(i + 1).padStart(4) + "  " + escapeHTML(lines[i]) + "\n";
    tpl = "<h2>Template app/views/" + escapeHTML(err.template) + ", line " + err.line + "</h2><pre class=\"source\">" + snippet + "</pre>";
  }
  let routes = "";
  if (err && err.name === "RoutingError") routes = "<h2>Routes</h2><pre>" + escapeHTML(app.routesTable()) + "</pre>";
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + escapeHTML(name) + "</title>" +
    "<style>body{font-family:system-ui,sans-serif;margin:0}header{background:#c52f24;color:#fff;padding:1em 2em}main{padding:1em 2em}pre{background:#eee;padding:1em;overflow:auto}.source{background:#fff8e1}</style></head><body>" +
    "<header><h1>" + escapeHTML(name) + (req ? " in " + escapeHTML(req.method + " " + req.path) : "") + "</h1></header><main>" +
    "<p><b>" + escapeHTML(msg) + "</b></p>" + tpl +
    "<h2>Stack</h2><pre>" + escapeHTML((err && err.stack) || "(no stack)") + "</pre>" + routes +
    "<p>status " + status + " · quickrail " + escapeHTML((globalThis.Quickrail && Quickrail.version) || "") + " · development mode</p></main></body></html>";
}
