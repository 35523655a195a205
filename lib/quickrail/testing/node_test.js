// testing/node_test.js — the subset of node:test that quickrail's test files use, so the same
// *.test.mjs files run under Node (`node --test`) and inside QuickJS (`quickrail run FILE`,
// which maps "node:test" here and "node:assert"/"node:assert/strict" to ./assert.js).
// describe/it/test (nested, async, { skip, todo }), before/after/beforeEach/afterEach,
// t.test subtests, t.skip(). Output is TAP with node's "# pass N" / "# fail N" summary lines.
// Tests run in declaration order, one at a time, once the test file's module has evaluated.
import * as host from "../host.js";
const root = { name: "<root>", children: [], before: [], after: [], beforeEach: [], afterEach: [], parent: null };
let current = root;
let scheduled = false;
const counts = { pass: 0, fail: 0, skip: 0, todo: 0, tests: 0 };
const t0 = Date.now();

function schedule() {
  if (scheduled) return;
  scheduled = true;
  Promise.resolve().then(() => Promise.resolve()).then(run);
}
function add(kind, name, opts, fn) {
  if (typeof name === "function") { fn = name; opts = {}; name = fn.name || "<anonymous>"; }
  else if (typeof opts === "function") { fn = opts; opts = {}; }
  opts = opts || {};
  const node = { kind, name: String(name), fn, opts, children: [], before: [], after: [], beforeEach: [], afterEach: [], parent: current };
  current.children.push(node);
  if (kind === "suite") {
    const prev = current; current = node;
    try { if (fn) fn(); } finally { current = prev; }
  }
  schedule();
  return Promise.resolve();
}
export function describe(name, opts, fn) { return add("suite", name, opts, fn); }
export function it(name, opts, fn) { return add("test", name, opts, fn); }
export function test(name, opts, fn) { return add("test", name, opts, fn); }
describe.skip = (n, o, f) => describe(n, Object.assign({}, typeof o === "object" ? o : {}, { skip: true }), typeof o === "function" ? o : f);
it.skip = (n, o, f) => it(n, Object.assign({}, typeof o === "object" ? o : {}, { skip: true }), typeof o === "function" ? o : f);
test.skip = it.skip;
it.todo = (n) => it(n, { todo: true }, () => {});
test.todo = it.todo;
export const suite = describe;
export function before(fn) { current.before.push(fn); schedule(); }
export function after(fn) { current.after.push(fn); schedule(); }
export function beforeEach(fn) { current.beforeEach.push(fn); schedule(); }
export function afterEach(fn) { current.afterEach.push(fn); schedule(); }

function print(s) { console.log(s); }
function indent(d) { return "    ".repeat(d); }
function errText(e) {
  if (!e) return String(e);
  let s = (e.name || "Error") + ": " + e.message;
  if (e.actual !== undefined || e.expected !== undefined) {
    try { s += "\n  actual: " + show(e.actual) + "\n  expected: " + show(e.expected); } catch (x) { /* unprintable */ }
  }
  if (e.stack) s += "\n" + String(e.stack);
  return s;
}
function show(v) { try { return typeof v === "string" ? JSON.stringify(v) : JSON.stringify(v) || String(v); } catch (e) { return String(v); } }
function hooksUp(node, kind) { const out = []; for (let n = node; n; n = n.parent) out.unshift(...n[kind]); return out; }
function hooksDown(node, kind) { const out = []; for (let n = node; n; n = n.parent) out.push(...n[kind]); return out; }

async function callWithTimeout(fn, ctx, ms) {
  let timer;
  const r = fn.length >= 2
    ? new Promise((resolve, reject) => { fn.call(ctx, ctx, (err) => (err ? reject(err) : resolve())); })
    : Promise.resolve().then(() => fn.call(ctx, ctx));
  if (!ms) return r;
  return Promise.race([r, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error("test timed out after " + ms + " ms")), ms); })]).finally(() => clearTimeout(timer));
}

class TestContext {
  constructor(node, depth) { this.node = node; this.name = node.name; this.depth = depth; this.subtests = []; this.skipped = false; }
  test(name, opts, fn) {
    if (typeof opts === "function") { fn = opts; opts = {}; }
    const node = { kind: "test", name, fn, opts: opts || {}, children: [], before: [], after: [], beforeEach: [], afterEach: [], parent: this.node };
    const p = runTest(node, this.depth + 1, this.subtests.length + 1);
    this.subtests.push(p);
    return p;
  }
  skip() { this.skipped = true; }
  todo() { this.skipped = true; }
  diagnostic(msg) { print(indent(this.depth) + "# " + msg); }
}

async function runTest(node, depth, index) {
  const pad = indent(depth);
  if (node.opts.skip || node.opts.todo) {
    counts.tests++; counts[node.opts.todo ? "todo" : "skip"]++;
    print(pad + "ok " + index + " - " + node.name + " # " + (node.opts.todo ? "TODO" : "SKIP"));
    return true;
  }
  const ctx = new TestContext(node, depth);
  let error = null;
  const started = Date.now();
  try {
    for (const h of hooksUp(node.parent, "beforeEach")) await callWithTimeout(h, ctx, 0);
    await callWithTimeout(node.fn, ctx, node.opts.timeout || 0);
    const subs = await Promise.all(ctx.subtests);
    if (subs.some((ok) => !ok)) error = new Error(subs.filter((ok) => !ok).length + " subtest(s) failed");
  } catch (e) { error = e; }
  try { for (const h of hooksDown(node.parent, "afterEach")) await callWithTimeout(h, ctx, 0); } catch (e) { error = error || e; }
  counts.tests++;
  if (error) {
    counts.fail++;
    print(pad + "not ok " + index + " - " + node.name);
    print(pad + "  ---\n" + pad + "  duration_ms: " + (Date.now() - started) + "\n" + errText(error).split("\n").map((l) => pad + "  # " + l).join("\n") + "\n" + pad + "  ...");
    return false;
  }
  if (ctx.skipped) counts.skip++; else counts.pass++;
  print(pad + "ok " + index + " - " + node.name + (ctx.skipped ? " # SKIP" : ""));
  return true;
}

async function runSuite(node, depth, index) {
  const pad = indent(depth);
  if (node !== root) print(pad + "# Subtest: " + node.name);
  if (node.opts && node.opts.skip) { print(pad + "ok " + index + " - " + node.name + " # SKIP"); counts.skip++; return true; }
  let ok = true;
  try {
    for (const h of node.before) await callWithTimeout(h, {}, 0);
    let i = 0;
    for (const child of node.children) {
      i++;
      const r = child.kind === "suite" ? await runSuite(child, node === root ? 0 : depth + 1, i) : await runTest(child, node === root ? 0 : depth + 1, i);
      ok = ok && r;
    }
  } catch (e) {
    ok = false; counts.fail++;
    print(pad + "not ok - " + node.name + " (hook failed)\n" + errText(e).split("\n").map((l) => pad + "  # " + l).join("\n"));
  }
  try { for (const h of node.after) await callWithTimeout(h, {}, 0); } catch (e) { ok = false; counts.fail++; print(pad + "# after hook failed: " + errText(e)); }
  if (node !== root) print(pad + (ok ? "ok " : "not ok ") + index + " - " + node.name);
  return ok;
}

async function run() {
  print("TAP version 13");
  await runSuite(root, 0, 0);
  print("1.." + root.children.length);
  print("# tests " + counts.tests);
  print("# suites " + root.children.filter((c) => c.kind === "suite").length);
  print("# pass " + counts.pass);
  print("# fail " + counts.fail);
  print("# cancelled 0");
  print("# skipped " + counts.skip);
  print("# todo " + counts.todo);
  print("# duration_ms " + (Date.now() - t0));
  const code = counts.fail ? 1 : 0;
  // quickrail's exit() unwinds the runtime; call it from a timer, and only when it matters.
  if (host.canExit()) { if (code) setTimeout(() => host.exit(code), 0); }
  else if (typeof process !== "undefined") process.exitCode = code;
}

export default test;
