// The blog through the real quickrail server: pages, forms with CSRF, validation errors with
// 422, notices, JSON like the Rails scaffold, cascading destroy, 404s, and a Turbo Stream
// broadcast to an Action Cable subscriber. blogSuite(variant) registers the cases for one of
// the two blogs (BLOGS in blog_app.mjs: "js" = examples/blog, "ruby" = examples/blog-ruby);
// blog.test.mjs and blog_ruby.test.mjs each run it for one, so both blogs pass the same tests.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { startServer } from "../lib/server.mjs";
import { prepareBlog, openDb, browser, ROOT, SECRET } from "./blog_app.mjs";

const require = createRequire(path.join(ROOT, "package.json"));

export function blogSuite(variant) {
  let srv, app, b;
  before(async () => {
    app = prepareBlog(variant);
    srv = await startServer({ app: app.dir, env: app.env, workers: 2 });
    b = browser(srv.url);
  });
  after(async () => { if (srv) await srv.stop(); });

  function signed(name) {
    const key = crypto.pbkdf2Sync(SECRET, "turbo/signed_stream_verifier_key", 1000, 64, "sha256");
    const b64 = Buffer.from(JSON.stringify(name)).toString("base64");
    return b64 + "--" + crypto.createHmac("sha256", key).update(b64).digest("hex");
  }

  describe("blog pages", () => {
    it("index lists articles newest first with truncated bodies, pluralised counts and Show/Edit/Destroy", async () => {
      const res = await b("/articles");
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type"), /^text\/html/);
      const h = res.html;
      assert.ok(h.indexOf("Turbo Streams") < h.indexOf("Welcome to quickrail"), "newest first");
      assert.match(h, /1 comment</);
      assert.match(h, /0 comments</);
      const body = openDb(app.db).prepare("SELECT body FROM articles WHERE id = 1").get().body;
      assert.ok(body.length > 100, "the first seeded article's body is long enough to be truncated");
      assert.ok(h.includes(">" + body.slice(0, 97) + "...</p>"), "body truncated to 100 characters");
      assert.match(h, /<a href="\/articles\/1"[^>]*>Show<\/a>/);
      assert.match(h, /<a href="\/articles\/1\/edit"[^>]*>Edit<\/a>/);
      assert.match(h, /<form class="inline" method="post" action="\/articles\/1" data-turbo-confirm="Are you sure\?"><input type="hidden" name="_method" value="delete"/);
      assert.ok(h.includes('<turbo-cable-stream-source channel="Turbo::StreamsChannel" signed-stream-name="' + signed("articles") + '">'));
      assert.match(h, /<meta name="action-cable-url" content="\/cable">/);
      assert.match(h, /<meta name="csrf-token" content="[^"]+">/);
      assert.match(h, /<link rel="stylesheet" href="\/assets\/application.css">/);
    });

    it("root is the index; assets are served from public/", async () => {
      const res = await b("/");
      assert.equal(res.status, 200);
      assert.match(res.html, /<h1 class="font-bold text-4xl">Articles<\/h1>/);
      const css = await fetch(srv.url + "/assets/application.css");
      assert.equal(css.status, 200);
      assert.match(await css.text(), /bg-indigo-600/);
      const js = await fetch(srv.url + "/assets/turbo.js");
      assert.equal(js.status, 200);
      assert.match(await js.text(), /turbo-cable-stream-source/);
    });

    it("show page lists comments and has a comment form", async () => {
      const res = await b("/articles/1");
      assert.equal(res.status, 200);
      assert.match(res.html, /<h1 class="font-bold text-4xl">Welcome to quickrail<\/h1>/);
      assert.match(res.html, /<div id="comments"[^>]*>\s*<div id="comment_1"/);
      assert.match(res.html, /<form action="\/articles\/1\/comments" accept-charset="UTF-8" method="post"/);
      assert.ok(res.html.includes(signed("article_1_comments")));
    });

    it("new and edit render the form", async () => {
      const n = await b("/articles/new");
      assert.equal(n.status, 200);
      assert.match(n.html, /<input type="submit" name="commit" value="Create Article"/);
      const e = await b("/articles/1/edit");
      assert.equal(e.status, 200);
      assert.match(e.html, /value="Welcome to quickrail"/);
      assert.match(e.html, /<input type="hidden" name="_method" value="patch"/);
    });

    it("unknown routes and missing records are 404", async () => {
      assert.equal((await b("/nope")).status, 404);
      assert.equal((await b("/articles/9999")).status, 404);
      assert.equal((await b("/articles/9999.json")).status, 404);
    });
  });

  describe("blog forms", () => {
    it("create redirects to the article with a notice", async () => {
      const token = b.token((await b("/articles/new")).html);
      assert.ok(token);
      const res = await b.form("/articles", { "article[title]": "From the test", "article[body]": "A body that is long enough." }, token);
      assert.equal(res.status, 302);
      const loc = new URL(res.headers.get("location"));
      assert.match(loc.pathname, /^\/articles\/\d+$/);
      const show = await b(loc.pathname);
      assert.match(show.html, /Article was successfully created\./);
      assert.match(show.html, /From the test/);
      const again = await b(loc.pathname);
      assert.doesNotMatch(again.html, /successfully created/, "the flash lasts one request");
    });

    it("an invalid article is re-rendered with 422 and the validation messages", async () => {
      const token = b.token((await b("/articles/new")).html);
      const res = await b.form("/articles", { "article[title]": "", "article[body]": "short" }, token);
      assert.equal(res.status, 422);
      assert.match(res.html, /2 errors prohibited this article from being saved:/);
      assert.match(res.html, /<li>Title can&#39;t be blank<\/li>/);
      assert.match(res.html, /<li>Body is too short \(minimum is 10 characters\)<\/li>/);
      assert.match(res.html, /<div class="field_with_errors"><textarea/);
    });

    it("a form without a valid authenticity token is rejected with 422", async () => {
      const before = openDb(app.db).prepare("SELECT COUNT(*) AS n FROM articles").get().n;
      const res = await b.form("/articles", { "article[title]": "CSRF", "article[body]": "A body that is long enough." }, "forged-token");
      assert.equal(res.status, 422);
      const fresh = browser(srv.url);
      const res2 = await fresh.form("/articles", { "article[title]": "CSRF", "article[body]": "A body that is long enough." });
      assert.equal(res2.status, 422);
      assert.equal(openDb(app.db).prepare("SELECT COUNT(*) AS n FROM articles").get().n, before);
    });

    it("the X-CSRF-Token header (what Turbo sends) is accepted", async () => {
      const token = b.token((await b("/articles")).html);
      const res = await b("/articles", { method: "POST", body: new URLSearchParams({ "article[title]": "Via header", "article[body]": "A body that is long enough." }),
        headers: { "content-type": "application/x-www-form-urlencoded", "x-csrf-token": token, accept: "text/vnd.turbo-stream.html, text/html, application/xhtml+xml" } });
      assert.equal(res.status, 302);
    });

    it("update redirects with a notice; comments can be added", async () => {
      const token = b.token((await b("/articles/2/edit")).html);
      const res = await b.form("/articles/2", { _method: "patch", "article[title]": "Turbo Streams (edited)", "article[body]": "Edited body, long enough." }, token);
      assert.equal(res.status, 303);
      const show = await b("/articles/2");
      assert.match(show.html, /Article was successfully updated\./);
      const c = await b.form("/articles/2/comments", { "comment[commenter]": "Tester", "comment[body]": "Nice one" }, b.token(show.html));
      assert.equal(c.status, 302);
      const index = await b("/articles");
      assert.match(index.html, /<div id="article_2"[\s\S]*?1 comment</);
      const bad = await b.form("/articles/2/comments", { "comment[commenter]": "", "comment[body]": "" }, b.token(index.html));
      assert.equal(bad.status, 422);
      assert.match(bad.html, /Commenter can&#39;t be blank/);
    });

    it("destroy removes the article and its comments", async () => {
      const db = openDb(app.db);
      assert.ok(db.prepare("SELECT COUNT(*) AS n FROM comments WHERE article_id = 1").get().n > 0);
      const token = b.token((await b("/articles/1")).html);
      const res = await b.form("/articles/1", { _method: "delete" }, token);
      assert.equal(res.status, 303);
      assert.equal(new URL(res.headers.get("location")).pathname, "/articles");
      assert.match((await b("/articles")).html, /Article was successfully destroyed\./);
      assert.equal(db.prepare("SELECT COUNT(*) AS n FROM articles WHERE id = 1").get().n, 0);
      assert.equal(db.prepare("SELECT COUNT(*) AS n FROM comments WHERE article_id = 1").get().n, 0);
      assert.equal((await b("/articles/1")).status, 404);
    });
  });

  describe("blog JSON", () => {
    it("/articles.json and /articles/:id.json render like the Rails scaffold (with url)", async () => {
      const res = await b("/articles.json");
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-type"), /^application\/json/);
      const list = JSON.parse(res.html);
      assert.ok(list.length >= 2);
      const a = list.find((x) => x.id === 2);
      assert.deepEqual(Object.keys(a), ["id", "title", "body", "created_at", "updated_at", "url"]);
      assert.equal(a.url, srv.url + "/articles/2.json");
      const one = JSON.parse((await b("/articles/2.json")).html);
      assert.equal(one.title, "Turbo Streams (edited)");
      assert.equal(one.url, srv.url + "/articles/2.json");
    });

    it("respondTo chooses JSON by the Accept header", async () => {
      const res = await b("/articles/2", { headers: { accept: "application/json" } });
      assert.equal(res.status, 200);
      assert.equal(JSON.parse(res.html).id, 2);
    });

    it("an invalid JSON create answers 422 with the errors (token in the header)", async () => {
      const token = b.token((await b("/articles")).html);
      const res = await b("/articles.json", { method: "POST", body: JSON.stringify({ article: { title: "", body: "x" } }), headers: { "content-type": "application/json", "x-csrf-token": token } });
      assert.equal(res.status, 422);
      assert.deepEqual(JSON.parse(res.html), { title: ["can't be blank"], body: ["is too short (minimum is 10 characters)"] });
      const ok = await b("/articles.json", { method: "POST", body: JSON.stringify({ article: { title: "JSON", body: "Created through JSON." } }), headers: { "content-type": "application/json", "x-csrf-token": token } });
      assert.equal(ok.status, 201);
      const created = JSON.parse(ok.html);
      assert.equal(ok.headers.get("location"), srv.url + "/articles/" + created.id);
    });
  });

  describe("blog live updates", () => {
    it("a new article is broadcast as a prepend turbo-stream to subscribers of \"articles\"", async () => {
      const WebSocket = require("ws");
      const ws = new WebSocket(srv.url.replace("http", "ws") + "/cable", ["actioncable-v1-json", "actioncable-unsupported"], { origin: srv.url });
      const frames = [];
      const waitFor = (pred, ms = 5000) => new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error("timed out; frames: " + JSON.stringify(frames))), ms);
        const check = () => { const f = frames.find(pred); if (f) { clearTimeout(t); resolve(f); } else setTimeout(check, 20); };
        check();
      });
      ws.on("message", (d) => frames.push(JSON.parse(String(d))));
      await waitFor((f) => f.type === "welcome");
      const identifier = JSON.stringify({ channel: "Turbo::StreamsChannel", signed_stream_name: signed("articles") });
      ws.send(JSON.stringify({ command: "subscribe", identifier }));
      await waitFor((f) => f.type === "confirm_subscription" && f.identifier === identifier);
      const token = b.token((await b("/articles/new")).html);
      const res = await b.form("/articles", { "article[title]": "Live one", "article[body]": "Broadcast to every open index page." }, token);
      assert.equal(res.status, 302);
      const id = new URL(res.headers.get("location")).pathname.split("/").pop();
      const msg = await waitFor((f) => f.identifier === identifier && typeof f.message === "string" && f.message.includes("Live one"));
      assert.match(msg.message, new RegExp('^<turbo-stream action="prepend" target="articles"><template><div id="article_' + id + '"'));
      assert.match(msg.message, /0 comments/);
      ws.close();
    });
  });
}
