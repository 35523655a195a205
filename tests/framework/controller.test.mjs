// Controllers and the application without a socket (app.request, as Hono's tests do):
// beforeAction, strong params, render with status, redirect + flash through the signed session
// cookie, CSRF, respondTo by extension/Accept, error pages (development and production), and
// app-defined Action Cable channels through the application's cable entry (app.cable).
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot, tmpDir } from "./support.mjs";

let q, app, Widget, calls = [];
function cookieOf(res) { const c = res.headers.get("set-cookie"); return c ? c.split(";")[0] : null; }
function tokenOf(html) { return /name="csrf-token" content="([^"]+)"/.exec(html)[1]; }

before(async () => {
  ({ q } = await boot());
  const root = tmpDir();
  for (const d of ["app", "app/views", "app/views/widgets", "app/views/layouts"]) Quickrail.mkdir(root + "/" + d);
  Quickrail.writeFile(root + "/app/views/layouts/application.html.erb", "<html><head><%= csrfMetaTags() %></head><body><% if (notice) { %><p id=notice><%= notice %></p><% } %><%= yield %></body></html>");
  Quickrail.writeFile(root + "/app/views/widgets/index.html.erb", "<% for (const w of @widgets) { %><i><%= w.name %></i><% } %>");
  Quickrail.writeFile(root + "/app/views/widgets/new.html.erb", "<%= formWith({ model: widget }, (f) => { %><%= f.textField(\"name\") %><% }) %><%= widget.errors.fullMessages.join(\",\") %>");
  Quickrail.writeFile(root + "/app/views/widgets/broken.html.erb", "ok\n<%= nope.boom() %>\n");
  Quickrail.writeFile(root + "/app/views/widgets/_widget.html.erb", "<li id=\"<%= domId(widget) %>\"><%= widget.name %></li>");
  Quickrail.writeFile(root + "/app/views/widgets/rename.turbo_stream.erb", "<%= turboStream.replace(widget) %>");
  new q.Migration().createTable("widgets", (t) => { t.string("name"); t.timestamps(); });
  Widget = class Widget extends q.ApplicationRecord {};
  Widget.validates("name", { presence: true });
  class WidgetsController extends q.Controller {
    index() { this.widgets = Widget.order("name"); this.respondTo({ html: null, json: () => this.render({ json: this.widgets }) }); }
    show() { this.render({ json: this.widget }); }
    new() { this.widget = new Widget(); }
    create() {
      this.widget = new Widget(this.params.require("widget").permit("name"));
      if (this.widget.save()) this.redirectTo("/widgets", { notice: "Widget created." });
      else this.render("new", { status: "unprocessable_entity" });
    }
    destroy() { this.widget.destroy(); this.head("no_content"); }
    broken() {}
    twice() { this.head(200); this.head(200); }
    rename() {
      const w = Widget.find(this.params.id);
      w.update({ name: this.params.name });
      this.widget = w;
      this.respondTo((format) => {
        format.turboStream();
        format.html(() => this.redirectTo("/widgets"));
      });
    }
    append() {
      const w = Widget.create({ name: "appended" });
      this.render({ turboStream: [this.turboStream.append("widgets", { partial: "widgets/widget", locals: { widget: w } }), this.turboStream.remove(w)] });
    }
    findWidget() { calls.push(this.actionName); this.widget = Widget.find(this.params.id); }
  }
  WidgetsController.beforeAction("findWidget", { only: ["show", "destroy"] });
  class ChatChannel extends q.Channel {
    subscribed() { if (this.params.room === "secret") return this.reject(); this.streamFrom("chat_" + this.params.room); this.transmit({ hello: this.user }); }
    speak(data) { this.transmit({ echo: data.body, by: this.user }); }
  }
  class Conn extends q.Connection {
    connect() { if (this.params.user === "bad") this.rejectUnauthorizedConnection(); this.user = this.params.user || "anon"; }
  }
  Conn.identifiedBy("user");
  app = q.Application.create({
    root, models: [Widget], controllers: [WidgetsController], channels: [ChatChannel], connection: Conn,
    routes: (r) => { r.resources("widgets"); r.get("/broken", "widgets#broken"); r.get("/twice", "widgets#twice"); r.get("/rename/:id", "widgets#rename"); r.get("/append", "widgets#append"); },
  });
});

describe("controllers through app.request", () => {
  it("renders templates in the layout and JSON by extension or Accept", async () => {
    Widget.create({ name: "b" }); Widget.create({ name: "a" });
    const res = await app.request("/widgets");
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<body><i>a<\/i><i>b<\/i><\/body>/);
    const j = await app.request("/widgets.json");
    assert.deepEqual((await j.json()).map((w) => w.name), ["a", "b"]);
    const j2 = await app.request("/widgets", { headers: { accept: "application/json" } });
    assert.match(j2.headers.get("content-type"), /^application\/json/);
  });

  it("runs beforeAction only where asked; RecordNotFound is a 404", async () => {
    calls.length = 0;
    const w = Widget.create({ name: "c" });
    assert.equal((await app.request("/widgets/" + w.id)).status, 200);
    assert.equal((await app.request("/widgets/999999")).status, 404);
    await app.request("/widgets");
    assert.deepEqual(calls, ["show", "show"]);
  });

  it("create: CSRF token from the session, 422 with errors, redirect with a notice in the flash", async () => {
    const page = await app.request("/widgets/new");
    const cookie = cookieOf(page);
    const token = tokenOf(await page.text());
    const post = (body, c, t) => app.request("/widgets", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie: c || cookie }, body: new URLSearchParams(Object.assign(t === null ? {} : { authenticity_token: t || token }, body)) });
    assert.equal((await post({ "widget[name]": "x" }, null, "bogus")).status, 422);
    assert.equal((await post({ "widget[name]": "x" }, "nothing=1")).status, 422);
    const bad = await post({ "widget[name]": "" });
    assert.equal(bad.status, 422);
    assert.match(await bad.text(), /Name can&#39;t be blank/);
    const ok = await post({ "widget[name]": "made", "widget[id]": "777" });
    assert.equal(ok.status, 302);
    assert.equal(ok.headers.get("location"), "http://localhost/widgets");
    assert.equal(Widget.findBy({ name: "made" }).id !== 777, true, "unpermitted params are dropped");
    const next = await app.request("/widgets", { headers: { cookie: cookieOf(ok) } });
    assert.match(await next.text(), /<p id=notice>Widget created\.<\/p>/);
    assert.equal((await post({}, null)).status, 400, "params.require raises ParameterMissing -> 400");
  });

  it("_method=delete routes to destroy; X-CSRF-Token header is accepted", async () => {
    const page = await app.request("/widgets/new");
    const cookie = cookieOf(page), token = tokenOf(await page.text());
    const w = Widget.create({ name: "gone" });
    const res = await app.request("/widgets/" + w.id, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie, "x-csrf-token": token }, body: "_method=delete" });
    assert.equal(res.status, 204);
    assert.equal(Widget.findBy({ name: "gone" }), null);
  });

  it("a tampered session cookie is ignored", async () => {
    const page = await app.request("/widgets/new");
    const token = tokenOf(await page.text());
    const [k, v] = cookieOf(page).split("=");
    const last = v[v.length - 1];
    const forged = k + "=" + v.slice(0, -1) + (last === "0" ? "1" : "0"); // always a different signature
    const res = await app.request("/widgets", { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", cookie: forged }, body: new URLSearchParams({ authenticity_token: token, "widget[name]": "z" }) });
    assert.equal(res.status, 422);
  });

  it("development error page shows the error, template and line; production is plain; 404 for unknown routes", async () => {
    const dev = await app.request("/broken");
    assert.equal(dev.status, 500);
    const html = await dev.text();
    assert.match(html, /TypeError/);
    assert.match(html, /Template app\/views\/widgets\/broken\.html\.erb, line 2/);
    assert.match(html, /&gt;\s+2\s+&lt;%= nope\.boom\(\) %&gt;/);
    assert.match(html, /<h2>Application Trace<\/h2>/);
    assert.match(html, /<summary>Full Trace \(\d+ frames\)<\/summary>/);
    app.config.showExceptions = false;
    try {
      const prod = await app.request("/broken");
      assert.equal(prod.status, 500);
      assert.equal(await prod.text(), "We're sorry, but something went wrong.\n");
      assert.equal((await app.request("/nope")).status, 404);
    } finally { app.config.showExceptions = true; }
    const nf = await app.request("/nope");
    assert.equal(nf.status, 404);
    assert.match(await nf.text(), /No route matches \[GET\] &quot;\/nope&quot;/);
  });

  it("turbo_stream responses: respondTo picks them by Accept; .turbo_stream.erb views and the builder", async () => {
    const w = Widget.create({ name: "old" });
    const ts = await app.request("/rename/" + w.id + "?name=new", { headers: { accept: "text/vnd.turbo-stream.html, text/html, application/xhtml+xml" } });
    assert.equal(ts.status, 200);
    assert.match(ts.headers.get("content-type"), /^text\/vnd\.turbo-stream\.html/);
    assert.equal(await ts.text(), '<turbo-stream action="replace" target="widget_' + w.id + '"><template><li id="widget_' + w.id + '">new</li></template></turbo-stream>');
    const html = await app.request("/rename/" + w.id + "?name=again", { headers: { accept: "text/html" } });
    assert.equal(html.status, 302);
    const ap = await (await app.request("/append")).text();
    assert.match(ap, /^<turbo-stream action="append" target="widgets"><template><li id="widget_(\d+)">appended<\/li><\/template><\/turbo-stream>\n<turbo-stream action="remove" target="widget_\1"><\/turbo-stream>$/);
  });

  it("render or redirect twice is a loud DoubleRenderError", async () => {
    const res = await app.request("/twice");
    assert.equal(res.status, 500);
    assert.match(await res.text(), /DoubleRenderError/);
  });
});

describe("app-defined Action Cable channels (the app's cable entry)", () => {
  const op = (o) => JSON.parse(app.cable.handle(JSON.stringify(o)));
  const id = (room) => JSON.stringify({ channel: "ChatChannel", room });
  it("connect sets identifiers or rejects as unauthorized", () => {
    assert.deepEqual(op({ op: "connect", url: "/cable?user=ann", headers: {} }), { ok: true, identifiers: { user: "ann" } });
    assert.deepEqual(op({ op: "connect", url: "/cable?user=bad", headers: {} }), { ok: false });
  });
  it("subscribe streams and transmits; reject; unknown channels answer ok:null", () => {
    assert.deepEqual(op({ op: "subscribe", identifiers: { user: "ann" }, identifier: id("lobby") }), { ok: true, transmit: [{ hello: "ann" }], streams: ["chat_lobby"] });
    assert.deepEqual(op({ op: "subscribe", identifiers: { user: "ann" }, identifier: id("secret") }), { ok: false, transmit: [], streams: [] });
    assert.deepEqual(op({ op: "subscribe", identifiers: {}, identifier: JSON.stringify({ channel: "NopeChannel" }) }), { ok: null });
  });
  it("perform calls the action with the data", () => {
    assert.deepEqual(op({ op: "perform", identifiers: { user: "bob" }, identifier: id("lobby"), data: JSON.stringify({ action: "speak", body: "hi" }) }),
      { transmit: [{ echo: "hi", by: "bob" }], streams: [], stopStreams: [] });
    assert.deepEqual(op({ op: "unsubscribe", identifiers: {}, identifier: id("lobby") }), {});
  });
});
