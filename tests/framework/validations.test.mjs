// Validations: presence, length, numericality, uniqueness, format, custom; errors and messages.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot } from "./support.mjs";

let q, Article, User;
before(async () => {
  ({ q } = await boot());
  const m = new q.Migration();
  m.createTable("articles", (t) => { t.string("title"); t.text("body"); t.timestamps(); });
  m.createTable("users", (t) => { t.string("email"); t.integer("age"); t.timestamps(); });
  Article = class Article extends q.ApplicationRecord {};
  Article.validates("title", { presence: true });
  Article.validates("body", { presence: true, length: { minimum: 10 } });
  User = class User extends q.ApplicationRecord {};
  User.validates("email", { presence: true, uniqueness: true, format: { with: /@/ } });
  User.validates("age", { numericality: { onlyInteger: true, greaterThan: 0 }, allowNil: true });
  User.validate(function () { if (this.email === "root@x") this.errors.add("base", "Root is reserved"); });
});

describe("validations", () => {
  it("presence and length with Rails' full messages", () => {
    const a = new Article({ title: "", body: "short" });
    assert.equal(a.isValid(), false);
    assert.equal(a.save(), false);
    assert.equal(a.isNewRecord(), true);
    assert.deepEqual(a.errors.fullMessages, ["Title can't be blank", "Body is too short (minimum is 10 characters)"]);
    assert.deepEqual(a.errors.get("body"), ["is too short (minimum is 10 characters)"]);
    assert.deepEqual(JSON.parse(JSON.stringify(a.errors)), { title: ["can't be blank"], body: ["is too short (minimum is 10 characters)"] });
    assert.equal(a.errors.count, 2);
    a.title = "ok"; a.body = "long enough body";
    assert.equal(a.save(), true);
    assert.equal(a.errors.any(), false);
  });

  it("blank strings fail presence; whitespace too", () => {
    const a = new Article({ title: "   ", body: "0123456789" });
    assert.equal(a.isValid(), false);
    assert.deepEqual(a.errors.fullMessages, ["Title can't be blank"]);
  });

  it("uniqueness, format, numericality and custom validate()", () => {
    assert.equal(User.create({ email: "a@x", age: 3 }).isPersisted(), true);
    const dup = User.create({ email: "a@x" });
    assert.deepEqual(dup.errors.fullMessages, ["Email has already been taken"]);
    assert.deepEqual(User.create({ email: "nope" }).errors.fullMessages, ["Email is invalid"]);
    assert.deepEqual(User.create({ email: "b@x", age: "-1" }).errors.fullMessages, ["Age must be greater than 0"]);
    assert.deepEqual(User.create({ email: "c@x", age: "abc" }).errors.fullMessages, ["Age is not a number"]);
    assert.deepEqual(User.create({ email: "root@x" }).errors.fullMessages, ["Root is reserved"]);
  });

  it("saveBang / createBang raise RecordInvalid", () => {
    assert.throws(() => Article.createBang({ title: "" }), (e) => e.name === "RecordInvalid" && /Title can't be blank/.test(e.message));
  });
});
