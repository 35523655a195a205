// router.js — ActionDispatch::Routing: root, get/post/patch/put/delete, resources (nested,
// only/except, member/collection), resource (singular), namespace; named route helpers
// (articlePath(a), articlesPath(), editArticleCommentPath(a, c), *Url variants) and the
// routes table printer. The router is `add` + `match`.
import { singularize, camelize, underscore } from "./support/inflector.js";

export class RoutingError extends Error {
  constructor(method, path) { super('No route matches [' + method + '] "' + path + '"'); this.name = "RoutingError"; this.status = 404; }
}

const RESOURCE_ACTIONS = ["index", "create", "new", "edit", "show", "update", "destroy"];

function compile(pattern) {
  const keys = [];
  let re = "";
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (pattern.startsWith("(.:format)", i)) { re += "(?:\\.([^/.?]+))?"; keys.push("format"); i += 10; continue; }
    if (c === ":" || c === "*") {
      const m = /^[:*]([a-zA-Z_]\w*)/.exec(pattern.slice(i));
      keys.push(m[1]);
      re += c === "*" ? "(.+?)" : "([^/.?]+)";
      i += m[0].length; continue;
    }
    re += c.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
    i++;
  }
  return { regex: new RegExp("^" + re + "$"), keys };
}

export class Router {
  constructor() { this.routes = []; this.named = {}; this.scope = [{ path: "", name: "", module: "", param: null }]; }
  add(verb, pattern, to, name) {
    const [controller, action] = to.split("#");
    const { regex, keys } = compile(pattern);
    const route = { verb: verb.toUpperCase(), pattern, controller, action, name: name || null, regex, keys, segs: keys.filter((k) => k !== "format") };
    this.routes.push(route);
    if (name && !this.named[name]) this.named[name] = route;
    return route;
  }
  match(method, path) {
    const m = method.toUpperCase() === "HEAD" ? "GET" : method.toUpperCase();
    let pathMatched = false;
    for (const r of this.routes) {
      const mm = r.regex.exec(path);
      if (!mm) continue;
      pathMatched = true;
      if (r.verb !== m && !(r.verb === "PUT" && m === "PATCH") && !(r.verb === "PATCH" && m === "PUT")) continue;
      const params = {};
      r.keys.forEach((k, i) => {
        if (mm[i + 1] === undefined) return;
        try { params[k] = decodeURIComponent(mm[i + 1]); }
        catch (e) { // Rails: ActionController::BadRequest, "Invalid path parameters"
          throw Object.assign(new Error(`Invalid path parameters: Invalid encoding for parameter: ${mm[i + 1]}`), { name: "BadRequest", status: 400 });
        }
      });
      return { route: r, params };
    }
    return null;
  }

  // ---- the DSL (config/routes.js receives the router) -----------------------------------
  get cur() { return this.scope[this.scope.length - 1]; }
  withScope(s, fn) { this.scope.push(Object.assign({}, this.cur, s)); try { if (fn) fn(this); } finally { this.scope.pop(); } }
  verbRoute(verb, path, to, opts = {}) {
    if (typeof to === "object" && to !== null) { opts = to; to = opts.to; }
    const cur = this.cur;
    const clean = String(path).replace(/^\//, "");
    if (!to) {
      if (cur.member || cur.collection) to = cur.controller + "#" + clean;
      else to = clean.replace(/\//g, "#");
    }
    const full = cur.path + "/" + clean;
    const baseName = opts.as !== undefined ? opts.as : (cur.member || cur.collection ? clean.replace(/\W/g, "_") : clean.replace(/\W/g, "_"));
    let name = null;
    if (baseName) {
      if (cur.member) name = baseName + "_" + cur.memberName;
      else if (cur.collection) name = baseName + "_" + cur.collectionName;
      else name = (cur.name ? cur.name + "_" : "") + baseName;
    }
    const ctrl = (cur.module ? cur.module + "/" : "") + to;
    this.add(verb, full === "/" ? "/" : full + "(.:format)", ctrl, name);
  }
  get(p, to, o) { this.verbRoute("GET", p, to, o); }
  post(p, to, o) { this.verbRoute("POST", p, to, o); }
  patch(p, to, o) { this.verbRoute("PATCH", p, to, o); }
  put(p, to, o) { this.verbRoute("PUT", p, to, o); }
  delete(p, to, o) { this.verbRoute("DELETE", p, to, o); }
  root(to) {
    if (typeof to === "object") to = to.to;
    const cur = this.cur;
    this.add("GET", (cur.path || "") + "/", (cur.module ? cur.module + "/" : "") + to, (cur.name ? cur.name + "_" : "") + "root");
  }
  namespace(name, fn) { this.withScope({ path: this.cur.path + "/" + name, name: (this.cur.name ? this.cur.name + "_" : "") + name, module: (this.cur.module ? this.cur.module + "/" : "") + name }, fn); }
  scopePath(path, fn) { this.withScope({ path: this.cur.path + "/" + String(path).replace(/^\//, "") }, fn); }
  member(fn) { const c = this.cur; this.withScope({ path: c.memberPath, member: true, collection: false, name: c.memberName }, fn); }
  collection(fn) { const c = this.cur; this.withScope({ path: c.collectionPath, collection: true, member: false, name: c.collectionName }, fn); }

  // resources("articles", { only: [...] }, () => { resources("comments") })
  resources(name, opts, fn) {
    if (typeof opts === "function") { fn = opts; opts = {}; }
    opts = opts || {};
    const cur = this.cur;
    const single = singularize(name);
    const actions = RESOURCE_ACTIONS.filter((a) => (!opts.only || [].concat(opts.only).includes(a)) && (!opts.except || ![].concat(opts.except).includes(a)));
    const ctrl = (cur.module ? cur.module + "/" : "") + (opts.controller || name);
    const base = cur.path + "/" + (opts.path || name);
    const param = opts.param || "id";
    const prefix = cur.name ? cur.name + "_" : "";
    const coll = prefix + name, memb = prefix + single;
    const has = (a) => actions.includes(a);
    // As in Rails, the block (nested resources, member/collection routes) is drawn before the
    // default routes, so /articles/search is not taken for /articles/:id.
    if (fn) {
      const nestedParam = ":" + single + "_id";
      this.withScope({
        path: base + "/" + nestedParam, name: memb, controller: ctrl,
        memberPath: base + "/:" + param, collectionPath: base, memberName: memb, collectionName: coll, member: false, collection: false,
      }, fn);
    }
    // named routes: the first route of each name wins (Rails names index and show routes)
    if (has("index")) this.add("GET", base + "(.:format)", ctrl + "#index", coll);
    if (has("create")) this.add("POST", base + "(.:format)", ctrl + "#create", has("index") ? null : coll);
    if (has("new")) this.add("GET", base + "/new(.:format)", ctrl + "#new", "new_" + memb);
    if (has("edit")) this.add("GET", base + "/:" + param + "/edit(.:format)", ctrl + "#edit", "edit_" + memb);
    if (has("show")) this.add("GET", base + "/:" + param + "(.:format)", ctrl + "#show", memb);
    const otherName = has("show") ? null : memb;
    if (has("update")) { this.add("PATCH", base + "/:" + param + "(.:format)", ctrl + "#update", otherName); this.add("PUT", base + "/:" + param + "(.:format)", ctrl + "#update", null); }
    if (has("destroy")) this.add("DELETE", base + "/:" + param + "(.:format)", ctrl + "#destroy", has("show") || has("update") ? null : memb);
  }
  resource(name, opts, fn) {
    if (typeof opts === "function") { fn = opts; opts = {}; }
    opts = opts || {};
    const cur = this.cur;
    const ctrl = (cur.module ? cur.module + "/" : "") + (opts.controller || name + "s");
    const base = cur.path + "/" + name;
    const prefix = cur.name ? cur.name + "_" : "";
    const actions = ["create", "new", "edit", "show", "update", "destroy"].filter((a) => (!opts.only || opts.only.includes(a)) && (!opts.except || !opts.except.includes(a)));
    const has = (a) => actions.includes(a);
    if (has("new")) this.add("GET", base + "/new(.:format)", ctrl + "#new", "new_" + prefix + name);
    if (has("edit")) this.add("GET", base + "/edit(.:format)", ctrl + "#edit", "edit_" + prefix + name);
    if (has("show")) this.add("GET", base + "(.:format)", ctrl + "#show", prefix + name);
    if (has("create")) this.add("POST", base + "(.:format)", ctrl + "#create", has("show") ? null : prefix + name);
    if (has("update")) { this.add("PATCH", base + "(.:format)", ctrl + "#update", null); this.add("PUT", base + "(.:format)", ctrl + "#update", null); }
    if (has("destroy")) this.add("DELETE", base + "(.:format)", ctrl + "#destroy", null);
    if (fn) this.withScope({ path: base, name: prefix + name, controller: ctrl, memberPath: base, collectionPath: base, memberName: prefix + name, collectionName: prefix + name }, fn);
  }

  // ---- named route helpers ------------------------------------------------------------
  // path("article", [article], {format: "json"}) -> "/articles/1.json"
  path(name, args) {
    const r = this.named[name];
    if (!r) throw new Error("quickrail: no route named " + name);
    const fast = fastPath(r, args);
    if (fast !== null) return fast;
    args = args.slice();
    let opts = {};
    if (args.length > r.segs.length && args[args.length - 1] && typeof args[args.length - 1] === "object" && !isRecord(args[args.length - 1])) opts = Object.assign({}, args.pop());
    else if (args.length === r.segs.length && args.length && args[args.length - 1] && typeof args[args.length - 1] === "object" && !isRecord(args[args.length - 1]) && r.segs.every((k) => k in args[args.length - 1])) {
      opts = Object.assign({}, args.pop());
    }
    const values = {};
    r.segs.forEach((k, i) => {
      let v = i < args.length ? args[i] : opts[k];
      if (i >= args.length) delete opts[k];
      if (v === undefined || v === null) throw new Error("quickrail: " + camelize(name, false) + "Path is missing required key :" + k);
      values[k] = toParam(v);
    });
    if (!r.parts) r.parts = r.pattern.replace("(.:format)", "").split(/[:*]([a-zA-Z_]\w*)/); // odd entries are keys
    let p = "";
    for (let i = 0; i < r.parts.length; i++) p += i % 2 ? encodeURIComponent(values[r.parts[i]]) : r.parts[i];
    if (opts.format) p += "." + opts.format;
    delete opts.format;
    const anchor = opts.anchor; delete opts.anchor;
    delete opts.host; delete opts.protocol; delete opts.onlyPath;
    let q = "";
    for (const k in opts) if (opts[k] !== undefined && opts[k] !== null) q += (q ? "&" : "") + encodeURIComponent(k) + "=" + encodeURIComponent(opts[k]);
    if (q) p += "?" + q;
    if (anchor) p += "#" + anchor;
    return p;
  }
  // { articlesPath, articleUrl, ... } given a function returning the current base URL
  helpers(baseUrl) {
    const h = {};
    for (const name of Object.keys(this.named)) {
      const js = camelize(name, false);
      const router = this;
      h[js + "Path"] = function (...args) { return router.path(name, args); };
      h[js + "Url"] = function (...args) { return baseUrl() + router.path(name, args); };
    }
    return h;
  }
  // `quickrail routes`: the table Rails prints
  table() {
    const rows = [["Prefix", "Verb", "URI Pattern", "Controller#Action"]];
    for (const r of this.routes) rows.push([r.name || "", r.verb, r.pattern, r.controller + "#" + r.action]);
    const w = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i].length)));
    return rows.map((row) => row[0].padStart(w[0]) + " " + row[1].padEnd(w[1]) + " " + row[2].padEnd(w[2]) + " " + row[3]).join("\n");
  }
}

// The common call (one positional argument per segment: records, ids or strings; no options)
// without building option objects: returns the path, or null to take the general path.
function fastPath(r, args) {
  const n = r.segs.length;
  let format = "";
  if (args.length === n + 1) {
    // articleUrl(article, { format: "json" }): a plain object holding only `format`
    const last = args[n];
    if (last === null || typeof last !== "object" || Object.getPrototypeOf(last) !== Object.prototype || "id" in last) return null;
    const ks = Object.keys(last);
    if (ks.length !== 1 || ks[0] !== "format") return null;
    if (last.format) format = "." + last.format;
  } else if (args.length !== n) return null;
  for (let i = 0; i < n; i++) {
    const a = args[i], t = typeof a;
    if (t !== "number" && t !== "string" && !(t === "object" && a !== null && typeof a.toParam === "function")) return null;
  }
  let idx = r.segIndex;
  if (!idx) {
    if (!r.parts) r.parts = r.pattern.replace("(.:format)", "").split(/[:*]([a-zA-Z_]\w*)/);
    idx = [];
    for (let i = 1; i < r.parts.length; i += 2) { const k = r.segs.indexOf(r.parts[i]); if (k < 0) return null; idx.push(k); }
    r.segIndex = idx;
  }
  const parts = r.parts;
  let p = parts[0];
  for (let i = 1, j = 0; i < parts.length; i += 2, j++) p += encodeURIComponent(toParam(args[idx[j]])) + parts[i + 1];
  return format ? p + format : p;
}
function isRecord(v) { return v && typeof v === "object" && (typeof v.toParam === "function" || "id" in v); }
function toParam(v) {
  if (v && typeof v.toParam === "function") return v.toParam();
  if (v && typeof v === "object" && "id" in v) return String(v.id);
  return String(v);
}

// Draws routes: accepts `export default (r) => {...}` or a Router already drawn.
export function drawRoutes(def) {
  if (def instanceof Router) return def;
  const r = new Router();
  if (typeof def === "function") def(r);
  else if (def && typeof def.draw === "function") def.draw(r);
  return r;
}
export function draw(fn) { return fn; }
export { underscore };
