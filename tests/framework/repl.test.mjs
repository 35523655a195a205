// The console's line rewriting (lib/quickrail/cli/repl.js): top-level const/let/class become
// global bindings; strings, comments and nested blocks are untouched.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot } from "./support.mjs";

let globalize;
before(async () => {
  await boot();
  ({ globalize } = await import("../../lib/quickrail/cli/repl.js"));
});

describe("console: globalize", () => {
  it("turns top-level declarations into var bindings", () => {
    assert.equal(globalize("const a = 1; let b = 2"), "var a = 1; var b = 2");
    assert.equal(globalize("let { x, y } = o"), "var { x, y } = o");
    assert.equal(globalize("  const [p] = list"), "  var [p] = list");
    assert.equal(globalize("class A extends B {}"), "var A = class A extends B {}");
    assert.equal(globalize("if (x) { a() } const z = 3"), "if (x) { a() } var z = 3");
  });
  it("leaves strings, comments, nested blocks and other words alone", () => {
    const same = ['"const a = 1"', "`let ${x}`", "// const a", "/* let b = 1 */ 1", "function f() { const a = 1; return a }",
      "for (let i = 0; i < 3; i++) {}", "letter + constant", "let", "x = { let: 1 }"];
    for (const s of same) assert.equal(globalize(s), s);
  });
  it("the rewritten line keeps its bindings across indirect evals", () => {
    (0, eval)(globalize("const replKept = 41; class ReplKlass { v() { return replKept + 1 } }"));
    assert.equal((0, eval)("new ReplKlass().v()"), 42);
  });
});
