// Models: persistence, querying, attributes, timestamps, dirty tracking, type casting.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot } from "./support.mjs";

let q, Post;
before(async () => {
  ({ q } = await boot());
  const m = new q.Migration();
  m.createTable("posts", (t) => {
    t.string("title"); t.text("body"); t.integer("views", { default: 0 }); t.boolean("published", { default: false }); t.timestamps();
  });
  Post = class Post extends q.ApplicationRecord {};
  Post.register();
});

describe("ActiveRecord-style models", () => {
  it("derives the table name and reads attributes from the schema", () => {
    assert.equal(Post.tableName, "posts");
    assert.deepEqual(Post.columnNames, ["id", "title", "body", "views", "published", "created_at", "updated_at"]);
    const p = new Post({ title: "Hi" });
    assert.equal(p.title, "Hi");
    assert.equal(p.views, 0);
    assert.equal(p.published, false);
    assert.equal(p.isNewRecord(), true);
  });

  it("creates, finds, updates and destroys records", () => {
    const p = Post.create({ title: "First", body: "hello" });
    assert.equal(p.isPersisted(), true);
    assert.equal(typeof p.id, "number");
    assert.ok(p.createdAt instanceof Date);
    assert.equal(p.created_at, p.createdAt);
    const found = Post.find(p.id);
    assert.equal(found.title, "First");
    assert.equal(found.update({ title: "Renamed" }), true);
    assert.equal(Post.find(p.id).title, "Renamed");
    found.destroy();
    assert.equal(found.isDestroyed(), true);
    assert.throws(() => Post.find(p.id), { name: "RecordNotFound", status: 404 });
  });

  it("queries with where / order / limit / count / pluck / findBy / first / last", () => {
    Post.deleteAll();
    for (const [t, v] of [["a", 3], ["b", 1], ["c", 2]]) Post.create({ title: t, views: v });
    assert.equal(Post.count(), 3);
    assert.deepEqual(Post.order({ views: "desc" }).pluck("title"), ["a", "c", "b"]);
    assert.deepEqual(Post.order("title").limit(2).map((p) => p.title), ["a", "b"]);
    assert.equal(Post.where({ title: ["a", "c"] }).count(), 2);
    assert.equal(Post.where("views > ?", 1).count(), 2);
    assert.equal(Post.findBy({ title: "c" }).views, 2);
    assert.equal(Post.findBy({ title: "zzz" }), null);
    assert.equal(Post.order({ views: "asc" }).first().title, "b");
    assert.equal(Post.order({ views: "asc" }).last().title, "a");
    assert.equal(Post.where({ title: "a" }).exists(), true);
    assert.equal(Post.where({ title: null }).count(), 0);
    const rel = Post.where({ title: "a" });
    assert.equal([...rel].length, 1);
  });

  it("casts form strings to column types and tracks changes", () => {
    const p = Post.create({ title: "cast", views: "42", published: "1" });
    assert.equal(p.views, 42);
    assert.equal(p.published, true);
    const again = Post.find(p.id);
    assert.equal(again.published, true);
    assert.equal(again.isChanged(), false);
    again.title = "changed";
    assert.deepEqual(again.changed, ["title"]);
    assert.ok(again.attributeChanged("title"));
    const before = again.updatedAt.getTime();
    again.save();
    assert.equal(again.isChanged(), false);
    assert.ok(Post.find(p.id).updatedAt.getTime() >= before);
  });

  it("rejects unknown attributes", () => {
    assert.throws(() => new Post({ nope: 1 }), /unknown attribute 'nope' for Post/);
  });

  it("serialises to JSON with the column names", () => {
    const p = Post.create({ title: "json" });
    const j = JSON.parse(JSON.stringify(p));
    assert.equal(j.title, "json");
    assert.equal(j.id, p.id);
    assert.match(j.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("rolls back a transaction on error", () => {
    const n = Post.count();
    assert.throws(() => Post.transaction(() => { Post.create({ title: "x" }); throw new Error("boom"); }), /boom/);
    assert.equal(Post.count(), n);
  });

  it("a transaction holds the write lock from its start, so reading then writing is never refused (SQLite)", () => {
    // A deferred BEGIN took only a read snapshot: when another process committed between the
    // transaction's SELECT and its first write, SQLite refused the write at once with
    // "database is locked" (the soak saw a destroy with dependent comments fail so). Rails
    // begins SQLite transactions IMMEDIATE, and so does the adapter.
    const db = q.connection();
    if (db.name !== "sqlite") return assert.equal(db.name, "postgresql");
    const other = new Database(db.file);
    other.exec("PRAGMA busy_timeout = 0");
    const p = Post.create({ title: "locked?" });
    let otherWrite = null;
    Post.transaction(() => {
      assert.equal(Post.find(p.id).title, "locked?");
      try { other.exec("UPDATE posts SET views = views + 1"); otherWrite = "written"; } catch (e) { otherWrite = String(e.message); }
      Post.find(p.id).update({ title: "written in the transaction" });
    });
    other.close();
    assert.match(otherWrite, /database is locked/);
    assert.equal(Post.find(p.id).title, "written in the transaction");
  });
});
