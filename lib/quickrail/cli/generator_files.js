// cli/generator_files.js — applies a generator plan (cli/generators.js) to the app in the current
// folder: `generate` writes files (never over an existing one unless --force), the migration
// with a fresh timestamp, and route lines; `destroy` removes the same files, the migration(s)
// named like it, and the route lines. Shared by cli/generate.js and cli/destroy.js.
import * as host from "../host.js";
import { appDir, exists, mkdirp } from "./common.js";
import { plan, migrationVersion, addRoutes, removeRoutes, GENERATORS } from "./generators.js";

const USAGE = "usage: quickrail generate|destroy GENERATOR NAME [args] [--force] [--pretend]\n" +
  "  generators: scaffold NAME field:type...   model NAME field:type...   migration AddXToY field:type...\n" +
  "              controller NAME action...     channel NAME [action...]\n" +
  "  field types: string text integer float decimal boolean date datetime references (name:type:index, name:type:uniq)";
function usage(msg) { return Object.assign(new Error(msg + "\n" + USAGE), { usage: true }); }
function say(verb, path) { console.log(verb.padStart(12) + "  " + path); }
function rm(path) { return host.remove(path); }
function dirOf(path) { return path.slice(0, path.lastIndexOf("/")); }
function removeEmptyDirs(root, rel) {
  for (let d = dirOf(rel); d && d !== "app" && d !== "db" && d.includes("/"); d = dirOf(d)) {
    let names = [];
    try { names = host.readDir(root + "/" + d); } catch (e) { return; }
    if (names.length) return;
    rm(root + "/" + d);
    say("remove", d);
  }
}

export function runGenerator(mode, args) {
  const flags = args.filter((a) => a.startsWith("-"));
  const rest = args.filter((a) => !a.startsWith("-"));
  for (const f of flags) if (!["--force", "-f", "--pretend", "-p"].includes(f)) throw usage("unknown option " + f);
  const force = flags.includes("--force") || flags.includes("-f");
  const pretend = flags.includes("--pretend") || flags.includes("-p");
  const [kind, name, ...fields] = rest;
  if (!kind) throw usage("missing the generator");
  if (!GENERATORS.includes(kind)) throw usage("unknown generator '" + kind + "'");
  if (!name) throw usage("missing the NAME of the " + kind);
  const root = appDir();
  const lang = exists(root + "/config/routes.rb") ? "rb" : exists(root + "/config/routes.js") ? "js" : null;
  if (!lang) throw usage("no app here: run it in an app folder (with config/routes.rb or config/routes.js)");
  const p = plan(kind, name, fields, lang);
  const routesFile = root + "/config/routes." + lang;
  const migDir = root + "/db/migrate";
  const ext = "." + lang;

  if (mode === "generate") {
    for (const rel of Object.keys(p.files)) {
      const file = root + "/" + rel;
      if (exists(file) && !force) {
        if (host.readFile(file) === p.files[rel]) say("identical", rel);
        else say("skip", rel + " (exists; --force to overwrite)");
        continue;
      }
      say(exists(file) ? "force" : "create", rel);
      if (!pretend) { mkdirp(dirOf(file)); host.writeFile(file, p.files[rel]); }
    }
    if (p.migration) {
      const names = exists(migDir) ? host.readDir(migDir) : [];
      const same = names.find((n) => n.replace(/^\d+_/, "").replace(/\.(rb|m?js)$/, "") === p.migration.name);
      if (same) throw new Error("another migration is already named " + p.migration.name + ": db/migrate/" + same);
      const version = migrationVersion(new Date(), names.map((n) => (/^(\d+)_/.exec(n) || [])[1]).filter(Boolean));
      const rel = "db/migrate/" + version + "_" + p.migration.name + ext;
      say("create", rel);
      if (!pretend) { mkdirp(migDir); host.writeFile(root + "/" + rel, p.migration.content); }
    }
    if (p.routes.length && exists(routesFile)) {
      const next = addRoutes(host.readFile(routesFile), p.routes, lang);
      for (const r of p.routes) say("route", r);
      if (next !== null && !pretend) host.writeFile(routesFile, next);
    }
    if (exists(root + "/app.js") && (kind === "scaffold" || kind === "model" || kind === "controller" || kind === "channel")) {
      console.log("\nNote: this app has an app.js, which lists its models, controllers and channels: add the new ones there,\n" +
        "or delete app.js and quickrail loads app/ by Rails' naming.");
    }
    if (p.migration && !pretend) console.log("\nNext: quickrail db:migrate");
    return;
  }

  // destroy
  for (const rel of Object.keys(p.files)) {
    if (rm(root + "/" + rel) || pretend) { say("remove", rel); if (!pretend) removeEmptyDirs(root, rel); }
  }
  if (p.migration && exists(migDir)) {
    for (const n of host.readDir(migDir)) {
      if (n.replace(/^\d+_/, "").replace(/\.(rb|m?js)$/, "") !== p.migration.name) continue;
      say("remove", "db/migrate/" + n);
      if (!pretend) rm(migDir + "/" + n);
    }
  }
  if (p.routes.length && exists(routesFile)) {
    const next = removeRoutes(host.readFile(routesFile), p.routes);
    if (next !== null) { for (const r of p.routes) say("route", "remove " + r); if (!pretend) host.writeFile(routesFile, next); }
  }
}
