// cli/generate.js — `quickrail generate` (alias g) KIND NAME [args] [--force] [--pretend], as
// `rails generate`: writes the plan of cli/generators.js into the app in the current folder
// (Ruby when it has config/routes.rb, else JavaScript), never overwriting a file unless --force,
// and adds the route lines. Prints one Rails-style line per file ("create  app/models/x.rb").
import { argv, exit, fail } from "./common.js";
import { runGenerator } from "./generator_files.js";

try { runGenerator("generate", argv().filter((a, i) => !(i === 0 && (a === "generate" || a === "g")))); exit(0); } catch (e) { if (e && e.usage) { console.error("quickrail: " + e.message); exit(2); } else fail(e); }
