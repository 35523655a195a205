// What compiled Ruby calls in the framework and Rails apps rely on (docs/ruby.md, "The framework
// side"): Rails 8's params.expect, and the Rails behaviours of view helpers a scaffold uses.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot, tmpDir } from "./support.mjs";

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

describe("Rails names and behaviours compiled Ruby relies on (through app.request)", () => {
  let app, Note, cookie;
  const page = async (p) => { const r = await app.request(p, cookie ? { headers: { cookie } } : {}); return { status: r.status, html: await r.text() }; };
  before(() => {
    const root = tmpDir();
    for (const d of ["app", "app/views", "app/views/notes", "app/views/layouts"]) Quickrail.mkdir(root + "/" + d);
    const w = (f, s) => Quickrail.writeFile(root + "/app/views/" + f, s);
    // what `<title><%= content_for(:title) || "Notes" %></title>` and `content_for?` compile to
    w("layouts/application.html.erb", "<title><%= __h.contentFor(\"title\") || \"Notes\" %></title>[<%= __h.isContentFor(\"title\") %>]<%= yield %>");
    w("notes/index.html.erb", "<% contentFor(\"title\", \"All notes\") %><%= linkTo(\"Destroy\", note, { method: \"delete\", data: { confirm: \"Are you sure?\" } }) %>");
    w("notes/show.html.erb", "<%= linkTo(\"Back\", notesPath()) %>");
    w("notes/new.html.erb", "<% for (const error of note.errors) { %><li data-attr=\"<%= error.attribute %>\"><%= error.fullMessage %></li><% } %>");
    new q.Migration().createTable("notes", (t) => { t.string("title"); t.timestamps(); });
    Note = class Note extends q.ApplicationRecord {};
    Note.validates("title", { presence: true });
    class Oops extends Error {}
    class Other extends Error {}
    class NotesController extends q.Controller {
      index() { this.note = Note.create({ title: "n" }); }
      show() {}
      new() { this.note = new Note(); this.note.isValid(); }
      oops() { throw new Oops("oops"); }
      other() { throw new Other("other"); }
      rescued(e) { this.render({ plain: "rescued " + e.message, status: "conflict" }); }
    }
    // rescue_from Oops, Other, with: :rescued
    NotesController.rescueFrom(Oops, Other, { with: "rescued" });
    app = q.Application.create({ root, models: [Note], controllers: [NotesController], routes: (r) => { r.resources("notes"); r.get("/oops", "notes#oops"); r.get("/other", "notes#other"); } });
  });

  it("link_to with method: and data: { confirm: } renders Rails' data-method, rel=nofollow and data-confirm", async () => {
    const { html } = await page("/notes");
    const a = /<a [^>]*>Destroy<\/a>/.exec(html)[0];
    assert.match(a, /href="\/notes\/\d+"/);
    assert.match(a, /data-method="delete"/);
    assert.match(a, /rel="nofollow"/);
    assert.match(a, /data-confirm="Are you sure\?"/);
    assert.doesNotMatch(a, / method=/);
  });

  it("content_for(:title) reads the block (nil when none); content_for? answers whether there is one", async () => {
    assert.match((await page("/notes")).html, /^<title>All notes<\/title>\[true\]/);
    assert.match((await page("/notes/1")).html, /^<title>Notes<\/title>\[false\]/);
  });

  it("errors.each yields errors with attribute and full_message", async () => {
    assert.match((await page("/notes/new")).html, /<li data-attr="title">Title can&#39;t be blank<\/li>/);
  });

  it("rescue_from A, B, with: :handler", async () => {
    for (const p of ["/oops", "/other"]) {
      const r = await app.request(p);
      assert.equal(r.status, 409);
      assert.equal(await r.text(), "rescued " + p.slice(1));
    }
  });

  it("every Rails view helper the scaffolds and the blog use is there by its camelCase name", () => {
    const names = ["linkTo", "buttonTo", "formWith", "render", "contentFor", "isContentFor", "turboStreamFrom", "turboFrameTag", "domId", "pluralize",
      "truncate", "timeAgoInWords", "simpleFormat", "csrfMetaTags", "cspMetaTag", "actionCableMetaTag", "notice", "alert", "turboStream",
      "stylesheetLinkTag", "javascriptIncludeTag", "javascriptImportmapTags", "contentTag", "raw", "h", "safeJoin", "urlFor", "imageTag",
      "numberWithDelimiter", "cycle"];
    for (const n of names) assert.ok(app.views.helpers[n] !== undefined, "helper " + n);
  });
});

describe("record methods every Rails model answers", () => {
  it("destroyed_by_association is nil, and the reflection while a parent's dependent: :destroy runs", () => {
    new q.Migration().createTable("posts", (t) => { t.string("title"); });
    new q.Migration().createTable("replies", (t) => { t.references("post"); t.string("body"); });
    class Post extends q.ApplicationRecord {}
    class Reply extends q.ApplicationRecord {}
    Post.hasMany("replies", { dependent: "destroy" });
    Reply.belongsTo("post");
    const seen = [];
    Reply.afterDestroy(function () { seen.push(this.destroyedByAssociation === null ? "nil" : this.destroyedByAssociation.name); });
    Post.register(); Reply.register();
    const p = Post.create({ title: "p" });
    const r1 = p.replies.create({ body: "a" });
    p.replies.create({ body: "b" });
    assert.equal(r1.destroyedByAssociation, null);
    assert.ok("destroyedByAssociation" in r1);
    r1.destroy();
    p.destroy();
    assert.deepEqual(seen, ["nil", "replies"]);
  });
});
