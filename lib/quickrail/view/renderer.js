// view/renderer.js — the compiled templates of app/views (compiled once at boot), template and
// partial lookup (controller folder, then application/), layouts, collections, and the
// helper table templates see. render() in views and controllers comes through here.
import { compile } from "./erb.js";
import { SafeString, escapeHTML, raw } from "../support/html.js";
import { ViewContext, withContext, currentContext } from "./context.js";
import { frameworkHelpers } from "./helpers.js";
import { turboStreamBuilder } from "../turbo.js";
import { jbuilderTemplate } from "./jbuilder.js";
import * as host from "../host.js";
import * as rubyRuntime from "../ruby/index.js";

function isRecord(v) { return v && typeof v === "object" && typeof v.toPartialPath === "function"; }
function isCollection(v) { return Array.isArray(v) || (v && typeof v === "object" && typeof v.load === "function" && typeof v.toArray === "function"); }

export class TemplateError extends Error {
  constructor(cause, template, line) {
    super((cause && cause.message) || String(cause));
    this.name = (cause && cause.name) || "Error";
    this.cause = cause; this.template = template; this.line = line;
    this.stack = (cause && cause.stack) || this.stack;
    if (cause && cause.status) this.status = cause.status;
  }
}

export class Views {
  constructor() {
    this.templates = {}; // "articles/index.html" -> fn   (also "articles/_article.html")
    this.sources = {};
    this.helpers = Object.create(null);
    Object.assign(this.helpers, frameworkHelpers);
    const views = this;
    this.helpers.__escape = escapeHTML; // one argument, same function: no wrapper call per output
    this.helpers.__raw = (v) => (v === null || v === undefined ? "" : String(v));
    this.helpers.__templateError = (err, name, line) => (err instanceof TemplateError ? err : new TemplateError(err, name, line));
    // what templates compiled from Ruby use (docs/ruby.md): the Ruby core helpers; app constants
    // (__const) are set by the application, which knows the models
    this.helpers.__rb = rubyRuntime;
    this.helpers.render = function (what, locals) { return views.renderInView(currentContext(), what, locals); };
    // `turboStream.replace(record)` in *.turbo_stream.erb views (Rails' turbo_stream builder)
    Object.defineProperty(this.helpers, "turboStream", { enumerable: true, get() {
      const vc = currentContext();
      return vc && vc.controller ? turboStreamBuilder(vc.controller) : turboStreamBuilder({ app: { views }, vc });
    } });
    this.helpers.turbo_stream = undefined;
    Object.defineProperty(this.helpers, "turbo_stream", { enumerable: true, get() { return views.helpers.turboStream; } });
  }
  addHelpers(obj) { for (const k of Object.keys(obj || {})) this.helpers[k] = obj[k]; }

  // Loads every *.erb (and *.jbuilder) under dir (an app's app/views) through
  // the host's readDir/readFile. In a Ruby app (config/routes.rb next to app/), templates hold
  // Ruby and are compiled by the host's Ruby compiler (Quickrail.compileRuby); else ERB holds JS.
  load(dir, opts = {}) {
    this.dir = dir;
    const ruby = opts.ruby !== undefined ? opts.ruby : isRubyApp(dir);
    const walk = (rel) => {
      const full = dir + (rel ? "/" + rel : "");
      let names;
      try { names = host.readDir(full); } catch (e) { return; }
      for (const n of names) {
        const path = rel ? rel + "/" + n : n;
        const st = host.stat(dir + "/" + path);
        if (st && st.isDirectory) walk(path);
        else if (/\.erb$/.test(n) || /\.jbuilder$/.test(n)) {
          // A template that does not compile fails the pages that render it, not the boot (Rails).
          try {
            if (ruby || /\.jbuilder$/.test(n)) this.addRuby(path, host.readFile(dir + "/" + path));
            else this.add(path.replace(/\.erb$/, ""), host.readFile(dir + "/" + path));
          } catch (e) { this.addBroken(path, e); }
        }
      }
    };
    walk("");
    return this;
  }
  add(name, src) {
    // "articles/index.html" | "articles/index" (-> html) | "articles/create.turbo_stream"
    const key = keyOf(name);
    this.sources[key] = src;
    this.templates[key] = compile(src, key + ".erb");
  }
  // A Ruby template (path relative to app/views: "articles/index.html.erb",
  // "articles/_article.json.jbuilder"): the Ruby compiler turns it into the body of
  // function (__l, __a, __c, __h[, json]) — the JS ERB compiler's signature, plus the builder.
  addRuby(path, src) {
    const compileRuby = host.rubyCompiler();
    if (!compileRuby) throw new Error("quickrail: app/views/" + path + " is Ruby, and this runtime has no Ruby compiler (Quickrail.compileRuby)");
    const jb = /\.jbuilder$/.test(path);
    const key = keyOf(path.replace(/\.(erb|jbuilder)$/, ""));
    const body = compileRuby("app/views/" + path, src);
    this.sources[key] = src;
    let fn;
    try { fn = jb ? new Function("__l", "__a", "__c", "__h", "json", body) : new Function("__l", "__a", "__c", "__h", body); } catch (e) {
      const err = new SyntaxError("quickrail: template app/views/" + path + " compiled to invalid JavaScript: " + e.message);
      err.templateName = path; err.templateSource = body;
      throw err;
    }
    fn.templateName = path;
    this.templates[key] = jb ? jbuilderTemplate(fn, this, path) : fn;
  }
  // Keeps a template that does not compile: rendering it throws its error (template, line, caret);
  // boot logs it once.
  addBroken(path, e) {
    const key = keyOf(path.replace(/\.(erb|jbuilder)$/, ""));
    const err = e instanceof Error ? e : new Error(String(e));
    if (!err.template) err.template = path;
    if (!err.status) err.status = 500;
    if (this.sources[key] === undefined) { try { this.sources[key] = host.readFile(this.dir + "/" + path); } catch (x) { /* gone */ } }
    console.error("app/views/" + path + ": " + err.message + "\n  (pages that render it show this error)");
    const fn = function () { throw err; };
    fn.templateName = path; fn.broken = err;
    this.templates[key] = fn;
  }
  // A jbuilder template already compiled: fn(locals, assigns, vc, helpers, json) (tests, JS apps).
  addJbuilder(name, fn) { this.templates[keyOf(name)] = jbuilderTemplate(fn, this, name + ".jbuilder"); }
  has(name, format = "html") { return !!this.templates[name + "." + format]; }
  find(name, format = "html") { return this.templates[name + "." + format] || null; }

  // Renders template `name` (e.g. "articles/index") with locals in view context vc.
  renderTemplate(vc, name, locals, format = "html") {
    const fn = this.find(name, format);
    if (!fn) throw missingTemplate(name, format);
    return withContext(vc, () => fn(locals || {}, vc.assigns, vc, this.helpers));
  }
  renderWithLayout(vc, name, locals, layout, format = "html") {
    const body = this.renderTemplate(vc, name, locals, format);
    if (!layout) return body;
    const lfn = this.find("layouts/" + layout, format);
    if (!lfn) return body;
    vc.content.__layout = body;
    return withContext(vc, () => lfn(locals || {}, vc.assigns, vc, this.helpers));
  }
  // Partial lookup: "form" -> "<controller>/_form"; "comments/comment" -> "comments/_comment"
  partialName(name, vc) {
    const i = name.lastIndexOf("/");
    const dir = i < 0 ? (vc && vc.controllerPath) || "application" : name.slice(0, i);
    const base = i < 0 ? name : name.slice(i + 1);
    let path = dir + "/_" + base;
    if (!this.find(path, vc ? vc.format === "json" ? "json" : "html" : "html") && i < 0 && this.find("application/_" + base)) path = "application/_" + base;
    return { path, local: base };
  }
  renderPartial(vc, name, locals = {}) {
    const { path } = this.partialName(name, vc);
    const format = this.find(path, vc.format) ? vc.format : "html";
    return new SafeString(this.renderTemplate(vc, path, locals, format));
  }
  renderCollection(vc, records, partial, opts = {}) {
    const list = isCollection(records) && !Array.isArray(records) ? records.load() : records;
    const out = [];
    // the partial's name and local names are worked out once per distinct partial, not per record
    let lastName = null, asName = null, counter1 = null, counter2 = null;
    list.forEach((rec, i) => {
      const name = partial || rec.toPartialPath().replace("/_", "/");
      if (name !== lastName) {
        lastName = name;
        asName = opts.as || this.partialName(name, vc).local;
        counter1 = asName + "_counter"; counter2 = asName + "Counter";
      }
      const locals = Object.assign({}, opts.locals || {});
      locals[asName] = rec; locals[counter1] = i; locals[counter2] = i;
      out.push(this.renderPartial(vc, name, locals).s);
    });
    return new SafeString(out.join(""));
  }
  // render(article) | render(articles) | render("form", {article}) | render({partial, locals, collection, as})
  renderInView(vc, what, locals) {
    if (isRecord(what)) return this.renderCollection(vc, [what], null, { locals });
    if (isCollection(what)) return this.renderCollection(vc, what, null, { locals });
    if (typeof what === "string") return this.renderPartial(vc, what, locals || {});
    if (what && typeof what === "object") {
      if (what.collection !== undefined) return this.renderCollection(vc, what.collection, what.partial, { as: what.as, locals: what.locals });
      if (what.partial) {
        const l = Object.assign({}, what.locals || {});
        if (what.object !== undefined) l[what.as || this.partialName(what.partial, vc).local] = what.object;
        return this.renderPartial(vc, what.partial, l);
      }
      if (what.template) return raw(this.renderTemplate(vc, what.template, what.locals || {}));
      if (what.html !== undefined) return raw(what.html);
      if (what.plain !== undefined) return escapeHTML(what.plain);
    }
    throw new Error("quickrail: don't know how to render " + String(what));
  }
  // Outside a request (broadcasts): renders a partial with a fresh view context.
  renderPartialStandalone(path, locals, app) {
    const vc = new ViewContext({ app, controllerPath: path.split("/")[0] });
    const name = path.replace("/_", "/");
    return withContext(vc, () => this.renderPartial(vc, name, locals).s);
  }
}

// "articles/index.html" | "articles/index" (-> html) | "articles/create.turbo_stream"
function keyOf(name) { return /\.(html|json|turbo_stream|xml|text|js)$/.test(name) ? name : name + ".html"; }
// dir is an app's app/views: the app is a Ruby app when its routes are config/routes.rb.
function isRubyApp(dir) {
  const root = String(dir).replace(/\/+$/, "").replace(/\/app\/views$/, "");
  if (root === String(dir).replace(/\/+$/, "")) return false;
  try { return !!host.stat(root + "/config/routes.rb"); } catch (e) { return false; }
}

function missingTemplate(name, format) {
  const e = new Error("Missing template " + name + " with {formats: [:" + format + "]} in app/views");
  e.name = "MissingTemplate";
  e.status = format === "html" ? 500 : 406;
  return e;
}
