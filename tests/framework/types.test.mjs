// Active Record behaviours Rails users rely on: type casting on assignment by column type
// (uncastable -> nil), dates stored and compared as ISO dates, JSON dates and times as Rails
// renders them, uniqueness with case_sensitive: false, unknown validators and options refused
// when the model is defined, has_many with an ordering scope, and scope(name, body).
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot } from "./support.mjs";

let q, Event, Person, List, Item;
before(async () => {
  ({ q } = await boot());
  const m = new q.Migration();
  m.createTable("events", (t) => {
    t.string("name"); t.integer("seats"); t.float("rating"); t.decimal("price"); t.boolean("public");
    t.date("due_on"); t.datetime("starts_at"); t.timestamps();
  });
  m.createTable("people", (t) => { t.string("email"); t.integer("age"); });
  m.createTable("lists", (t) => { t.string("name"); });
  m.createTable("items", (t) => { t.references("list"); t.string("name"); t.integer("position"); t.boolean("done", { default: false }); });
  Event = class Event extends q.ApplicationRecord {};
  Event.register();
  Person = class Person extends q.ApplicationRecord {};
  Person.register();
  Person.validates("email", { uniqueness: { caseSensitive: false } });
  Person.validates("age", { presence: true });
  List = class List extends q.ApplicationRecord {};
  List.register().hasMany("items", function () { return this.order({ position: "desc" }); }, { dependent: "destroy" });
  Item = class Item extends q.ApplicationRecord {};
  Item.register().belongsTo("list");
  Item.scope("open", function () { return this.where({ done: false }); });
  Item.scope("named", function (prefix) { return this.where("name LIKE ?", prefix + "%"); });
});

describe("type casting on assignment", () => {
  it("casts integers, floats, decimals and booleans as Rails does", () => {
    const e = new Event({ seats: "12", rating: "4.5", price: "19.99", public: "0" });
    assert.deepEqual([e.seats, e.rating, e.price, e.public], [12, 4.5, 19.99, false]);
    e.seats = "7.9"; assert.equal(e.seats, 7);
    e.seats = " 3 "; assert.equal(e.seats, 3);
    for (const [v, b] of [["1", true], ["true", true], ["on", true], ["yes", true], ["false", false], ["f", false], ["off", false], ["0", false], [0, false], ["", null]]) {
      e.public = v; assert.equal(e.public, b, JSON.stringify(v));
    }
    e.name = 42; assert.equal(e.name, "42");
    e.name = true; assert.equal(e.name, "t");
  });

  it("makes an uncastable value nil (it then fails presence), keeping what was assigned", () => {
    const e = new Event({ seats: "twelve", rating: "abc", due_on: "2026-02-30", starts_at: "soon" });
    assert.deepEqual([e.seats, e.rating, e.due_on, e.starts_at], [null, null, null, null]);
    assert.equal(e.readAttributeBeforeTypeCast("seats"), "twelve");
    const p = new Person({ email: "a@x.io", age: "old" });
    assert.equal(p.isValid(), false);
    assert.deepEqual(p.errors.fullMessages, ["Age can't be blank"]);
    const n = class Num extends q.ApplicationRecord { static get tableName() { return "people"; } };
    n.validates("age", { numericality: true, allowNil: true });
    const r = new n({ age: "abc" });
    assert.equal(r.isValid(), false);
    assert.deepEqual(r.errors.fullMessages, ["Age is not a number"]);
    assert.equal(new n({ age: "" }).isValid(), true);
  });

  it("stores dates as ISO dates and finds them by string or Date", () => {
    const e = Event.create({ name: "launch", due_on: "2026-12-24", starts_at: "2026-12-24T18:30" });
    assert.equal(e.due_on, "2026-12-24");
    assert.ok(e.starts_at instanceof Date);
    assert.equal(e.starts_at.toISOString(), "2026-12-24T18:30:00.000Z"); // no zone given: UTC, as Rails' default
    assert.equal(q.connection().get("SELECT due_on FROM events WHERE id = ?", [e.id]).due_on, "2026-12-24");
    assert.equal(Event.where({ due_on: "2026-12-24" }).count(), 1);
    assert.equal(Event.where({ due_on: new Date(Date.UTC(2026, 11, 24)) }).count(), 1);
    assert.equal(Event.where("due_on < ?", "2026-12-25").count(), 1);
    const back = Event.find(e.id);
    assert.equal(back.due_on, "2026-12-24");
    const e2 = new Event({ due_on: new Date(Date.UTC(2026, 0, 5, 23)) });
    assert.equal(e2.due_on, "2026-01-05");
  });

  it("renders dates as YYYY-MM-DD and times as ISO 8601 with milliseconds in UTC", () => {
    const e = Event.create({ name: "json", due_on: "2026-12-24", starts_at: "2026-12-24 09:05:03", seats: "3", public: "1" });
    const j = JSON.parse(JSON.stringify(Event.find(e.id)));
    assert.equal(j.due_on, "2026-12-24");
    assert.equal(j.starts_at, "2026-12-24T09:05:03.000Z");
    assert.match(j.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(j.seats, 3);
    assert.equal(j.public, true);
  });
});

describe("validations and scopes", () => {
  it("uniqueness with caseSensitive: false ignores case", () => {
    Person.create({ email: "Ada@Example.com", age: 36 });
    const dup = new Person({ email: "ada@example.COM", age: 1 });
    assert.equal(dup.isValid(), false);
    assert.deepEqual(dup.errors.fullMessages, ["Email has already been taken"]);
    assert.equal(new Person({ email: "grace@example.com", age: 1 }).isValid(), true);
  });

  it("an unknown validator or option is an error when the model is defined", () => {
    const M = class Widget extends q.ApplicationRecord {};
    assert.throws(() => M.validates("name", { presense: true }), /Unknown validator: 'presense' in Widget\.validates\("name", \.\.\.\); known validators: presence/);
    assert.throws(() => M.validates("name", { length: { minimun: 3 } }), /Unknown option 'minimun' for the length validator in Widget\.validates\("name", \.\.\.\); known: minimum/);
    assert.throws(() => M.validates("name", { uniqueness: { case_insensitive: true } }), /Unknown option 'case_insensitive' for the uniqueness validator/);
    M.validates("name", { presence: true, length: { maximum: 5, allow_nil: true }, format: /x/, inclusion: ["a"], uniqueness: { case_sensitive: false, scope: "x" }, allow_blank: true, if: () => true });
  });

  it("has_many with an ordering scope orders the association, loaded or preloaded", () => {
    const l = List.create({ name: "l" });
    for (const [name, position] of [["b", 2], ["c", 3], ["a", 1]]) l.items.create({ name, position });
    assert.deepEqual(List.find(l.id).items.map((i) => i.name), ["c", "b", "a"]);
    assert.deepEqual(List.includes("items").find(l.id).items.map((i) => i.name), ["c", "b", "a"]);
    assert.deepEqual(List.find(l.id).items.where({ position: [1, 2] }).map((i) => i.name), ["b", "a"]);
  });

  it("scope defines a class method and a relation method, with arguments", () => {
    const l = List.create({ name: "s" });
    l.items.create({ name: "apple", position: 1 });
    l.items.create({ name: "avocado", position: 2, done: "1" });
    l.items.create({ name: "banana", position: 3 });
    assert.deepEqual(Item.open().where({ list_id: l.id }).order({ name: "asc" }).map((i) => i.name), ["apple", "banana"]);
    assert.deepEqual(Item.where({ list_id: l.id }).named("a").open().map((i) => i.name), ["apple"]);
    assert.deepEqual(l.items.open().map((i) => i.name), ["banana", "apple"]); // through the association, its order kept
    assert.throws(() => Item.scope("where", function () { return this; }), /already a query method/);
    assert.throws(() => List.all().open(), /no scope named open/);
  });
});
