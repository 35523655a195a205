// autoload.js — Rails' autoloading by convention (what Zeitwerk does for a Rails app): an app
// with no app.js is found from its folders. Models (app/models/**, not concerns/), controllers
// (app/controllers/**/*_controller), helpers (app/helpers/**), channels (app/channels/**, the
// connection in app/channels/application_cable/connection), routes (config/routes) and views
// (app/views, read by Application) are named by Rails' rules: the file articles_controller
// defines ArticlesController, admin/users_controller Admin::UsersController (routed as
// "admin/users"), article defines Article. Each module is imported by its path, so any file the
// runtime can import works (.rb once the Ruby compiler is in the loader); where a name exists in
// several languages, .rb wins over .js over .mjs. Runs wherever the app is loaded: the zygote
// (boot, once), CLI tasks and the Node host; reads the app folder through the host's readDir/stat.
import { Application } from "./application.js";
import { camelize } from "./support/inflector.js";
import * as host from "./host.js";

export const EXTENSIONS = [".rb", ".js", ".mjs"];

function stat(p) { try { return host.stat(p); } catch (e) { return null; } }
function isDir(p) { const s = stat(p); return !!(s && s.isDirectory); }
function isFile(p) { const s = stat(p); return !!(s && s.isFile); }
function extOf(name) { const m = /\.[^./]+$/.exec(name); return m ? m[0] : ""; }

// The file for a logical path without extension ("config/routes"): root/base.rb, else .js, .mjs.
export function findFile(root, base) {
  for (const ext of EXTENSIONS) if (isFile(root + "/" + base + ext)) return root + "/" + base + ext;
  return null;
}

// Every importable file under dir (recursively, skipping folders in skip), one per logical name
// with the preferred extension: [{ file, name }] where name is "admin/users_controller", sorted.
export function listSources(dir, skip = []) {
  const best = new Map();
  const walk = (sub) => {
    const full = sub ? dir + "/" + sub : dir;
    let names;
    try { names = host.readDir(full); } catch (e) { return; }
    for (const n of names) {
      if (n.startsWith(".")) continue;
      const rel = sub ? sub + "/" + n : n;
      if (isDir(full + "/" + n)) { if (!skip.includes(rel)) walk(rel); continue; }
      const ext = extOf(n);
      const rank = EXTENSIONS.indexOf(ext);
      if (rank < 0) continue;
      const name = rel.slice(0, -ext.length);
      const had = best.get(name);
      if (!had || rank < had.rank) best.set(name, { file: full + "/" + n, name, rank });
    }
  };
  if (isDir(dir)) walk("");
  return [...best.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(({ file, name }) => ({ file, name }));
}

// "admin/users_controller" -> "Admin::UsersController" (Rails' String#camelize of a path).
export function constantName(logical) { return logical.split("/").map((s) => camelize(s)).join("::"); }

// The class a file defines: its default export, else the export named like the constant, else
// the one exported class of that name. A file that defines none is a boot error naming it.
export function definedClass(mod, file, constant) {
  const short = constant.split("::").pop();
  if (typeof mod.default === "function") return mod.default;
  if (typeof mod[short] === "function") return mod[short];
  const named = Object.values(mod).filter((v) => typeof v === "function" && v.name === short);
  if (named.length === 1) return named[0];
  throw new Error("expected file " + file + " to define constant " + constant + ", but didn't " +
    "(export default class " + short + " ..., or `class " + short + "` in a .rb file)");
}

// Where each kind of file of the app at root is (nothing is imported).
export function discover(root) {
  root = String(root).replace(/\/+$/, "");
  const channels = listSources(root + "/app/channels", ["application_cable"]).filter((s) => /_channel$/.test(s.name));
  return {
    root,
    entry: ["app.js", "index.js"].map((n) => root + "/" + n).find(isFile) || null,
    routes: findFile(root, "config/routes"),
    models: listSources(root + "/app/models", ["concerns"]),
    controllers: listSources(root + "/app/controllers", ["concerns"]).filter((s) => /_controller$/.test(s.name)),
    helpers: listSources(root + "/app/helpers"),
    channels,
    connection: findFile(root, "app/channels/application_cable/connection"),
    seeds: findFile(root, "db/seeds"),
  };
}

function isAbstract(cls) { return Object.prototype.hasOwnProperty.call(cls, "abstractClass") && cls.abstractClass; }

// Imports the app's models and registers them (what the console and db tasks need): [classes].
export async function loadModels(root, found) {
  found = found || discover(root);
  const out = [];
  for (const s of found.models) {
    const cls = definedClass(await import(s.file), s.file, constantName(s.name));
    if (typeof cls.register !== "function" || isAbstract(cls) || s.name === "application_record") continue;
    cls.register();
    out.push(cls);
  }
  return out;
}

// The draw function exported by a routes file (default export, or `routes` / `draw`).
export async function loadRoutes(file) {
  const mod = await import(file);
  const fn = [mod.default, mod.routes, mod.draw].find((f) => typeof f === "function");
  if (!fn) throw new Error("expected file " + file + " to export the routes (export default (r) => { ... })");
  return fn;
}

// Imports every file by convention and returns the options of Application.create.
export async function autoload(root) {
  const found = discover(root);
  if (!found.routes) throw new Error("no app in " + found.root + ": expected config/routes.rb (or config/routes.js), or an app.js");
  const models = await loadModels(found.root, found);
  const helpers = [];
  for (const s of found.helpers) {
    const mod = await import(s.file);
    const short = constantName(s.name).split("::").pop();
    if (mod.default && typeof mod.default === "object") helpers.push(mod.default);
    else if (mod[short] && typeof mod[short] === "object") helpers.push(mod[short]);
    else { const h = Object.assign({}, mod); delete h.default; helpers.push(h); }
  }
  const controllers = {};
  for (const s of found.controllers) {
    const cls = definedClass(await import(s.file), s.file, constantName(s.name));
    controllers[s.name.replace(/_controller$/, "")] = cls;
  }
  const channels = {};
  for (const s of found.channels) channels[constantName(s.name)] = definedClass(await import(s.file), s.file, constantName(s.name));
  const connection = found.connection ? definedClass(await import(found.connection), found.connection, "ApplicationCable::Connection") : null;
  const routes = await loadRoutes(found.routes);
  return { root: found.root, models, helpers, controllers, channels, connection, routes };
}

// The app at root: its app.js (or index.js) default export when there is one, else the
// Application built by convention. Resolves to the object whose fetch(request, env) serves it.
export async function loadApp(root) {
  const found = discover(root);
  if (found.entry) return (await import(found.entry)).default;
  return Application.create(await autoload(found.root));
}
