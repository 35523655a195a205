// `quickrail run FILE`: exit codes, errors, the event loop of a script, module resolution
// (relative, "quickrail", "quickrail/x", "node:test"/"node:assert"), and where lib/ comes from.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { runScript, tmpDir, BIN, ROOT } from "./helpers.mjs";

function script(src, name = "s.js", dir = tmpDir()) {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, src);
  return file;
}

test("a script that finishes exits 0 after its timers ran", async () => {
  const r = await runScript(script(`
    let n = 0;
    const id = setInterval(() => { if (++n === 3) { clearInterval(id); console.log("ticks", n); } }, 5);
    setTimeout(() => console.log("timeout done"), 30);
  `));
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /ticks 3/);
  assert.match(r.out, /timeout done/);
});
test("an uncaught exception exits 1 and logs message and stack", async () => {
  const r = await runScript(script(`function deep() { throw new RangeError("bad thing"); }\ndeep();`));
  assert.equal(r.code, 1);
  assert.match(r.out, /RangeError: bad thing[\s\S]*at deep/);
});
test("an exception in a timer or an unhandled rejection makes the exit code 1", async () => {
  const a = await runScript(script(`setTimeout(() => { throw new Error("in timer"); }, 1);`));
  assert.equal(a.code, 1);
  assert.match(a.out, /uncaught exception in a timer: Error: in timer/);
  const b = await runScript(script(`Promise.reject(new Error("nobody listens"));`));
  assert.equal(b.code, 1);
  assert.match(b.out, /unhandled promise rejection: Error: nobody listens/);
  const c = await runScript(script(`const p = Promise.reject(new Error("handled later")); p.catch(() => console.log("handled"));`));
  assert.equal(c.code, 0, c.out);
});
test("Quickrail.exit(code) stops the script with that code", async () => {
  const r = await runScript(script(`
    console.log("before");
    setTimeout(() => { Quickrail.exit(7); console.log("after exit"); }, 1);
    setTimeout(() => console.log("never"), 50);
  `));
  assert.equal(r.code, 7, r.out);
  assert.match(r.out, /before/);
  assert.doesNotMatch(r.out, /after exit|never/);
});
test("a syntax error exits 1 and names the file", async () => {
  const r = await runScript(script(`let x = ;`, "broken.js"));
  assert.equal(r.code, 1);
  assert.match(r.out, /SyntaxError[\s\S]*broken\.js/);
});
test("relative imports, index.js directories, JSON-free ES modules", async () => {
  const dir = tmpDir();
  script(`export const a = 1;`, "lib/a.js", dir);
  script(`export { a } from "../a.js"; export const b = 2;`, "lib/sub/index.js", dir);
  const main = script(`import { a, b } from "./lib/sub"; import { a as a2 } from "./lib/a"; console.log("SUM", a + b + a2, import.meta.url.startsWith("file://"));`, "main.js", dir);
  const r = await runScript(main);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /SUM 4 true/);
});
test("a missing import is a clear error", async () => {
  const r = await runScript(script(`import "./nope.js";`));
  assert.equal(r.code, 1);
  assert.match(r.out, /cannot find module '\.\/nope\.js'/);
  const b = await runScript(script(`import "left-pad";`));
  assert.equal(b.code, 1);
  assert.match(b.out, /cannot resolve module 'left-pad'/);
});
test("QUICKRAIL_LIB: \"quickrail\" and \"quickrail/x\" resolve into that lib/", async () => {
  const lib = tmpDir();
  fs.cpSync(path.join(ROOT, "lib/web"), path.join(lib, "web"), { recursive: true });
  script(`export const name = "fake framework"; export { helper } from "./support/helper.js";`, "quickrail/index.js", lib);
  script(`export const helper = () => "helped";`, "quickrail/support/helper.js", lib);
  const r = await runScript(script(`import { name, helper } from "quickrail"; import { helper as h2 } from "quickrail/support/helper";
    console.log("LIB", name, helper(), h2 === helper);`), [], { env: { QUICKRAIL_LIB: lib } });
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /LIB fake framework helped true/);
});
test("node:test and node:assert map to lib/quickrail/testing when it exists", async () => {
  const lib = tmpDir();
  fs.cpSync(path.join(ROOT, "lib/web"), path.join(lib, "web"), { recursive: true });
  const s = script(`import { test } from "node:test"; import assert from "node:assert/strict"; test("x", () => assert.equal(1, 1));`);
  const missing = await runScript(s, [], { env: { QUICKRAIL_LIB: lib } });
  assert.equal(missing.code, 1);
  assert.match(missing.out, /node:test' needs .*quickrail\/testing\/node_test\.js/);
  script(`export function test(name, fn) { fn(); console.log("RAN", name); }`, "quickrail/testing/node_test.js", lib);
  script(`const assert = { equal(a, b) { if (a !== b) throw new Error("neq"); } }; export default assert; export const equal = assert.equal;`, "quickrail/testing/assert.js", lib);
  const ok = await runScript(s, [], { env: { QUICKRAIL_LIB: lib } });
  assert.equal(ok.code, 0, ok.out);
  assert.match(ok.out, /RAN x/);
});
test("without a lib/ on disk the embedded copy is used", async () => {
  const dir = tmpDir();
  const bin = path.join(dir, "bin", "quickrail");
  fs.mkdirSync(path.dirname(bin));
  fs.copyFileSync(BIN, bin);
  fs.chmodSync(bin, 0o755);
  const s = script(`console.log("EMBEDDED", typeof Response, Quickrail.libDir);`);
  const { spawnSync } = await import("node:child_process");
  const env = { ...process.env };
  delete env.QUICKRAIL_LIB;
  const r = spawnSync(bin, ["run", s], { env, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /EMBEDDED function lib$/m);
});
test("compiled modules are cached by content: reused, invalidated by edits, corrupt entries ignored", async () => {
  const cache = tmpDir();
  const dir = tmpDir();
  const dep = script(`export const v = "one";`, "dep.js", dir);
  const main = script(`import { v } from "./dep.js"; console.log("V", v);`, "main.js", dir);
  const env = { QUICKRAIL_CACHE_DIR: cache };
  const a = await runScript(main, [], { env });
  assert.equal(a.code, 0, a.out);
  assert.match(a.out, /V one/);
  const entries = fs.readdirSync(cache).filter((f) => f.endsWith(".qbc"));
  assert.ok(entries.length >= 2, `cache entries: ${entries}`);
  const b = await runScript(main, [], { env });
  assert.match(b.out, /V one/);
  assert.deepEqual(fs.readdirSync(cache).filter((f) => f.endsWith(".qbc")).sort(), entries.sort());
  fs.writeFileSync(dep, `export const v = "two";`);
  const c = await runScript(main, [], { env });
  assert.match(c.out, /V two/);
  for (const f of fs.readdirSync(cache)) fs.writeFileSync(path.join(cache, f), "garbage");
  const d = await runScript(main, [], { env });
  assert.equal(d.code, 0, d.out);
  assert.match(d.out, /V two/);
  const off = await runScript(main, [], { env: { QUICKRAIL_CACHE: "0", QUICKRAIL_CACHE_DIR: tmpDir() } });
  assert.match(off.out, /V two/);
});
test("compiled ERB templates are cached by source: a hit renders the same, an edit or a syntax error is not stale", async () => {
  const cache = tmpDir();
  const dir = tmpDir();
  const tpl = path.join(dir, "t.html.erb");
  fs.writeFileSync(tpl, "<p><%= who %></p>\n<% for (const i of [1, 2]) { %><%= i %><% } %>\n");
  const main = script(`import { compile } from "quickrail/view/erb";
const src = Quickrail.readFile(${JSON.stringify(tpl)});
console.log("HIT", typeof Quickrail.templateLoad("t.html.erb", src));
const h = { __escape: (v) => String(v).replace(/</g, "&lt;"), __raw: String, __templateError: (e, n, l) => { e.message = n + ":" + l + ": " + e.message; return e; } };
try { console.log("OUT", JSON.stringify(compile(src, "t.html.erb")({ who: "<b>" }, {}, { o: [] }, h))); }
catch (e) { console.log("ERR", e.message.split(String.fromCharCode(10))[0]); }`, "main.js", dir);
  const env = { QUICKRAIL_CACHE_DIR: cache };
  const a = await runScript(main, [], { env });
  assert.equal(a.code, 0, a.out);
  assert.match(a.out, /HIT undefined/);
  assert.match(a.out, /OUT "<p>&lt;b><\/p>\\n12"/);
  const b = await runScript(main, [], { env });
  assert.match(b.out, /HIT function/, b.out);
  assert.equal(/OUT .*/.exec(b.out)[0], /OUT .*/.exec(a.out)[0]);
  fs.writeFileSync(tpl, "<i><%= who %></i>\n");
  const c = await runScript(main, [], { env });
  assert.match(c.out, /HIT undefined/);
  assert.match(c.out, /OUT "<i>&lt;b><\/i>/);
  fs.writeFileSync(tpl, "<p>\n<%= who + %>\n");
  for (let i = 0; i < 2; i++) {
    const d = await runScript(main, [], { env });
    assert.match(d.out, /HIT undefined/);
    assert.match(d.out, /ERR template t\.html\.erb:2:1 does not compile/, d.out);
  }
});
