// lib/node-host/cli.js — the quickrail CLI tasks on Node 20, from an app folder:
//   node lib/node-host/cli.js db:prepare | db:migrate | db:rollback | db:seed | routes | console | new NAME --demo blog-js (the Node host runs JavaScript apps: Ruby ones need quickrail's compiler)
// It installs the same globals as quickrail's runtime and imports lib/quickrail/cli/<task>.js.
import fs from "node:fs";
import path from "node:path";
import { install } from "./globals.js";
import "./register.js";

const args = process.argv.slice(2);
const task = args[0] || "help";
const file = task.startsWith("db:") ? "db" : task;
if (!["db", "routes", "console", "new"].includes(file)) {
  console.error("usage: node lib/node-host/cli.js db:create|db:migrate|db:rollback|db:seed|db:prepare|routes|console|new NAME [--demo blog-js]");
  process.exit(task === "help" ? 0 : 2);
}
const q = install({ appDir: process.cwd(), argv: args });
q.exit = (code) => { process.exitCode = code; };
q.readLine = (prompt) => {
  process.stdout.write(prompt);
  const buf = Buffer.alloc(1);
  let line = "";
  for (;;) {
    let n;
    try { n = fs.readSync(0, buf, 0, 1, null); } catch (e) { if (e.code === "EAGAIN") continue; return null; }
    if (n === 0) return line ? line : null;
    const c = buf.toString("utf8");
    if (c === "\n") return line;
    line += c;
  }
};
await import(path.join(path.dirname(new URL(import.meta.url).pathname), "../quickrail/cli/" + file + ".js"));
