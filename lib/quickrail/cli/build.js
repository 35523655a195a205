// cli/build.js — `quickrail build [DIR] [--out OUT]`: compiles every Ruby file of the app in DIR
// (default: the current folder) — app/**/*.rb, *.erb and *.jbuilder under app/views,
// config/routes.rb, db/migrate/*.rb, db/seeds.rb — with the same compiler the server uses at boot
// (Quickrail.compileRuby), and writes the JavaScript under OUT (default DIR/tmp/quickrail-build)
// at the same relative paths plus ".js". Line N of each output is line N of its Ruby source (the
// line table is the identity). Prints the count and the compile time; the first compile error
// prints path:line:col, the source line, a caret and the hint, and exits 1.
import { argv, appDir, exists, mkdirp, exit, fail } from "./common.js";
import * as host from "../host.js";

function isDir(p) { const s = host.stat(p); return !!(s && s.isDirectory); }

function usage(msg) {
  console.error("quickrail build: " + msg + "\nUsage: quickrail build [DIR] [--out OUT]   (compiles the app's Ruby to JavaScript under OUT, default DIR/tmp/quickrail-build)");
  exit(2);
}

// The app-relative paths of every Ruby source in root, in a stable order.
export function rubySources(root) {
  const out = [];
  const walk = (rel, test) => {
    const full = root + "/" + rel;
    if (!isDir(full)) return;
    for (const n of host.readDir(full).slice().sort()) {
      const p = rel + "/" + n;
      const st = host.stat(root + "/" + p);
      if (st && st.isDirectory) walk(p, test);
      else if (test(p)) out.push(p);
    }
  };
  // app/jobs and app/mailers are Rails pieces quickrail does not run: not compiled, no error
  walk("app", (p) => !/^app\/(jobs|mailers|assets|javascript)\//.test(p) && (/\.rb$/.test(p) || (/^app\/views\//.test(p) && /\.(erb|jbuilder)$/.test(p))));
  if (exists(root + "/config/routes.rb")) out.push("config/routes.rb");
  walk("db/migrate", (p) => /\.rb$/.test(p));
  if (exists(root + "/db/seeds.rb")) out.push("db/seeds.rb");
  return out;
}

function main() {
  const args = argv();
  if (args[0] === "build") args.shift();
  let dir = null, outDir = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--out" || a === "-o") { if (!args[i + 1]) return usage("--out needs a folder"); outDir = args[++i]; }
    else if (a.startsWith("-")) return usage("unknown option " + a);
    else if (dir === null) dir = a;
    else return usage("one app folder at most (got " + dir + " and " + a + ")");
  }
  let root = dir === null ? appDir() : (dir.startsWith("/") ? dir : appDir() + "/" + dir);
  root = root.replace(/\/+$/, "");
  if (!isDir(root)) return usage("no such folder: " + root);
  const files = rubySources(root);
  if (!files.length) return usage(root + " has no Ruby sources (app/**/*.rb, config/routes.rb, db/migrate/*.rb)");
  const out = outDir ? (outDir.startsWith("/") ? outDir : appDir() + "/" + outDir) : root + "/tmp/quickrail-build";
  let lines = 0;
  const compileRuby = host.rubyCompiler();
  if (!compileRuby) { console.error("quickrail build: this runtime has no Ruby compiler (Quickrail.compileRuby)"); return exit(1); }
  const sources = files.map((rel) => host.readFile(root + "/" + rel));
  const compiled = [];
  const t0 = Date.now();
  for (let i = 0; i < files.length; i++) {
    // templates are named as the renderer names them (app-relative: errors say
    // app/views/articles/index.html.erb); modules by their full path (their imports resolve from it)
    const name = /^app\/views\//.test(files[i]) ? files[i] : root + "/" + files[i];
    try { compiled.push(compileRuby(name, sources[i])); } catch (e) {
      console.error(e.message);
      exit(1);
      return;
    }
  }
  const ms = Date.now() - t0;
  for (let i = 0; i < files.length; i++) {
    lines += sources[i].split("\n").length;
    const target = out + "/" + files[i] + ".js";
    mkdirp(target.slice(0, target.lastIndexOf("/")));
    host.writeFile(target, compiled[i]);
  }
  console.log("Compiled " + files.length + " Ruby files (" + lines + " lines) in " + ms + " ms into " + out);
}
try { main(); } catch (e) { fail(e); }
