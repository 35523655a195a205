// cli/new.js — `quickrail new NAME [--demo blog|blog-js]`: creates an app folder. Without
// --demo, an empty Ruby app (lib/quickrail/cli/skeleton: routes, a home page, the layout with
// csrf_meta_tags / action_cable_meta_tag / turbo, plus the demo's public/ pages and assets);
// --demo blog copies the Ruby blog (examples/blog-ruby), --demo blog-js the same blog written
// in JavaScript (examples/blog). host.readDir/readFile see the binary's embedded lib/ and
// examples/ files, so this needs nothing but the binary.
import { argv, exists, exit, fail, mkdirp } from "./common.js";
import * as host from "../host.js";

const USAGE = "usage: quickrail new NAME [--demo blog|blog-js]";
const DEMOS = { blog: "examples/blog-ruby", "blog-js": "examples/blog" };
const SKELETON = "lib/quickrail/cli/skeleton";
const SKIP = /(^|\/)(tmp|log|node_modules)(\/|$)|\.sqlite3(-wal|-shm)?$|(^|\/)secret_key_base$/;

// Copies the tree at `from` into `to` (less what `skip` matches); .rb/.erb files go through subst.
function copyTree(from, to, subst, skip = null, rel = "") {
  const src = from + (rel ? "/" + rel : "");
  let count = 0;
  mkdirp(to + (rel ? "/" + rel : ""));
  for (const name of host.readDir(src)) {
    const r = rel ? rel + "/" + name : name;
    if (SKIP.test(r) || (skip && skip.test(r))) continue;
    const st = host.stat(from + "/" + r);
    if (st && st.isDirectory) { count += copyTree(from, to, subst, skip, r); continue; }
    let data = host.readFile(from + "/" + r);
    if (subst && /\.(rb|erb)$/.test(name)) data = subst(String(data));
    host.writeFile(to + "/" + r, data);
    count++;
  }
  return count;
}

class UsageError extends Error {}

function parse() {
  const args = argv().filter((a) => a !== "new");
  let demo = null, name = null;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--demo") { demo = args[++i]; if (!demo) throw new UsageError("--demo needs a name: blog (Ruby) or blog-js (JavaScript)"); }
    else if (a.startsWith("--demo=")) demo = a.slice(7);
    else if (a.startsWith("-")) throw new UsageError("unknown option " + a);
    else if (!name) name = a;
    else throw new UsageError("one app name only (got " + name + " and " + a + ")");
  }
  if (!name) throw new UsageError("the app's folder name is missing");
  if (demo !== null && !DEMOS[demo]) throw new UsageError("no demo named " + demo + " (available: " + Object.keys(DEMOS).join(", ") + ")");
  return { name, demo };
}

// "my_app" / "my-app" -> "MyApp" (the title of the skeleton's layout, as `rails new` names it)
function title(name) { return name.split("/").pop().replace(/(^|[-_\s]+)([a-z\d])/gi, (_, s, c) => c.toUpperCase()); }

function main() {
  const { name, demo } = parse();
  if (exists(name)) throw new UsageError(name + " already exists: choose another name, or remove it first");
  if (demo) {
    const n = copyTree(DEMOS[demo], name, null);
    console.log("created " + name + " from the " + demo + " demo (" + n + " files)");
  } else {
    const t = title(name);
    let n = copyTree(SKELETON, name, (s) => s.replace(/__TITLE__/g, t));
    // the error pages, favicon and turbo.js (Turbo + the Action Cable client) of the demo; not
    // its Tailwind CSS, which holds only the classes the blog uses
    n += copyTree(DEMOS.blog + "/public", name + "/public", null, /^assets\/application\.css$/);
    console.log("created " + name + " (" + n + " files)");
  }
  console.log("\n  cd " + name + "\n  quickrail db:prepare\n  quickrail up\n");
}

try { main(); exit(0); } catch (e) {
  if (e instanceof UsageError) { console.error("quickrail new: " + e.message + "\n" + USAGE); exit(2); } else fail(e);
}
