// cli/destroy.js — `quickrail destroy` (alias d) KIND NAME [args]: removes what
// `quickrail generate KIND NAME` made (its files, its migration, its route lines), as
// `rails destroy` does. Prints one line per file ("remove  app/models/x.rb").
import { argv, exit, fail } from "./common.js";
import { runGenerator } from "./generator_files.js";

try { runGenerator("destroy", argv().filter((a, i) => !(i === 0 && (a === "destroy" || a === "d")))); exit(0); } catch (e) { if (e && e.usage) { console.error("quickrail: " + e.message); exit(2); } else fail(e); }
