// host.js — the framework's one door to the runtime it runs on. Every call the framework
// makes into its host goes through here: environment, app folder, files, signed stream
// names, the session HMAC, the native HTML escaper, the line reader, exit, and broadcast.
// The host object is the runtime's `Quickrail` (quickrail's QuickJS runtime installs it from
// the native module quickrail:host in lib/web/quickrail.js; the Node host installs its own
// implementation in lib/node-host/globals.js) and the runtime's `broadcast(stream, content)`.
// Juntos compatibility: a runtime with no `broadcast` but a `Beam.callSync` (Juntos' bridge)
// gets broadcasts as Beam.callSync("__broadcast", stream, html). Imports nothing.
const Q = () => globalThis.Quickrail;

export function available() { return typeof Q() === "object" && Q() !== null; }
export function env() { const q = Q(); return (q && q.env) || {}; }
export function envName() { const e = env(); return e.QUICKRAIL_ENV || e.RAILS_ENV || "development"; }
export function appDir() { const q = Q(); return (q && q.appDir) || "."; }
export function version() { const q = Q(); return (q && q.version) || ""; }
export function workerId() { const q = Q(); return q ? q.workerId : null; }
export function argv() { const q = Q(); return (q && q.argv) || []; }

export function readFile(path) { return Q().readFile(path); }
export function readDir(path) { return Q().readDir(path); }
// stat(path) -> { isFile, isDirectory, size, mtimeMs } | null (also null on a host without files)
export function stat(path) { const q = Q(); return q && q.stat ? q.stat(path) : null; }
export function writeFile(path, text) { return Q().writeFile(path, text); }
export function mkdir(path) { return Q().mkdir(path); }
export function remove(path) { return Q().remove(path); } // a file or an empty directory; false if absent

// Turbo's signed stream name (the name itself when the host cannot sign).
export function signStreamName(name) { const q = Q(); return q && q.signStreamName ? q.signStreamName(name) : name; }
export function hmacSha256Hex(data) { return Q().hmacSha256Hex(data); }
// The host's native escapeHTML(string) -> string | undefined, or null when it has none.
export const nativeEscapeHTML = available() && typeof Q().escapeHTML === "function" ? Q().escapeHTML : null;

// readLine(prompt) -> line | null at EOF; null when the host has no line reader.
export function lineReader() { const q = Q(); return q && typeof q.readLine === "function" ? (p) => q.readLine(p) : null; }
export function canExit() { const q = Q(); return !!(q && typeof q.exit === "function"); }
export function exit(code) { Q().exit(code); }

// Sends content (a string, or a value JSON-encodes) to every subscriber of stream.
export function broadcast(stream, content) {
  if (typeof globalThis.broadcast === "function") globalThis.broadcast(stream, content);
  else if (globalThis.Beam && typeof globalThis.Beam.callSync === "function") globalThis.Beam.callSync("__broadcast", stream, content);
}

// profileEndpoint(name): names the current request for the host's profiler; null when not profiling.
export const profileEndpoint = available() && typeof Q().profileEndpoint === "function" ? Q().profileEndpoint : null;

// The host's Ruby compiler: compileRuby(path, source) -> JS function body, or null when it has none.
// The runtime's cache of compiled templates (bytecode, keyed by name and ERB source), or null.
export const templateCache = available() && typeof Q().templateLoad === "function"
  ? { load: (name, src) => Q().templateLoad(name, src), store: (name, src, params, body) => Q().templateStore(name, src, params, body) }
  : null;
export function rubyCompiler() { const q = Q(); return q && typeof q.compileRuby === "function" ? (p, s) => q.compileRuby(p, s) : null; }
