// View helpers: linkTo, buttonTo, formWith (errors, token, method), domId, pluralize, truncate,
// timeAgoInWords, simpleFormat, turboStreamFrom (signed stream names), csrfMetaTags, actionCableMetaTag.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot, SECRET } from "./support.mjs";

let q, h, Article, vc, withContext;
before(async () => {
  ({ q } = await boot());
  new q.Migration().createTable("articles", (t) => { t.string("title"); t.text("body"); t.timestamps(); });
  Article = class Article extends q.ApplicationRecord {};
  Article.validates("title", { presence: true });
  Article.register();
  h = q.helpers;
  const router = q.drawRoutes((m) => { m.resources("articles"); m.root("articles#index"); });
  const ctx = await import("../../lib/quickrail/view/context.js");
  withContext = ctx.withContext;
  // url helpers use the route helpers of the rendering view context's application
  vc = new ctx.ViewContext({ app: { routeHelpers: router.helpers(() => "http://x.test") } });
  vc.csrfToken = () => "TOKEN";
});
const inView = (fn) => String(withContext(vc, fn));

describe("helpers", () => {
  it("domId, pluralize, truncate", () => {
    const a = Article.create({ title: "x" });
    assert.equal(h.domId(a), "article_" + a.id);
    assert.equal(h.domId(new Article()), "new_article");
    assert.equal(h.domId(a, "edit"), "edit_article_" + a.id);
    assert.equal(h.pluralize(0, "comment"), "0 comments");
    assert.equal(h.pluralize(1, "comment"), "1 comment");
    assert.equal(h.pluralize(2, "person"), "2 people");
    assert.equal(h.truncate("a".repeat(120), { length: 100 }), "a".repeat(97) + "...");
    assert.equal(h.truncate("short", { length: 100 }), "short");
    assert.equal(h.truncate("Once upon a time in a world far far away", { length: 17, separator: " " }), "Once upon a...");
  });

  it("timeAgoInWords and simpleFormat", () => {
    const now = Date.now();
    assert.equal(h.timeAgoInWords(new Date(now - 10 * 1000)), "less than a minute");
    assert.equal(h.timeAgoInWords(new Date(now - 5 * 60 * 1000)), "5 minutes");
    assert.equal(h.timeAgoInWords(new Date(now - 60 * 60 * 1000)), "about 1 hour");
    assert.equal(h.timeAgoInWords(new Date(now - 3 * 24 * 3600 * 1000)), "3 days");
    assert.equal(h.timeAgoInWords(new Date(now - 400 * 24 * 3600 * 1000)), "about 1 year");
    assert.equal(String(h.simpleFormat("a\nb\n\n<c>")), "<p>a<br>b</p>\n\n<p>&lt;c&gt;</p>");
  });

  it("linkTo and buttonTo (turbo confirm, method override, token)", () => {
    const a = Article.create({ title: "y" });
    assert.equal(inView(() => h.linkTo("Show <it>", a, { class: "btn" })), '<a href="/articles/' + a.id + '" class="btn">Show &lt;it&gt;</a>');
    assert.equal(inView(() => h.linkTo("Del", "/x", { data: { turbo_method: "delete", turbo_confirm: "Sure?" } })), '<a href="/x" data-turbo-method="delete" data-turbo-confirm="Sure?">Del</a>');
    assert.equal(inView(() => h.buttonTo("Destroy", a, { method: "delete", form: { data: { turbo_confirm: "Are you sure?" } } })),
      '<form class="button_to" method="post" action="/articles/' + a.id + '" data-turbo-confirm="Are you sure?"><input type="hidden" name="_method" value="delete" autocomplete="off"><button type="submit">Destroy</button><input type="hidden" name="authenticity_token" value="TOKEN" autocomplete="off"></form>');
  });

  it("formWith: action and method from the record, token, errors wrapped, submit label", () => {
    const fresh = new Article({ title: "" });
    fresh.isValid();
    const html = inView(() => h.formWith({ model: fresh }, (f) => String(f.label("title")) + String(f.textField("title")) + String(f.submit())));
    assert.equal(html, '<form action="/articles" accept-charset="UTF-8" method="post"><input type="hidden" name="authenticity_token" value="TOKEN" autocomplete="off">' +
      '<div class="field_with_errors"><label for="article_title">Title</label></div><div class="field_with_errors"><input type="text" value="" name="article[title]" id="article_title"></div>' +
      '<input type="submit" name="commit" value="Create Article" data-disable-with="Create Article"></form>');
    const saved = Article.create({ title: "Saved" });
    const edit = inView(() => h.formWith({ model: saved }, (f) => String(f.textArea("title"))));
    assert.match(edit, /^<form action="\/articles\/\d+" accept-charset="UTF-8" method="post"><input type="hidden" name="_method" value="patch" autocomplete="off"><input type="hidden" name="authenticity_token"/);
    assert.match(edit, /<textarea name="article\[title\]" id="article_title">\nSaved<\/textarea>/);
  });

  it("turboStreamFrom signs stream names as turbo-rails does", () => {
    const html = String(h.turboStreamFrom("articles"));
    const token = /signed-stream-name="([^"]+)"/.exec(html)[1];
    assert.equal(Quickrail.verifyStreamName(token), "articles");
    if ((Quickrail.env.SECRET_KEY_BASE || SECRET) === SECRET && typeof process !== "undefined") {
      assert.equal(token, "ImFydGljbGVzIg==--62670e0803311c6b3bceb3d258c952d8e8ee9ac95e3baa094e63bba6e0f7d26f");
    }
    assert.match(html, /^<turbo-cable-stream-source channel="Turbo::StreamsChannel" signed-stream-name="[^"]+"><\/turbo-cable-stream-source>$/);
  });

  it("csrfMetaTags and actionCableMetaTag", () => {
    assert.equal(inView(() => h.csrfMetaTags()), '<meta name="csrf-param" content="authenticity_token">\n<meta name="csrf-token" content="TOKEN">');
    assert.equal(String(h.actionCableMetaTag()), '<meta name="action-cable-url" content="/cable">');
  });
});
