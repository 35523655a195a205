// cli/new.js — `quickrail new NAME [--demo blog]`: creates an app folder. With --demo blog it
// copies the embedded examples/blog (the host's readDir/readFile see the binary's embedded
// lib/ and examples/ files); without it, a minimal app skeleton.
import { argv, exists, exit, fail, mkdirp } from "./common.js";
import * as host from "../host.js";

const SKIP = /(^|\/)(tmp|log|node_modules)(\/|$)|\.sqlite3(-wal|-shm)?$|(^|\/)secret_key_base$/;

function copyTree(from, to, rel = "") {
  const src = from + (rel ? "/" + rel : "");
  let count = 0;
  mkdirp(to + (rel ? "/" + rel : ""));
  for (const name of host.readDir(src)) {
    const r = rel ? rel + "/" + name : name;
    if (SKIP.test(r)) continue;
    const st = host.stat(from + "/" + r);
    if (st && st.isDirectory) count += copyTree(from, to, r);
    else { host.writeFile(to + "/" + r, host.readFile(from + "/" + r)); count++; }
  }
  return count;
}

const skeleton = {
  "app.js": 'import { Application } from "quickrail";\nimport routes from "./config/routes.js";\nimport HomeController from "./app/controllers/home_controller.js";\n\nexport default Application.create({ models: [], controllers: [HomeController], routes });\n',
  "config/routes.js": 'export default (r) => {\n  r.root("home#index");\n};\n',
  "app/controllers/application_controller.js": 'import { Controller } from "quickrail";\n\nexport default class ApplicationController extends Controller {}\n',
  "app/controllers/home_controller.js": 'import ApplicationController from "./application_controller.js";\n\nexport default class HomeController extends ApplicationController {\n  index() { this.greeting = "Hello from quickrail"; }\n}\n',
  "app/views/layouts/application.html.erb": '<!DOCTYPE html>\n<html>\n  <head>\n    <title>__NAME__</title>\n    <%= csrfMetaTags() %>\n    <%= actionCableMetaTag() %>\n  </head>\n  <body>\n    <%= yield %>\n  </body>\n</html>\n',
  "app/views/home/index.html.erb": "<h1><%= greeting %></h1>\n<p>Edit app/views/home/index.html.erb, or add models in app/models and migrations in db/migrate.</p>\n",
  "app/models/.keep": "", "db/migrate/.keep": "", "public/.keep": "",
  "db/seeds.js": "// quickrail db:seed\nexport default function seed() {}\n",
};

function main() {
  const args = argv().filter((a) => a !== "new");
  let demo = null, name = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--demo") demo = args[++i];
    else if (args[i].startsWith("--demo=")) demo = args[i].slice(7);
    else if (args[i].startsWith("-")) throw new Error("unknown option " + args[i] + " (usage: quickrail new NAME [--demo blog])");
    else if (!name) name = args[i];
  }
  if (!name) throw new Error("usage: quickrail new NAME [--demo blog]");
  if (exists(name)) throw new Error(name + " already exists");
  if (demo) {
    const from = "examples/" + demo;
    if (!exists(from)) throw new Error("no demo named " + demo + " (available: blog)");
    const n = copyTree(from, name);
    console.log("created " + name + " from the " + demo + " demo (" + n + " files)");
  } else {
    for (const rel of Object.keys(skeleton)) {
      const dir = rel.includes("/") ? name + "/" + rel.slice(0, rel.lastIndexOf("/")) : name;
      mkdirp(dir);
      host.writeFile(name + "/" + rel, skeleton[rel].replace(/__NAME__/g, name));
    }
    console.log("created " + name);
  }
  console.log("\n  cd " + name + "\n  quickrail db:prepare\n  quickrail up\n");
}
try { main(); exit(0); } catch (e) { fail(e); }
