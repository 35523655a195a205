// lib/quickrail/ruby: the Ruby core semantics compiled Ruby calls where Ruby and JS differ
// (truthiness, to_s of nil, blank?/present?, integer division, <<, indexing, ranges in case/when,
// ActiveSupport durations, session/flash []=, template locals and error lines).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as rb from "../../lib/quickrail/ruby/index.js";

describe("Ruby core semantics for compiled Ruby", () => {
  it("only nil and false are false; to_s of nil is empty", () => {
    for (const v of [0, "", [], {}]) assert.equal(rb.t(v), true);
    for (const v of [null, undefined, false]) assert.equal(rb.t(v), false);
    assert.equal(rb.s(null), "");
    assert.equal(rb.s(12), "12");
  });
  it("blank?/present?/presence/empty?/any? follow ActiveSupport", () => {
    assert.equal(rb.blank("  \n"), true);
    assert.equal(rb.blank(0), false);
    assert.equal(rb.present([1]), true);
    assert.equal(rb.presence(""), null);
    assert.equal(rb.empty({}), true);
    assert.equal(rb.any([null, false]), false);
    assert.equal(rb.any({ any: () => true }), true);
  });
  it("integer division and modulo truncate/floor as Ruby does", () => {
    assert.equal(rb.div(7, 2), 3);
    assert.equal(rb.div(-7, 2), -4);
    assert.equal(rb.div(7.5, 2), 3.75); // (a Float holding a whole number divides as an Integer: JS has one number type)
    assert.equal(rb.mod(-7, 3), 2);
    assert.equal(rb.mod("%05.1f|%s", [3.14159, "x"]), "003.1|x");
    assert.throws(() => rb.div(1, 0), /divided by 0/);
  });
  it("indexing: negative indices, missing keys are nil, session/flash-like objects use get/set", () => {
    assert.equal(rb.idx([1, 2, 3], -1), 3);
    assert.equal(rb.idx([1, 2, 3], 7), null);
    assert.equal(rb.idx({ a: 1 }, "b"), null);
    class Store { constructor() { this.data = {}; } get(k) { return this.data[k]; } set(k, v) { this.data[k] = v; } get notice() { return this.data.notice; } }
    const store = new Store();
    rb.idxSet(store, "notice", "saved");
    assert.equal(rb.idx(store, "notice"), "saved");
    assert.equal(rb.idx(store, "user_id"), null);
  });
  it("<< appends to strings (returned) and arrays (in place)", () => {
    assert.equal(rb.shl("a", null), "a");
    const a = [1];
    assert.equal(rb.shl(a, 2), a);
    assert.deepEqual(a, [1, 2]);
  });
  it("case/when: ranges, classes, regexps and values", () => {
    assert.equal(rb.caseEq(rb.range(3, 10, false), 4), true);
    assert.equal(rb.caseEq(rb.range(3, 10, true), 10), false);
    assert.equal(rb.caseEq(String, "x"), true);
    assert.equal(rb.caseEq(/^a/, "abc"), true);
    assert.equal(rb.caseEq("a", "a"), true);
  });
  it("==: records by equals(), arrays and hashes by value", () => {
    assert.equal(rb.eq({ equals: (o) => o === 1 }, 1), true);
    assert.equal(rb.eq([1, { a: 2 }], [1, { a: 2 }]), true);
    assert.equal(rb.eq(null, undefined), true);
  });
  it("methods on plain values through g/call: size, first, upcase, join, durations", () => {
    assert.equal(rb.g([1, 2], "size"), 2);
    assert.equal(rb.g("abc", "upcase"), "ABC");
    assert.equal(rb.call([1, 2], "join", "-"), "1-2");
    assert.equal(rb.g({ title: null }, "title"), null);
    assert.throws(() => rb.g(null, "title"), /undefined method 'title' for nil/);
    const before = Date.now();
    const t = rb.g(rb.g(2, "days"), "ago");
    assert.ok(Math.abs(before - 2 * 864e5 - t.getTime()) < 1000);
    assert.ok(rb.g(rb.g(5, "minutes"), "fromNow").getTime() > before);
  });
  it("titleize, humanize, Integer()", () => {
    assert.equal(rb.titleize("hello_world"), "Hello World");
    assert.equal(rb.humanize("author_id"), "Author");
    assert.equal(rb.toInteger("42"), 42);
    assert.throws(() => rb.toInteger("4x"), /invalid value for Integer/);
  });
  it("template locals fall back to helpers; template errors give the template line", () => {
    const helpers = { notice: () => "from helper", newArticlePath: () => "/articles/new" };
    assert.equal(rb.lv({ notice: null }, helpers, "notice"), null);
    assert.equal(rb.lv({}, helpers, "notice"), "from helper");
    assert.equal(rb.lv({}, helpers, "new_article_path", "newArticlePath"), "/articles/new");
    assert.throws(() => rb.lv({}, helpers, "nope"), /undefined local variable or method 'nope'/);
    assert.equal(rb.tplLine({ stack: "    at anonymous (<input>:9)\n" }), 7);
    assert.equal(rb.tplLine({ stack: "at eval (eval at x, <anonymous>:4:3)" }), 2);
  });
});

describe("ActiveSupport-style formatting for compiled Ruby", () => {
  it("strftime, date parts and to_sentence", () => {
    const d = new Date(Date.UTC(2026, 11, 1, 21, 5, 9));
    assert.equal(rb.strftime(d, "%B %-d, %Y %H:%M:%S %p %a %b %e|%j"), "December 1, 2026 21:05:09 PM Tue Dec  1|335");
    assert.equal(rb.g(d, "year"), 2026);
    assert.equal(rb.call(["a", "b", "c"], "toSentence"), "a, b, and c");
    assert.equal(rb.toSentence(["a", "b"]), "a and b");
  });
});
