// Two applications in one runtime: booting an Application changes nothing outside the instance
// (no globals, no patched framework prototypes), and each app keeps its own routes, route
// helpers (in views and controllers), views, broadcast renderer, GlobalID app name and cable
// entry, whichever booted last.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot, tmpDir, broadcasts } from "./support.mjs";

let q, alpha, beta, Post, Note, globalsBefore, controllerProtoBefore, baseProtoBefore;

function writeApp(files) {
  const root = tmpDir();
  for (const rel of Object.keys(files)) {
    const parts = rel.split("/");
    let dir = root;
    for (const p of parts.slice(0, -1)) { dir += "/" + p; if (!Quickrail.stat(dir)) Quickrail.mkdir(dir); }
    Quickrail.writeFile(root + "/" + rel, files[rel]);
  }
  return root;
}
const ownNames = (o) => Object.getOwnPropertyNames(o).sort();
function gidOf(streamName) {
  const b64 = streamName.replace(/-/g, "+").replace(/_/g, "/");
  return atob(b64 + "===".slice((b64.length + 3) % 4));
}

before(async () => {
  ({ q } = await boot());
  new q.Migration().createTable("posts", (t) => { t.string("title"); t.timestamps(); });
  new q.Migration().createTable("notes", (t) => { t.string("title"); t.timestamps(); });
  globalsBefore = ownNames(globalThis);
  controllerProtoBefore = ownNames(q.Controller.prototype);
  baseProtoBefore = ownNames(q.Base.prototype);

  Post = class Post extends q.ApplicationRecord {};
  Post.broadcastsTo(() => "posts");
  class PostsController extends q.Controller {
    index() { this.posts = Post.order("id"); }
    create() { const p = Post.create({ title: this.params.title }); this.redirectTo(this.postPath(p)); }
  }
  PostsController.skipForgeryProtection();
  const alphaRoot = writeApp({
    "app/views/posts/index.html.erb": "<% for (const p of posts) { %><%= linkTo(p.title, p) %> <% } %><%= postsPath() %>",
    "app/views/posts/_post.html.erb": "<p>alpha:<%= post.title %> <%= postPath(post) %></p>",
  });
  alpha = q.Application.create({ root: alphaRoot, appName: "Alpha", models: [Post], controllers: [PostsController],
    routes: (r) => { r.resources("posts", { only: ["index", "show", "create"] }); } });

  Note = class Note extends q.ApplicationRecord {};
  Note.broadcastsTo(() => "notes");
  class NotesController extends q.Controller {
    index() { this.notes = Note.order("id"); }
    about() { this.render({ plain: typeof this.postsPath + " " + this.notesPath() }); }
  }
  class BetaConnection extends q.Connection { connect() {} }
  const betaRoot = writeApp({
    "app/views/notes/index.html.erb": "<% for (const n of notes) { %><%= linkTo(n.title, n) %> <% } %><%= notesPath() %>",
    "app/views/notes/_note.html.erb": "<p>beta:<%= note.title %> <%= notePath(note) %></p>",
  });
  beta = q.Application.create({ root: betaRoot, appName: "Beta", models: [Note], controllers: [NotesController], connection: BetaConnection,
    routes: (r) => { r.resources("notes", { only: ["index", "show"] }); r.get("/about", "notes#about"); } });
});

describe("two applications in one runtime", () => {
  it("booting them adds no globals and patches no framework prototype", () => {
    assert.deepEqual(ownNames(globalThis), globalsBefore);
    assert.deepEqual(ownNames(q.Controller.prototype), controllerProtoBefore);
    assert.deepEqual(ownNames(q.Base.prototype), baseProtoBefore);
    assert.equal(globalThis.__quickrailCable, undefined);
  });

  it("each serves its own routes with its own route helpers in views", async () => {
    Post.create({ title: "first post" });
    Note.create({ title: "first note" });
    const a = await alpha.request("/posts");
    assert.equal(a.status, 200);
    assert.match(await a.text(), /^<a href="\/posts\/\d+">first post<\/a> \/posts$/);
    const b = await beta.request("/notes");
    assert.equal(b.status, 200);
    assert.match(await b.text(), /^<a href="\/notes\/\d+">first note<\/a> \/notes$/);
    assert.equal((await alpha.request("/notes")).status, 404);
    assert.equal((await beta.request("/posts")).status, 404);
  });

  it("controllers get their own application's route helpers only", async () => {
    assert.equal(await (await beta.request("/about")).text(), "undefined /notes");
    const res = await alpha.request("/posts", { method: "POST", body: new URLSearchParams({ title: "made" }) });
    assert.equal(res.status, 302);
    assert.match(res.headers.get("location"), /^http:\/\/localhost\/posts\/\d+$/);
  });

  it("broadcasts render with the views of the model's application", () => {
    broadcasts.length = 0;
    const p = Post.create({ title: "live post" });
    const n = Note.create({ title: "live note" });
    assert.equal(broadcasts.length, 2);
    assert.equal(broadcasts[0].stream, "posts");
    assert.equal(broadcasts[0].message, '<turbo-stream action="append" target="posts"><template><p>alpha:live post /posts/' + p.id + "</p></template></turbo-stream>");
    assert.equal(broadcasts[1].stream, "notes");
    assert.equal(broadcasts[1].message, '<turbo-stream action="append" target="notes"><template><p>beta:live note /notes/' + n.id + "</p></template></turbo-stream>");
  });

  it("records' stream names carry their own application's GlobalID name", () => {
    const p = Post.first(), n = Note.first();
    assert.equal(gidOf(q.streamName(p)), "gid://alpha/Post/" + p.id);
    assert.equal(gidOf(q.streamName(n)), "gid://beta/Note/" + n.id);
  });

  it("each has its own cable entry", () => {
    assert.notEqual(alpha.cable, beta.cable);
    assert.equal(alpha.cable.needsConnect, false);
    assert.equal(beta.cable.needsConnect, true);
    assert.deepEqual(JSON.parse(beta.cable.handle(JSON.stringify({ op: "connect", url: "/cable", headers: {} }))), { ok: true, identifiers: {} });
  });
});
