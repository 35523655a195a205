// `quickrail generate` / `destroy` (aliases g / d) as `rails generate`: a scaffold in a Ruby app
// (Rails 7 templates in .rb/.erb/.jbuilder) and in a JavaScript app is served at once by
// convention — index, new, create (CSRF token and session cookie as a browser sends them),
// show, JSON, destroy — with no registration; migrations get timestamps and AddXToY /
// RemoveXFromY inference; controller and channel generators; destroy removes what generate
// made (files, migration, route line); misuse exits 2 saying how to call it.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startServer, runCli, prepareApp } from "../lib/server.mjs";

const ENV = { QUICKRAIL_ENV: "test", SECRET_KEY_BASE: "secret-key-base-for-tests" };
const cli = (cwd, ...args) => runCli(args, { cwd, env: ENV, timeoutMs: 30000 });

// Creates a record through the scaffold's HTML form, then reads and deletes it.
async function crud(url, resource, fields, expectJson) {
  const form = await fetch(url + "/" + resource + "/new");
  assert.equal(form.status, 200);
  const html = await form.text();
  const token = /name="authenticity_token" value="([^"]+)"/.exec(html)[1];
  const cookie = form.headers.get("set-cookie").split(";")[0];
  for (const k of Object.keys(fields)) assert.match(html, new RegExp('name="' + k.replace(/[[\]]/g, "\\$&") + '"'));
  const post = (body) => fetch(url + "/" + resource, { method: "POST", redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ authenticity_token: token, ...body }).toString() });
  const created = await post(fields);
  assert.equal(created.status, 302, await created.text());
  const loc = new URL(created.headers.get("location"));
  const next = (created.headers.get("set-cookie") || cookie).split(";")[0]; // the flash rides in the session
  assert.match(loc.pathname, new RegExp("^/" + resource + "/\\d+$"));
  const show = await fetch(url + loc.pathname, { headers: { cookie: next } });
  assert.equal(show.status, 200);
  assert.match(await show.text(), /was successfully created\./);
  const list = await (await fetch(url + "/" + resource + ".json")).json();
  assert.equal(list.length, 1);
  for (const [k, v] of Object.entries(expectJson)) assert.deepEqual(list[0][k], v, k);
  const del = await fetch(url + loc.pathname, { method: "POST", redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ _method: "delete", authenticity_token: token }).toString() });
  assert.ok([302, 303].includes(del.status), "destroy: " + del.status);
  assert.deepEqual(await (await fetch(url + "/" + resource + ".json")).json(), []);
}

test("a Ruby scaffold (Rails 7 templates) is served at once, and destroy removes it", async () => {
  const dir = await prepareApp("examples/blog-ruby", { env: ENV });
  const g = await cli(dir, "generate", "scaffold", "Post", "title:string", "body:text", "published:boolean", "due_on:date");
  assert.equal(g.code, 0, g.stdout + g.stderr);
  const made = ["app/models/post.rb", "app/controllers/posts_controller.rb", "app/views/posts/index.html.erb", "app/views/posts/_form.html.erb",
    "app/views/posts/_post.html.erb", "app/views/posts/show.json.jbuilder", "app/helpers/posts_helper.rb"];
  for (const f of made) { assert.match(g.stdout, new RegExp("create  " + f.replace(/\./g, "\\.") + "\n")); assert.ok(fs.existsSync(path.join(dir, f)), f); }
  const mig = /create  (db\/migrate\/(\d{14})_create_posts\.rb)/.exec(g.stdout);
  assert.ok(mig, g.stdout);
  assert.match(fs.readFileSync(path.join(dir, mig[1]), "utf8"), /class CreatePosts < ActiveRecord::Migration\[7\.1\]\n  def change\n    create_table :posts do \|t\|\n      t\.string :title\n      t\.text :body\n      t\.boolean :published\n      t\.date :due_on\n\n      t\.timestamps\n/);
  assert.match(fs.readFileSync(path.join(dir, "app/controllers/posts_controller.rb"), "utf8"), /params\.require\(:post\)\.permit\(:title, :body, :published, :due_on\)/);
  assert.match(fs.readFileSync(path.join(dir, "config/routes.rb"), "utf8"), /routes\.draw do\n  resources :posts\n/);
  const c = await cli(dir, "g", "controller", "Pages", "about");
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /route  get "pages\/about"/);
  assert.equal((await cli(dir, "db:migrate")).code, 0);

  const srv = await startServer({ app: dir, workers: 1, env: ENV });
  try {
    await crud(srv.url, "posts", { "post[title]": "Hello", "post[body]": "World", "post[published]": "1", "post[due_on]": "2026-12-24" },
      { title: "Hello", body: "World", published: true, due_on: "2026-12-24" });
    const about = await fetch(srv.url + "/pages/about");
    assert.equal(about.status, 200);
    assert.match(await about.text(), /Pages#about/);
    assert.equal((await fetch(srv.url + "/articles")).status, 200); // the app's own pages are untouched
  } finally { await srv.stop(); }

  const d = await cli(dir, "destroy", "scaffold", "Post");
  assert.equal(d.code, 0, d.stderr);
  for (const f of made.concat(mig[1])) { assert.match(d.stdout, new RegExp("remove  " + f.replace(/\./g, "\\."))); assert.ok(!fs.existsSync(path.join(dir, f)), f); }
  assert.ok(!fs.existsSync(path.join(dir, "app/views/posts")));
  assert.doesNotMatch(fs.readFileSync(path.join(dir, "config/routes.rb"), "utf8"), /resources :posts/);
  assert.equal((await cli(dir, "d", "controller", "Pages", "about")).code, 0);
  assert.doesNotMatch(fs.readFileSync(path.join(dir, "config/routes.rb"), "utf8"), /pages\/about/);
  assert.ok(!fs.existsSync(path.join(dir, "app/controllers/pages_controller.rb")));
});

test("a JavaScript scaffold is served at once in an app without app.js", async () => {
  const dir = await prepareApp("tests/fixtures/autoload", { env: ENV });
  const g = await cli(dir, "g", "scaffold", "Widget", "name:string", "size:integer", "project:references");
  assert.equal(g.code, 0, g.stdout + g.stderr);
  assert.match(g.stdout, /create  app\/controllers\/widgets_controller\.js\n/);
  assert.match(g.stdout, /route  r\.resources\("widgets"\);/);
  assert.match(fs.readFileSync(path.join(dir, "app/models/widget.js"), "utf8"), /Widget\.belongsTo\("project"\);/);
  assert.equal((await cli(dir, "db:migrate")).code, 0);
  const srv = await startServer({ app: dir, workers: 1, env: ENV });
  try {
    await crud(srv.url, "widgets", { "widget[name]": "cog", "widget[size]": "3", "widget[project_id]": "1" }, { name: "cog", size: 3, project_id: 1 });
  } finally { await srv.stop(); }
});

test("migrations: timestamps in order and Rails' name inference", async () => {
  const dir = await prepareApp("examples/blog-ruby", { env: ENV });
  const a = await cli(dir, "g", "migration", "AddViewsToArticles", "views:integer:index", "slug:string:uniq");
  const b = await cli(dir, "g", "migration", "RemoveBodyFromComments", "body:text");
  const c = await cli(dir, "g", "migration", "CreateTags", "name:string", "article:references");
  for (const r of [a, b, c]) assert.equal(r.code, 0, r.stderr);
  const files = fs.readdirSync(path.join(dir, "db/migrate")).sort();
  assert.deepEqual(files.slice(-3).map((f) => f.replace(/^\d+_/, "")), ["add_views_to_articles.rb", "remove_body_from_comments.rb", "create_tags.rb"]);
  const read = (n) => fs.readFileSync(path.join(dir, "db/migrate", files.find((f) => f.endsWith(n))), "utf8");
  assert.equal(read("add_views_to_articles.rb"), "class AddViewsToArticles < ActiveRecord::Migration[7.1]\n  def change\n    add_column :articles, :views, :integer\n    add_index :articles, :views\n    add_column :articles, :slug, :string\n    add_index :articles, :slug, unique: true\n  end\nend\n");
  assert.match(read("remove_body_from_comments.rb"), /remove_column :comments, :body, :text/);
  assert.match(read("create_tags.rb"), /create_table :tags do \|t\|\n      t\.string :name\n      t\.references :article, null: false, foreign_key: true\n/);
  const m = await cli(dir, "db:migrate");
  assert.equal(m.code, 0, m.stdout + m.stderr);
  assert.match(m.stdout, /add_views_to_articles: migrated/);
  assert.match(m.stdout, /create_tags: migrated/);
  const js = await prepareApp("tests/fixtures/autoload", { env: ENV });
  const j = await cli(js, "g", "migration", "AddColorToNotes", "color:string");
  assert.equal(j.code, 0);
  const jf = fs.readdirSync(path.join(js, "db/migrate")).find((f) => f.endsWith("_add_color_to_notes.js"));
  assert.match(fs.readFileSync(path.join(js, "db/migrate", jf), "utf8"), /export default class AddColorToNotes extends Migration \{\n  change\(\) \{\n    this\.addColumn\("notes", "color", "string"\);/);
  assert.equal((await cli(js, "db:migrate")).code, 0);
});

test("channel generator, and misuse explained with exit 2", async () => {
  const dir = await prepareApp("tests/fixtures/autoload", { env: ENV });
  const ch = await cli(dir, "g", "channel", "Game", "move");
  assert.equal(ch.code, 0);
  assert.match(fs.readFileSync(path.join(dir, "app/channels/game_channel.js"), "utf8"), /export default class GameChannel extends Channel \{[\s\S]*move\(data\) \{\}/);
  for (const [args, re] of [[["g"], /missing the generator/], [["g", "widget", "X"], /unknown generator 'widget'/], [["g", "scaffold"], /missing the NAME/],
    [["g", "model", "Thing", "size:huge"], /unknown type 'huge'/], [["g", "model", "Thing", "--frobnicate"], /unknown option --frobnicate/]]) {
    const r = await cli(dir, ...args);
    assert.equal(r.code, args.includes("size:huge") ? 1 : 2, args.join(" ") + ": " + r.stderr);
    assert.match(r.stderr, re);
  }
  const again = await cli(dir, "g", "channel", "Game", "move");
  assert.match(again.stdout, /identical  app\/channels\/game_channel\.js/);
});
