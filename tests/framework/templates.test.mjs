// ERB templates compiled to JS functions: escaping, raw output, code, blocks, partials with
// locals and collections, layouts with yield/contentFor, @assigns, and error locations.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot } from "./support.mjs";

let q, views, render;
before(async () => {
  ({ q } = await boot());
  views = new q.Views();
  const ctxMod = await import("../../lib/quickrail/view/context.js");
  render = (name, locals = {}, assigns = {}, layout = null) => {
    const vc = new ctxMod.ViewContext({ assigns, controllerPath: "posts" });
    return views.renderWithLayout(vc, name, locals, layout);
  };
});

describe("ERB templates", () => {
  it("escapes <%= %>, leaves <%- %> and <%== %> raw, skips <%# %>", () => {
    views.add("t/escape", "<p><%= x %></p><%- x %>|<%== x %><%# ignored %>|<%%= literal");
    assert.equal(render("t/escape", { x: "<b>&\"'" }), "<p>&lt;b&gt;&amp;&quot;&#39;</p><b>&\"'|<b>&\"'|<%= literal");
  });

  it("runs JavaScript code, loops and conditionals; statement lines leave no blank lines", () => {
    views.add("t/loop", "<ul>\n<% for (const i of items) { %>\n  <li><%= i * 2 %></li>\n<% } %>\n</ul>\n<% if (!items.length) { %>none<% } %>");
    assert.equal(render("t/loop", { items: [1, 2] }), "<ul>\n  <li>2</li>\n  <li>4</li>\n</ul>\n");
    assert.equal(render("t/loop", { items: [] }), "<ul>\n</ul>\nnone");
  });

  it("reads controller assigns as @name and as bare names; null and undefined print nothing", () => {
    views.add("t/assigns", "<%= @title %>/<%= title %>/<%= missing %>/<%= nothing %>");
    assert.equal(render("t/assigns", { title: "T", nothing: null }, { title: "T" }), "T/T//");
  });

  it("template literals and helpers resolve names inside ${}", () => {
    views.add("t/tpl", "<%= `${greeting}, ${name.toUpperCase()}` %> <%= pluralize(n, \"post\") %>");
    assert.equal(render("t/tpl", { greeting: "Hi", name: "ann", n: 2 }), "Hi, ANN 2 posts");
  });

  it("renders partials with locals and collections", () => {
    views.add("posts/_post", "<li><%= post.title %>#<%= post_counter %></li>");
    views.add("posts/_hello", "hello <%= who %>");
    views.add("t/partials", "<%= render(\"posts/hello\", { who: \"you\" }) %>|<%= render({ partial: \"posts/post\", collection: posts }) %>|<%= render(\"hello\", { who: \"me\" }) %>");
    const posts = [{ title: "a" }, { title: "<b>" }];
    assert.equal(render("t/partials", { posts }), "hello you|<li>a#0</li><li>&lt;b&gt;#1</li>|hello me");
  });

  it("layouts get the page through yield and blocks through contentFor", () => {
    views.add("layouts/app", "<title><%= yield(\"title\") %></title><main><%= yield %></main>");
    views.add("t/page", "<% contentFor(\"title\", \"Hello & bye\") %>body <%= 1 + 1 %>");
    assert.equal(render("t/page", {}, {}, "app"), "<title>Hello &amp; bye</title><main>body 2</main>");
    views.add("t/page2", "<% contentFor(\"title\", () => { %><i>T</i><% }) %>x");
    assert.equal(render("t/page2", {}, {}, "app"), "<title><i>T</i></title><main>x</main>");
  });

  it("block expressions capture their body (<%= helper(..., () => { %> ... <% }) %>)", () => {
    views.add("t/block", "<%= contentTag(\"div\", () => { %><b><%= word %></b><% }, { class: \"box\" }) %>");
    assert.equal(render("t/block", { word: "<x>" }), '<div class="box"><b>&lt;x&gt;</b></div>');
  });

  it("errors carry the template name and line", () => {
    views.add("t/broken", "line 1\n<%= ok %>\n<%= boom.explode() %>\n");
    assert.throws(() => render("t/broken", { ok: 1, boom: {} }), (e) => e.template === "t/broken.html.erb" && e.line === 3 && e.name === "TypeError");
    assert.throws(() => views.add("t/syntax", "<% if ( { %>"), /does not compile/);
  });
});
