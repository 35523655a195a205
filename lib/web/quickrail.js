// lib/web/quickrail.js — globalThis.Quickrail (the host object of js_host.h) and broadcast():
// the two globals the runtime installs for apps and the framework (lib/quickrail/host.js).
import * as host from "quickrail:host";

const env = host.env();
let appDirOverride = null;

const Quickrail = {
  version: host.version(),
  env,
  get appDir() { return appDirOverride ?? host.appDir(); },
  set appDir(dir) { appDirOverride = dir == null ? null : String(dir); }, // scripts and tests may point it elsewhere
  get workerId() { return host.workerId(); },
  get argv() { return host.argv(); },
  get environment() { return host.envName(); },
  get libDir() { return host.libDir(); },
  get isScript() { return host.isScript(); },
  readFile: (path) => host.readFile(String(path)),
  readDir: (path) => host.readDir(String(path)),
  stat: (path) => host.stat(String(path)),
  writeFile: (path, data) => host.writeFile(String(path), typeof data === "string" || ArrayBuffer.isView(data) || data instanceof ArrayBuffer ? data : String(data)),
  mkdir: (path) => host.mkdir(String(path)),
  remove: (path) => host.remove(String(path)), // a file or an empty directory; false if absent
  signStreamName: (name) => host.signStreamName(String(name)),
  verifyStreamName: (token) => host.verifyStreamName(String(token)),
  hmacSha256Hex: (data) => host.hmacSha256Hex(typeof data === "string" || ArrayBuffer.isView(data) ? data : String(data)),
  // escapeHTML(string): & < > " ' as entities, natively (undefined for a non-string or a lone surrogate)
  escapeHTML: host.escapeHTML,
  // compileRuby(path, source): the JS a Ruby file / Ruby-ERB template compiles to (SyntaxError with path:line:col)
  compileRuby: (path, source) => host.compileRuby(String(path), String(source)),
  // templateLoad(name, source) -> a compiled template function from the bytecode cache, or undefined;
  // templateStore(name, source, params, body) -> new Function(params, body), its bytecode cached
  templateLoad: (name, source) => host.templateLoad(String(name), String(source)),
  templateStore: (name, source, params, body) => host.templateStore(String(name), String(source), String(params), String(body)),
  exit: (code = 0) => host.exit(code),
  crash: () => host.crash(),
  gc: () => host.gc(),
  readLine: (prompt) => host.readLine(prompt === undefined ? undefined : String(prompt)),
};
// profileEndpoint(name): names the current request's endpoint for the profiler; present only
// while profiling (QUICKRAIL_PROFILE=1), so the framework's check costs nothing otherwise.
if (host.profiling()) Quickrail.profileEndpoint = (name) => host.profileEndpoint(String(name));
Object.defineProperty(globalThis, "Quickrail", { value: Quickrail, writable: false, configurable: false, enumerable: false });

function broadcast(stream, content) {
  host.broadcast(String(stream), content);
}
globalThis.broadcast = broadcast;
