// cli/common.js — shared pieces of the CLI tasks (run by `quickrail <task>` through
// qr_js_host_run_script, or by lib/node-host/cli.js on Node): arguments, the app folder,
// loading the app's models (what Rails' eager loading does for rake tasks).
import * as host from "../host.js";
import { loadModels as autoloadModels } from "quickrail";
export function argv() {
  const a = host.argv();
  return Array.from(a).map(String);
}
export function appDir() { return String(host.appDir()).replace(/\/+$/, ""); }
export function exists(p) { return !!host.stat(p); }
// The app's models, found and registered by convention (autoload.js: .rb, else .js).
export function loadModels() { return autoloadModels(appDir()); }
// Sets the exit status: quickrail's host exit() unwinds the runtime at once, so it is
// called (from a timer, outside any promise chain) only for failures; success just ends.
export function exit(code) {
  if (!code) return;
  if (host.canExit()) setTimeout(() => host.exit(code), 0);
  else if (typeof process !== "undefined") process.exitCode = code;
}
export function fail(e) {
  console.error("quickrail: " + (e && e.message ? e.message : e));
  if (e && e.stack && /QUICKRAIL_TRACE/.test(JSON.stringify(Object.keys(host.env())))) console.error(e.stack);
  exit(1);
}
// mkdir -p with the host's single-level mkdir
export function mkdirp(dir) {
  const parts = String(dir).split("/");
  let cur = "";
  for (let i = 0; i < parts.length; i++) {
    cur = i === 0 ? parts[0] : cur + "/" + parts[i];
    if (!cur || cur === ".") continue;
    if (!exists(cur)) host.mkdir(cur);
  }
}
