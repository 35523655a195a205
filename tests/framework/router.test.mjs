// Router: resources (nested, only), root, verbs, formats, named helpers, the routes table.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot } from "./support.mjs";

let q, r;
before(async () => {
  ({ q } = await boot());
  r = q.drawRoutes((m) => {
    m.resources("articles", () => {
      m.resources("comments", { only: ["create", "destroy"] });
      m.member(() => { m.post("publish"); });
      m.collection(() => { m.get("search"); });
    });
    m.resource("session", { only: ["new", "create", "destroy"] });
    m.get("/about", "pages#about", { as: "about" });
    m.namespace("admin", () => { m.resources("users", { except: ["destroy"] }); });
    m.root("articles#index");
  });
});

describe("router", () => {
  it("matches the seven resource routes", () => {
    const cases = [["GET", "/articles", "articles#index"], ["POST", "/articles", "articles#create"], ["GET", "/articles/new", "articles#new"],
      ["GET", "/articles/7/edit", "articles#edit"], ["GET", "/articles/7", "articles#show"], ["PATCH", "/articles/7", "articles#update"],
      ["PUT", "/articles/7", "articles#update"], ["DELETE", "/articles/7", "articles#destroy"], ["GET", "/", "articles#index"]];
    for (const [verb, path, to] of cases) {
      const m = r.match(verb, path);
      assert.ok(m, verb + " " + path);
      assert.equal(m.route.controller + "#" + m.route.action, to, verb + " " + path);
    }
    assert.equal(r.match("GET", "/articles/7").params.id, "7");
    assert.equal(r.match("HEAD", "/articles").route.action, "index");
  });

  it("nested resources with only:, member and collection routes, namespaces", () => {
    const m = r.match("POST", "/articles/3/comments");
    assert.deepEqual([m.route.controller, m.route.action, m.params.article_id], ["comments", "create", "3"]);
    assert.equal(r.match("DELETE", "/articles/3/comments/9").params.id, "9");
    assert.equal(r.match("GET", "/articles/3/comments"), null);
    assert.equal(r.match("POST", "/articles/3/publish").route.action, "publish");
    assert.equal(r.match("GET", "/articles/search").route.action, "search");
    assert.equal(r.match("GET", "/admin/users/2").route.controller, "admin/users");
    assert.equal(r.match("DELETE", "/admin/users/2"), null);
    assert.equal(r.match("GET", "/session/new").route.controller, "sessions");
    assert.equal(r.match("GET", "/about").route.action, "about");
  });

  it("extracts the format from an extension", () => {
    const m = r.match("GET", "/articles/5.json");
    assert.deepEqual(m.params, { id: "5", format: "json" });
    assert.equal(r.match("GET", "/articles.json").params.format, "json");
  });

  it("builds named route helpers", () => {
    const h = r.helpers(() => "http://example.test");
    const article = { id: 4, toParam() { return "4"; } };
    assert.equal(h.articlesPath(), "/articles");
    assert.equal(h.articlePath(article), "/articles/4");
    assert.equal(h.articlePath(4, { format: "json" }), "/articles/4.json");
    assert.equal(h.newArticlePath(), "/articles/new");
    assert.equal(h.editArticlePath(article), "/articles/4/edit");
    assert.equal(h.articleCommentsPath(article), "/articles/4/comments");
    assert.equal(h.articleCommentPath(article, 9), "/articles/4/comments/9");
    assert.equal(h.publishArticlePath(article), "/articles/4/publish");
    assert.equal(h.searchArticlesPath({ q: "a b" }), "/articles/search?q=a%20b");
    assert.equal(h.adminUsersPath(), "/admin/users");
    assert.equal(h.rootPath(), "/");
    assert.equal(h.aboutPath(), "/about");
    assert.equal(h.articleUrl(article, { format: "json" }), "http://example.test/articles/4.json");
    assert.throws(() => h.articlePath(), /missing required key :id/);
  });

  it("prints the routes table like `rails routes`", () => {
    const lines = r.table().split("\n");
    assert.match(lines[0], /^\s*Prefix Verb\s+URI Pattern\s+Controller#Action$/);
    assert.ok(lines.some((l) => /^\s*articles GET\s+\/articles\(\.:format\)\s+articles#index$/.test(l)));
    assert.ok(lines.some((l) => /^\s*article_comments POST\s+\/articles\/:article_id\/comments\(\.:format\)\s+comments#create$/.test(l)));
  });
});
