// Associations: hasMany/belongsTo, build/create through the collection, dependent destroy,
// required belongsTo, includes() preloading without N+1 queries.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot, recordQueries } from "./support.mjs";

let q, Article, Comment;
before(async () => {
  ({ q } = await boot());
  const m = new q.Migration();
  m.createTable("articles", (t) => { t.string("title"); t.text("body"); t.timestamps(); });
  m.createTable("comments", (t) => { t.references("article", { null: false, foreignKey: true }); t.string("commenter"); t.text("body"); t.timestamps(); });
  Article = class Article extends q.ApplicationRecord {};
  Article.hasMany("comments", { dependent: "destroy" });
  Comment = class Comment extends q.ApplicationRecord {};
  Comment.belongsTo("article");
  Article.register(); Comment.register();
});

describe("associations", () => {
  it("hasMany builds and creates children with the foreign key set", () => {
    const a = Article.create({ title: "A", body: "b" });
    const c = a.comments.create({ commenter: "Ann", body: "hi" });
    assert.equal(c.isPersisted(), true);
    assert.equal(c.articleId, a.id);
    assert.equal(c.article_id, a.id);
    const built = a.comments.build({ commenter: "Bob" });
    assert.equal(built.articleId, a.id);
    assert.equal(built.isNewRecord(), true);
    assert.equal(a.comments.count(), 1);
    assert.equal(Article.find(a.id).comments.size, 1);
    assert.equal(Article.find(a.id).comments.first().commenter, "Ann");
  });

  it("belongsTo loads the parent and is required by default", () => {
    const a = Article.create({ title: "P", body: "b" });
    const c = Comment.create({ article: a, commenter: "x", body: "y" });
    assert.equal(Comment.find(c.id).article.title, "P");
    const orphan = Comment.create({ commenter: "x", body: "y" });
    assert.deepEqual(orphan.errors.fullMessages, ["Article must exist"]);
    const bad = Comment.create({ articleId: 999999, commenter: "x", body: "y" });
    assert.deepEqual(bad.errors.fullMessages, ["Article must exist"]);
  });

  it("dependent: destroy removes the children in the same transaction", () => {
    const a = Article.create({ title: "D", body: "b" });
    a.comments.create({ commenter: "1", body: "1" });
    a.comments.create({ commenter: "2", body: "2" });
    const before = Comment.count();
    a.destroy();
    assert.equal(Comment.count(), before - 2);
    assert.equal(Comment.where({ articleId: a.id }).count(), 0);
  });

  it("includes() preloads hasMany with one query per association (no N+1)", () => {
    Comment.deleteAll(); Article.deleteAll();
    for (let i = 0; i < 5; i++) {
      const a = Article.create({ title: "T" + i, body: "b" });
      for (let j = 0; j < i; j++) a.comments.create({ commenter: "c", body: "b" });
    }
    const log = recordQueries(q);
    const list = Article.includes("comments").order({ id: "asc" }).toArray();
    const sizes = list.map((a) => a.comments.size);
    const commenters = list.map((a) => a.comments.map((c) => c.article.title));
    assert.deepEqual(sizes, [0, 1, 2, 3, 4]);
    assert.equal(commenters[4][0], "T4");
    assert.equal(log.length, 2, "expected 2 queries, got:\n" + log.join("\n"));
  });

  it("includes() preloads belongsTo too", () => {
    const log = recordQueries(q);
    const comments = Comment.includes("article").toArray();
    comments.forEach((c) => c.article.title);
    assert.equal(log.length, 2);
  });
});
