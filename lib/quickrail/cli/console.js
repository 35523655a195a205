// cli/console.js — `quickrail console`: the app's models as globals and a read-eval-print loop.
// Needs a line reader from the host (readLine(prompt) -> string | null at EOF);
// the Node host provides one through lib/node-host/cli.js.
import { appDir, loadModels, exit, fail } from "./common.js";
import * as framework from "quickrail";
import * as host from "../host.js";
import { globalize, HELP } from "./repl.js";

function show(v) {
  if (v && typeof v.inspect === "function") return v.inspect();
  if (v && typeof v.toArray === "function") return "[" + v.toArray().map(show).join(", ") + "]";
  if (Array.isArray(v)) return "[" + v.map(show).join(", ") + "]";
  if (typeof v === "string") return JSON.stringify(v);
  try { return v === undefined ? "undefined" : JSON.stringify(v) || String(v); } catch (e) { return String(v); }
}

async function main() {
  const models = await loadModels();
  for (const m of models) globalThis[m.name] = m;
  globalThis.quickrail = framework;
  const env = host.env().QUICKRAIL_ENV || "development";
  console.log("Loading " + env + " environment (quickrail " + host.version() + ")");
  console.log("Models: " + (models.map((m) => m.name).join(", ") || "(none)") + ". Try: " + (models[0] ? models[0].name + ".count()" : "1 + 1"));
  const readLine = host.lineReader();
  if (!readLine) {
    console.error("quickrail console: this runtime has no line reader (Quickrail.readLine)");
    return 1;
  }
  for (;;) {
    const line = readLine(appDir().split("/").pop() + "(" + env + ")> ");
    if (line === null || line === undefined) break;
    if (!line.trim()) continue;
    const cmd = line.trim();
    if (cmd === "exit" || cmd === "quit" || cmd === ".exit") break;
    if (cmd === "help" || cmd === ".help") { console.log(HELP); continue; }
    try {
      let v = (0, eval)(globalize(line));
      if (v && typeof v.then === "function") v = await v;
      console.log("=> " + show(v));
    } catch (e) { console.log(e && e.name ? e.name + ": " + e.message : String(e)); }
  }
  return 0;
}
main().then((code) => exit(code || 0), fail);
