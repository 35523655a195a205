// What compiled Ruby calls in the framework and Rails apps rely on (docs/ruby.md, "The framework
// side"): Rails 8's params.expect, and the Rails behaviours of view helpers a scaffold uses.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot } from "./support.mjs";

let q;
before(async () => { ({ q } = await boot()); });

describe("params.expect (Rails 8)", () => {
  const params = () => new q.Parameters({ id: "12", article: { title: "T", body: "B", admin: "1" }, name: { first: "x" }, tags: ["a"] });

  it("a scalar key returns the value", () => {
    assert.equal(params().expect("id"), "12");
  });

  it("a hash filter is require + permit", () => {
    const p = params().expect({ article: ["title", "body"] });
    assert.deepEqual(p.toObject(), { title: "T", body: "B" });
    assert.equal(p.isPermitted(), true);
  });

  it("several filters return an array", () => {
    const [id, a] = params().expect("id", { article: ["title"] });
    assert.equal(id, "12");
    assert.deepEqual(a.toObject(), { title: "T" });
  });

  it("a missing key, the wrong shape or nothing permitted is ParameterMissing (400)", () => {
    for (const f of ["nope", "article", { id: ["x"] }, { nope: ["x"] }, { article: ["missing"] }]) {
      assert.throws(() => params().expect(f), (e) => e instanceof q.ParameterMissing && e.status === 400, JSON.stringify(f));
    }
  });
});
