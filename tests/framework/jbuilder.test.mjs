// The jbuilder runtime (lib/quickrail/view/jbuilder.js): the DSL a compiled *.json.jbuilder
// calls (set / extract! / array! / partial! / merge! / child! / nil! / ignore_nil! /
// key_format!) with jbuilder's semantics, Rails' JSON for times (ISO 8601, ms, UTC) and dates,
// and templates rendered by a controller through app.request: the scaffold's index/show/_partial
// trio, `render :show, status: :created, location:`, partial: / as: / collection:.
// The template functions here are written the way the Ruby compiler emits them
// (function (__l, __a, __c, __h, json)), so this runs without it, on Node and inside QuickJS.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot, tmpDir } from "./support.mjs";

let q, J, app, Gadget;
const build = (fn) => { const j = new J.Jbuilder(); fn(j); return JSON.parse(j.targetBang()); };

before(async () => {
  ({ q } = await boot());
  J = await import("../../lib/quickrail/view/jbuilder.js");
  new q.Migration().createTable("gadgets", (t) => { t.string("name"); t.integer("size"); t.timestamps(); });
  Gadget = class Gadget extends q.ApplicationRecord {};
  class GadgetsController extends q.Controller {
    index() { this.gadgets = Gadget.order("id"); }
    show() { this.gadget = Gadget.find(this.params.id); }
    create() {
      this.gadget = new Gadget(this.params.require("gadget").permit("name", "size"));
      this.respondTo((format) => {
        if (this.gadget.save()) format.json(() => this.render("show", { status: "created", location: this.gadget }));
        else format.json(() => this.render({ json: this.gadget.errors, status: "unprocessable_entity" }));
      });
    }
    nested() { this.gadgets = Gadget.order("id"); }
  }
  GadgetsController.skipForgeryProtection();
  const root = tmpDir();
  Quickrail.mkdir(root + "/app"); Quickrail.mkdir(root + "/app/views");
  app = q.Application.create({ root, models: [Gadget], controllers: [GadgetsController], routes: (r) => { r.resources("gadgets"); r.get("/nested", "gadgets#nested"); } });
  const v = app.views;
  // json.extract! gadget, :id, :name, :size, :created_at, :updated_at
  // json.url gadget_url(gadget, format: :json)
  v.addJbuilder("gadgets/_gadget.json", function (__l, __a, __c, __h, json) {
    const gadget = __l.gadget;
    json.extractBang(gadget, "id", "name", "size", "created_at", "updated_at");
    json.set("url", __h.gadgetUrl(gadget, { format: "json" }));
  });
  // json.array! @gadgets, partial: "gadgets/gadget", as: :gadget
  v.addJbuilder("gadgets/index.json", function (__l, __a, __c, __h, json) { json.arrayBang(__a.gadgets, { partial: "gadgets/gadget", as: "gadget" }); });
  // json.partial! "gadgets/gadget", gadget: @gadget
  v.addJbuilder("gadgets/show.json", function (__l, __a, __c, __h, json) { json.partialBang("gadgets/gadget", { gadget: __a.gadget }); });
  // json.count @gadgets.size
  // json.items @gadgets do |g| json.name g.name; json.big g.size > 5 end
  // json.first { json.partial! @gadgets.first }   (a record: its to_partial_path)
  v.addJbuilder("gadgets/nested.json", function (__l, __a, __c, __h, json) {
    json.set("count", __a.gadgets.count());
    json.set("items", __a.gadgets, (g) => { json.set("name", g.name); json.set("big", g.size > 5); });
    json.set("first", () => { json.partialBang(__a.gadgets.first()); });
  });
});

describe("jbuilder DSL", () => {
  it("set!, nested blocks and block merging build objects", () => {
    assert.deepEqual(build((json) => {
      json.set("title", "Hi");
      json.set("author", () => { json.set("name", "Ann"); json.set("email", null); });
      json.set("author", () => { json.set("age", 32); });
    }), { title: "Hi", author: { name: "Ann", email: null, age: 32 } });
  });

  it("a collection with a block, with attribute names, and an object with attribute names", () => {
    const people = [{ name: "a", age: 1, x: 0 }, { name: "b", age: 2, x: 0 }];
    assert.deepEqual(build((json) => {
      json.set("people", people, (p) => { json.set("n", p.name); });
      json.set("ages", people, "name", "age");
      json.set("one", people[0], "name");
      json.set("none", [], (p) => { json.set("n", p); });
    }), { people: [{ n: "a" }, { n: "b" }], ages: [{ name: "a", age: 1 }, { name: "b", age: 2 }], one: { name: "a" }, none: [] });
  });

  it("array! with a block, with attribute names, of plain values, and of nil", () => {
    assert.deepEqual(build((json) => json.arrayBang([1, 2], (n) => { json.set("n", n * 10); })), [{ n: 10 }, { n: 20 }]);
    assert.deepEqual(build((json) => json.arrayBang([{ a: 1, b: 2 }], "a")), [{ a: 1 }]);
    assert.deepEqual(build((json) => json.arrayBang([1, "x", null])), [1, "x", null]);
    assert.deepEqual(build((json) => json.arrayBang(null)), []);
  });

  it("child! appends objects; merge! merges hashes and arrays; nil! renders null", () => {
    assert.deepEqual(build((json) => { json.childBang(() => json.set("a", 1)); json.childBang(() => json.set("b", 2)); }), [{ a: 1 }, { b: 2 }]);
    assert.deepEqual(build((json) => { json.set("a", 1); json.mergeBang({ b: 2, a: 3 }); }), { a: 3, b: 2 });
    assert.deepEqual(build((json) => { json.arrayBang([1]); json.mergeBang([2]); }), [1, 2]);
    const j = new J.Jbuilder(); j.nilBang();
    assert.equal(j.targetBang(), "null");
    assert.equal(new J.Jbuilder().targetBang(), "{}");
  });

  it("ignore_nil! drops nil values; key_format! camelizes keys", () => {
    assert.deepEqual(build((json) => { json.ignoreNilBang(); json.set("a", null); json.set("b", 0); json.set("c", false); }), { b: 0, c: false });
    assert.deepEqual(build((json) => { json.keyFormatBang({ camelize: "lower" }); json.set("created_at", 1); json.set("author", () => json.set("first_name", "x")); }), { createdAt: 1, author: { firstName: "x" } });
  });

  it("times render ISO 8601 with milliseconds in UTC, dates YYYY-MM-DD", () => {
    const t = new Date(Date.UTC(2026, 11, 1, 19, 59, 20, 123));
    const d = { toJSON() { return "2026-12-24"; } };
    assert.equal(new J.Jbuilder().set("at", t).set("on", d).targetBang(), '{"at":"2026-12-01T19:59:20.123Z","on":"2026-12-24"}');
  });

  it("extract! of a date column renders YYYY-MM-DD, of a datetime column the full time", () => {
    new q.Migration().createTable("releases", (t) => { t.date("released_on"); t.timestamps(); });
    class Release extends q.ApplicationRecord {}
    Release.register();
    const r = Release.create({ released_on: "2026-12-24" });
    const out = build((json) => json.extractBang(Release.find(r.id), "released_on", "created_at"));
    assert.equal(out.released_on, "2026-12-24");
    assert.match(out.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("setting a key on an array and partial! outside a view are clear errors", () => {
    assert.throws(() => build((json) => { json.arrayBang([1]); json.set("a", 1); }), /cannot set key "a" on an array/);
    assert.throws(() => build((json) => json.partialBang("x/y", {})), /partial! "x\/y" outside a view/);
  });

  it("answers to the Ruby spellings too (array!, extract!, set!)", () => {
    assert.deepEqual(build((json) => json["array!"]([{ a: 1, b: 2 }], "b")), [{ b: 2 }]);
    assert.deepEqual(build((json) => { json["extract!"]({ a: 1, b: 2 }, "a"); json["set!"]("c", 3); }), { a: 1, c: 3 });
  });
});

describe("jbuilder templates through a controller", () => {
  it("index renders the collection through the partial, records' times as Rails does", async () => {
    const g = Gadget.create({ name: "sprocket", size: 3 });
    Gadget.create({ name: "flange", size: 9 });
    const res = await app.request("/gadgets.json");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type"), /^application\/json/);
    const list = await res.json();
    assert.equal(list.length, 2);
    assert.deepEqual(Object.keys(list[0]), ["id", "name", "size", "created_at", "updated_at", "url"]);
    assert.equal(list[0].name, "sprocket");
    assert.equal(list[0].size, 3);
    assert.match(list[0].created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.equal(list[0].created_at, new Date(g.createdAt).toISOString());
    assert.match(list[0].url, /^http:\/\/[^/]+\/gadgets\/\d+\.json$/);
  });

  it("show renders the partial for one record; Accept: application/json picks it too", async () => {
    const one = await (await app.request("/gadgets/2.json")).json();
    assert.equal(one.name, "flange");
    assert.match(one.url, /\/gadgets\/2\.json$/);
    const byAccept = await app.request("/gadgets/2", { headers: { accept: "application/json" } });
    assert.equal((await byAccept.json()).id, 2);
  });

  it("render :show, status: :created, location: renders the template with 201", async () => {
    const res = await app.request("/gadgets.json", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ gadget: { name: "cog", size: 1 } }) });
    assert.equal(res.status, 201);
    const body = await res.json();
    assert.equal(body.name, "cog");
    assert.match(res.headers.get("location"), new RegExp("/gadgets/" + body.id + "$"));
  });

  it("nested blocks over a relation and partial! of a record", async () => {
    const body = await (await app.request("/nested.json")).json();
    assert.equal(body.count, 3);
    assert.deepEqual(body.items, [{ name: "sprocket", big: false }, { name: "flange", big: true }, { name: "cog", big: false }]);
    assert.equal(body.first.name, "sprocket");
    assert.deepEqual(Object.keys(body.first), ["id", "name", "size", "created_at", "updated_at", "url"]);
  });
});
