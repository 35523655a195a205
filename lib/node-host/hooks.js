// lib/node-host/hooks.js — Node module resolve hook (runs on the loader thread): "quickrail"
// -> lib/quickrail/index.js, "quickrail/x" -> lib/quickrail/x.js, "bun:sqlite" -> a shim,
// "quickrail:pg" -> lib/node-host/pg.js (no PostgreSQL binding on Node).
const lib = new URL("../quickrail/", import.meta.url);
export async function resolve(specifier, context, next) {
  if (specifier === "quickrail") return { url: new URL("index.js", lib).href, shortCircuit: true };
  if (specifier.startsWith("quickrail/")) {
    let rest = specifier.slice("quickrail/".length);
    if (!rest.endsWith(".js")) rest += ".js";
    return { url: new URL(rest, lib).href, shortCircuit: true };
  }
  if (specifier === "quickrail:pg") return { url: new URL("./pg.js", import.meta.url).href, shortCircuit: true };
  if (specifier === "bun:sqlite") return { url: new URL("./bun_sqlite.js", import.meta.url).href, shortCircuit: true };
  return next(specifier, context);
}
