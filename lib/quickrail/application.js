// application.js — the Rails application object: boot (models registered, routes drawn,
// views compiled — once, at load time, in the zygote) and `fetch(request)`: routing with
// _method override, params, session and flash cookie, CSRF, controller dispatch, error pages
// (development: error, JS stack and template line; production: plain 500), 404 for unknown
// routes and missing records. The default export of an app's app.js is the Application: the
// server calls its `fetch` and its `cable` (app-defined channels). Booting changes nothing
// outside the instance: the route helpers, the views, the partial renderer broadcasts use and
// the cable entry belong to it, so several applications can live in one runtime.
import { drawRoutes, RoutingError } from "./router.js";
import { Views } from "./view/renderer.js";
import { QRequest } from "./request.js";
import { Session } from "./session.js";
import { Parameters, parseQuery, parseBody } from "./params.js";
import { escapeHTML } from "./support/html.js";
import { underscore, camelize } from "./support/inflector.js";
import { withContext, ViewContext, currentContext } from "./view/context.js";
import { Cable } from "./cable.js";
import { databaseConfig, connection } from "./db/connection.js";
import { registry } from "./model/meta.js";
import * as host from "./host.js";
import { appNameFromDir } from "./turbo.js";
import { frames, frameText, appFrame, caretColumn, nameCallee, rubyNameError, withTemplate } from "./support/backtrace.js";

function controllerKey(cls) { return underscore(cls.name.replace(/Controller$/, "")); }

export class Application {
  // Application.create({ root, models, controllers, helpers, routes, channels, connection, config })
  // (controllers and channels: arrays of classes, or objects keyed by route path / identifier)
  static create(opts = {}) { return new Application(opts).boot(); }

  constructor(opts) {
    this.opts = opts;
    this.root = String(opts.root || host.appDir()).replace(/\/+$/, "");
    this.env = opts.env || host.envName();
    this.config = Object.assign({ sessionKey: "_" + underscore(this.root.split("/").pop() || "app").replace(/\W/g, "_") + "_session", showExceptions: this.env !== "production" }, opts.config || {});
    this.controllers = {};
    this.models = {};
    this.views = new Views();
  }

  boot() {
    for (const m of [].concat(this.opts.models || [])) { m.register(this); this.models[m.name] = m; }
    this.router = drawRoutes(this.opts.routes);
    const app = this;
    const routeHelpers = this.router.helpers(() => {
      const vc = currentVc();
      return vc ? vc.baseUrl() : app.baseUrl(null);
    });
    this.routeHelpers = routeHelpers;
    // Controllers see the route helpers as methods (this.articlesPath()): each controller is
    // served through a subclass of its own that carries this application's helpers.
    const cs = this.opts.controllers || [];
    // An array of classes (keyed by their name), or { "admin/users": Class } as autoload.js builds.
    if (Array.isArray(cs) || typeof cs === "function") for (const c of [].concat(cs)) this.controllers[c.controllerPath || controllerKey(c)] = withRouteHelpers(c, routeHelpers);
    else for (const k of Object.keys(cs)) this.controllers[k] = withRouteHelpers(cs[k], routeHelpers);
    this.views.addHelpers(routeHelpers);
    for (const h of [].concat(this.opts.helpers || [])) this.views.addHelpers(h);
    // constants named in Ruby templates (`Article.count`) resolve through the model registry
    this.views.helpers.__const = (name) => {
      const c = registry[String(name).split("::").pop()];
      if (c) return c;
      throw Object.assign(new Error("uninitialized constant " + name), { name: "NameError" });
    };
    this.views.load(this.root + "/app/views");
    this.appName = this.opts.appName || appNameFromDir(this.root);
    this.cable = new Cable(this, this.opts.channels || [], this.opts.connection || null);
    this.preloadSchema();
    return this;
  }
  // Renders app/views/<partial> outside a request (broadcasts of this application's models).
  renderPartial(partial, locals) { return this.views.renderPartialStandalone(partial, locals, this); }
  // Reads the columns of every model now (the zygote), when the database already exists.
  preloadSchema() {
    try {
      const cfg = databaseConfig();
      if (cfg.adapter !== "sqlite" || !host.stat(cfg.file)) return;
      for (const name of Object.keys(this.models)) { try { this.models[name].loadSchema(); } catch (e) { /* not migrated yet */ } }
    } catch (e) { /* no database yet */ }
  }
  baseUrl(req) {
    if (req) return req.baseUrl;
    const e = host.env();
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

  // Development: migrations whose files exist but are not applied make every page Rails'
  // pending-migration error (read-only: nothing is created when the database is not there yet).
  pendingMigrationError() {
    let names;
    try { names = host.readDir(this.root + "/db/migrate"); } catch (e) { return null; }
    const files = names.filter((n) => /^\d+_.+\.(rb|m?js)$/.test(n));
    if (!files.length) return null;
    let applied;
    try {
      const cfg = databaseConfig();
      if (cfg.adapter === "sqlite" && !host.stat(cfg.file)) return null;
      const db = connection();
      applied = new Set(db.tableExists("schema_migrations") ? db.all("SELECT version FROM " + db.quote("schema_migrations")).map((r) => String(r.version)) : []);
    } catch (e) { return null; }
    const pending = files.filter((n) => !applied.has(/^(\d+)_/.exec(n)[1])).sort();
    if (!pending.length) return null;
    const err = new Error("Migrations are pending; run `quickrail db:migrate` to resolve this issue.\n\nPending: " + pending.map((n) => "db/migrate/" + n).join(", "));
    err.name = "ActiveRecord::PendingMigrationError"; err.status = 500; err.stack = "";
    return err;
  }

  async handle(request) {
    const req = new QRequest(request);
    let session = null, controller = null;
    try {
      if (this.env === "development") { const pending = this.pendingMigrationError(); if (pending) throw pending; }
      const bodyParams = await parseBody(request);
      if (req.method === "POST" && typeof bodyParams._method === "string") {
        const m = bodyParams._method.toUpperCase();
        if (["PATCH", "PUT", "DELETE"].includes(m)) req.method = m;
      }
      const match = this.router.match(req.method, req.path);
      if (!match) throw new RoutingError(req.method, req.path);
      const { route, params: pathParams } = match;
      if (host.profileEndpoint !== null) host.profileEndpoint(route.controller + "#" + route.action + (pathParams.format ? "." + pathParams.format : ""));
      const all = parseQuery(req.url.search, {});
      Object.assign(all, bodyParams, pathParams, { controller: route.controller, action: route.action });
      delete all._method;
      if (pathParams.format) req.extFormat = pathParams.format;
      req.format = req.extFormat || (req.acceptedFormats()[0] === "json" ? "json" : req.acceptedFormats()[0] === "turbo_stream" ? "turbo_stream" : "html");
      const params = new Parameters(all);
      session = new Session(this.config.sessionKey, req.cookies[this.config.sessionKey]);
      const Ctrl = this.controllers[route.controller];
      if (!Ctrl) throw Object.assign(new Error("uninitialized constant " + camelize(route.controller.replace(/\//g, "::")) + "Controller"), { name: "RoutingError", status: 404 });
      controller = new Ctrl({ app: this, request: req, params, session, action: route.action, controllerPath: route.controller });
      const res = withContext(controller.viewContext(), () => controller.processAction());
      return this.toResponse(res, session, req);
    } catch (err) {
      return this.errorResponse(err, req, session, controller);
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

  errorResponse(err, req, session, controller) {
    const status = (err && typeof err.status === "number") ? err.status : 500;
    if (status >= 500) rubyNameError(nameCallee(err, this.root, (recv, name, frame) => knownFunction(recv, name, frame, controller)), this.root);
    const name = (err && err.name) || "Error";
    if (status === 400) console.warn(name + ": " + (err && err.message));
    if (status >= 500) console.error(this.logTrace(err, name));
    const wantsJson = req && (req.extFormat === "json" || (!req.extFormat && req.acceptedFormats()[0] === "json"));
    if (wantsJson) {
      const body = JSON.stringify(this.config.showExceptions ? { status, error: name, exception: String(err && err.message) } : { status, error: statusText(status) });
      return new Response(body, { status, headers: { "content-type": "application/json; charset=utf-8" } });
    }
    if (this.config.showExceptions) return new Response(devErrorPage(err, req, status, this), { status, headers: { "content-type": "text/html; charset=utf-8" } });
    const page = this.publicPage(status);
    return new Response(page || statusPlain(status), { status, headers: { "content-type": page ? "text/html; charset=utf-8" : "text/plain; charset=utf-8" } });
  }
  // The log's lines for a 500: "Name: message (at app/..:LINE)", then every frame app-relative
  // ("app/controllers/notes_controller.rb:8:in 'index'"), the app's own first.
  logTrace(err, name) {
    const fs = withTemplate(frames(err, this.root), err);
    const top = appFrame(fs);
    const app = fs.filter((f) => f.app), rest = fs.filter((f) => !f.app);
    return name + ": " + (err && err.message) + (top ? " (at " + top.rel + ":" + top.line + ")" : "") +
      (app.length ? "\n  Application trace:" + app.map((f) => "\n    " + frameText(f)).join("") : "") +
      (rest.length ? "\n  Framework trace:" + rest.map((f) => "\n    " + frameText(f)).join("") : "");
  }
  publicPage(status) {
    try { const f = this.root + "/public/" + status + ".html"; if (host.stat(f)) return host.readFile(f); } catch (e) { /* none */ }
    return null;
  }
  routesTable() { return this.router.table(); }
}

function currentVc() { return currentContext(); }
// Whether recv.name on an app line is certainly a function (so not the one "not a function" is
// about): the controller's own methods in a controller file, a model's class methods, globals.
function knownFunction(recv, name, frame, controller) {
  const js = name.replace(/[?!]$/, "").replace(/_([a-z0-9])/g, (m, c) => c.toUpperCase());
  if (recv === "this" || recv === "self" || recv === "") return !!controller && /^app\/controllers\//.test(frame.rel) && typeof controller[js] === "function";
  const M = /^[A-Z][\w$]*$/.test(recv) ? registry[recv] || globalThis[recv] : null;
  return !!M && typeof M[js] === "function";
}
// A subclass of controller Ctrl with the route helpers as methods, named and keyed like Ctrl.
function withRouteHelpers(Ctrl, routeHelpers) {
  const Bound = class extends Ctrl {};
  Object.defineProperty(Bound, "name", { value: Ctrl.name });
  Object.defineProperty(Bound, "controllerPath", { value: Ctrl.controllerPath });
  for (const k of Object.keys(routeHelpers)) if (!(k in Ctrl.prototype)) Object.defineProperty(Bound.prototype, k, { value: routeHelpers[k], writable: true, configurable: true });
  return Bound;
}
function statusText(s) { return { 400: "Bad Request", 404: "Not Found", 406: "Not Acceptable", 422: "Unprocessable Content", 500: "Internal Server Error" }[s] || "Error"; }
function statusPlain(s) {
  if (s === 404) return "The page you were looking for doesn't exist.\n";
  if (s === 422) return "The change you wanted was rejected.\n";
  if (s >= 500) return "We're sorry, but something went wrong.\n";
  return statusText(s) + "\n";
}

// Lines around `line` of src, the line itself marked and a caret under column `col` (1-based;
// 0: none) — the development error page's source.
function sourceSnippet(src, line, col) {
  const lines = src.split("\n");
  const from = Math.max(0, line - 4), to = Math.min(lines.length, line + 3);
  let snippet = "";
  for (let i = from; i < to; i++) {
    snippet += (i + 1 === line ? "&gt; " : "  ") + String(i + 1).padStart(4) + "  " + escapeHTML(lines[i]) + "\n";
    if (i + 1 === line && col > 0) snippet += " ".repeat(8 + col - 1) + "<b class=\"caret\">^</b>\n";
  }
  return snippet;
}
function traceList(fs) { return fs.map((f) => escapeHTML(frameText(f))).join("\n"); }

// Rails' development exception page: the message, the app source around the failing line with a
// caret, the application trace, and the framework and full traces collapsed.
function devErrorPage(err, req, status, app) {
  const name = (err && err.name) || "Error";
  const msg = String(err && err.message);
  const fs = withTemplate(frames(err, app.root), err);
  // the source around the first app frame: a template's (its own source, never the generated
  // code), or a file's (compiled Ruby is line-aligned: a .rb frame's line is the Ruby line)
  let tpl = "";
  const f = appFrame(fs);
  if (f && err && err.template && f.fn === "render" && f.file === f.rel && f.line === err.line) {
    const src = app.views.sources[err.template.replace(/^app\/views\//, "").replace(/\.(erb|jbuilder)$/, "")] || "";
    const text = src.split("\n")[err.line - 1];
    tpl = "<h2>Template " + escapeHTML(f.rel) + ", line " + err.line + "</h2><pre class=\"source\">" + sourceSnippet(src, err.line, text === undefined ? 0 : caretColumn(err, text)) + "</pre>";
  } else if (f) {
    let src = null;
    try { src = host.readFile(f.file); } catch (e) { src = null; }
    if (src !== null) {
      const text = src.split("\n")[f.line - 1];
      tpl = "<h2>Extracted source (around line " + f.line + ") " + escapeHTML(f.rel) + "</h2><pre class=\"source\">" + sourceSnippet(src, f.line, text === undefined ? 0 : caretColumn(err, text)) + "</pre>";
    }
  }
  const appFs = fs.filter((f) => f.app), fwFs = fs.filter((f) => !f.app);
  const traces = "<h2>Application Trace</h2><pre class=\"trace app\">" + (appFs.length ? traceList(appFs) : "(none: the error is in the framework; see the full trace)") + "</pre>" +
    "<details class=\"framework\"><summary>Framework Trace (" + fwFs.length + " frames)</summary><pre class=\"trace\">" + traceList(fwFs) + "</pre></details>" +
    "<details class=\"framework\"><summary>Full Trace (" + fs.length + " frames)</summary><pre class=\"trace\">" + (fs.length ? traceList(fs) : escapeHTML((err && err.stack) || "(no stack)")) + "</pre></details>";
  let routes = "";
  if (err && err.name === "RoutingError") routes = "<h2>Routes</h2><pre>" + escapeHTML(app.routesTable()) + "</pre>";
  return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + escapeHTML(name) + "</title>" +
    "<style>body{font-family:system-ui,sans-serif;margin:0}header{background:#c52f24;color:#fff;padding:1em 2em}main{padding:1em 2em}pre{background:#eee;padding:1em;overflow:auto}.source{background:#fff8e1}.caret{color:#c52f24}.framework{color:#888}.framework summary{cursor:pointer}</style></head><body>" +
    "<header><h1>" + escapeHTML(name) + (req ? " in " + escapeHTML(req.method + " " + req.path) : "") + "</h1></header><main>" +
    "<p><b>" + escapeHTML(msg) + "</b></p>" + tpl + traces + routes +
    "<p>status " + status + " · quickrail " + escapeHTML(host.version()) + " · development mode</p></main></body></html>";
}
