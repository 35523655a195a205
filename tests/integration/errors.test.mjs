// Errors with file and line, through the real server (development): a template that does not
// compile fails only the pages that render it — the boot goes on, other pages serve, and its
// page names the template, line and column with a caret and the template's own source (never
// the generated code); pending migrations make pages Rails' "Migrations are pending" error;
// db:migrate:status lists applied migrations whose file is gone as "NO FILE".
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer, runCli, prepareApp } from "../lib/server.mjs";

const DEV = { QUICKRAIL_ENV: "development", SECRET_KEY_BASE: "secret-key-base-for-tests" };
// The body of a response that must be a 500.
async function page500(url, init) { const r = await fetch(url, init); assert.equal(r.status, 500); return r.text(); }

test("a broken template fails only its pages, with template:line:column and a caret", async () => {
  const dir = await prepareApp("tests/fixtures/autoload", { env: DEV });
  fs.writeFileSync(path.join(dir, "app/views/pages/hello.html.erb"), "<p>ok</p>\n<% if (name { %>\n<p>never</p>\n<% } %>\n");
  const srv = await startServer({ app: dir, workers: 1, env: DEV });
  try {
    assert.match(srv.logs(), /app\/views\/pages\/hello\.html\.erb: template pages\/hello\.html\.erb:2:1 does not compile: /);
    assert.equal((await fetch(srv.url + "/notes")).status, 200);
    const page = await page500(srv.url + "/hello");
    assert.match(page, /template pages\/hello\.html\.erb:2:1 does not compile/);
    assert.match(page, /\n  &lt;% if \(name \{ %&gt;\n  \^/); // the line and the caret under it
    assert.match(page, /&gt;    2  &lt;% if \(name \{ %&gt;/); // the source excerpt marks line 2
    assert.doesNotMatch(page, /__ln|__c\.o|__h\.|__escape/); // no generated code
  } finally { await srv.stop(); }
});

test("pending migrations show Rails' page in development; NO FILE rows in db:migrate:status", async () => {
  const dir = await prepareApp("tests/fixtures/autoload", { env: DEV });
  const g = await runCli(["g", "migration", "AddColorToNotes", "color:string"], { cwd: dir, env: DEV });
  assert.equal(g.code, 0, g.stderr);
  const srv = await startServer({ app: dir, workers: 1, env: DEV });
  try {
    const page = await page500(srv.url + "/notes");
    assert.match(page, /ActiveRecord::PendingMigrationError/);
    assert.match(page, /Migrations are pending; run `quickrail db:migrate` to resolve this issue\./);
    assert.match(page, /db\/migrate\/\d{14}_add_color_to_notes\.js/);
    assert.equal((await runCli(["db:migrate"], { cwd: dir, env: DEV })).code, 0);
    assert.equal((await fetch(srv.url + "/notes")).status, 200); // migrated: served again
  } finally { await srv.stop(); }
  const file = fs.readdirSync(path.join(dir, "db/migrate")).find((f) => f.endsWith("_add_color_to_notes.js"));
  fs.unlinkSync(path.join(dir, "db/migrate", file));
  const st = await runCli(["db:migrate:status"], { cwd: dir, env: DEV });
  assert.equal(st.code, 0);
  assert.match(st.stdout, new RegExp("   up     " + file.slice(0, 14) + "  \\*{10} NO FILE \\*{10}\\n"));
  assert.match(st.stdout, /   up     20260101000001  create_notes\n/);
});

// A fresh Ruby app (quickrail new + a scaffold) with a model method that calls a missing method.
async function rubyAppWithBug(envs) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-err-"));
  assert.equal((await runCli(["new", "bugs"], { cwd: dir, env: DEV })).code, 0);
  const app = path.join(dir, "bugs");
  assert.equal((await runCli(["g", "scaffold", "Note", "title:string"], { cwd: app, env: DEV })).code, 0);
  fs.writeFileSync(path.join(app, "app/models/note.rb"), "class Note < ApplicationRecord\n  def shout\n    title.upcase.exclaim(3)\n  end\nend\n");
  const ctl = path.join(app, "app/controllers/notes_controller.rb");
  fs.writeFileSync(ctl, fs.readFileSync(ctl, "utf8").replace("    @notes = Note.all\n", "    @notes = Note.all\n    Note.new(title: \"hi\").shout\n")
    .replace("  def edit\n", "  def edit\n    total = countt + 1\n"));
  fs.writeFileSync(path.join(app, "app/views/notes/new.html.erb"), "<h1>New note <%= Note.count %> <%= Note.new(title: \"t\").title %></h1>\n<p><%= @note.titel(1) %></p>\n");
  fs.writeFileSync(path.join(app, "app/helpers/notes_helper.rb"), "module NotesHelper\n  def fancy(s)\n    s.upcase.shout(1)\n  end\nend\n");
  fs.writeFileSync(path.join(app, "app/views/notes/show.html.erb"), "<h1>Note</h1>\n<%= fancy(@note.title) %>\n");
  fs.writeFileSync(path.join(app, "db/seeds.rb"), "Note.create!(title: \"seeded\")\n");
  for (const e of envs) for (const task of ["db:migrate", "db:seed"]) { const r = await runCli([task], { cwd: app, env: e }); assert.equal(r.code, 0, r.stderr); }
  return app;
}
const CTL_LINE = 7; // the added `Note.new(title: "hi").shout` in the scaffold's index

test("Ruby: NoMethodError names the method and receiver; the page shows the .rb source with a caret and the application trace", async () => {
  const app = await rubyAppWithBug([DEV]);
  const srv = await startServer({ app, workers: 1, env: DEV });
  try {
    const page = await page500(srv.url + "/notes");
    assert.match(page, /<h1>NoMethodError in GET \/notes<\/h1>/);
    assert.match(page, /undefined method &#39;exclaim&#39; for an instance of String/);
    assert.match(page, /Extracted source \(around line 3\) app\/models\/note\.rb/);
    // the failing line, marked, then the caret under `exclaim` (8 columns of gutter)
    assert.match(page, /&gt;    3      title\.upcase\.exclaim\(3\)\n {25}<b class="caret">\^<\/b>\n/);
    const appTrace = /<h2>Application Trace<\/h2><pre class="trace app">([^<]*)<\/pre>/.exec(page);
    assert.ok(appTrace, page);
    assert.equal(appTrace[1], "app/models/note.rb:3:in &#39;shout&#39;\napp/controllers/notes_controller.rb:" + CTL_LINE + ":in &#39;index&#39;");
    // framework frames: collapsed, dimmed, app-relative to the framework
    assert.match(page, /<details class="framework"><summary>Framework Trace \(\d+ frames\)<\/summary><pre class="trace">[^<]*lib\/quickrail\/controller\.js:\d+:in &#39;processAction&#39;/);
    assert.match(page, /<summary>Full Trace \(\d+ frames\)<\/summary><pre class="trace">[^<]*app\/models\/note\.rb:3/);
    assert.doesNotMatch(page, /\$rb\.nm|\$t = /); // never the generated code
    const log = await srv.waitForLog(/NoMethodError: undefined method 'exclaim' for an instance of String \(at app\/models\/note\.rb:3\)\n  Application trace:\n    app\/models\/note\.rb:3:in 'shout'\n    app\/controllers\/notes_controller\.rb:(\d+):in 'index'\n  Framework trace:\n/);
    assert.equal(Number(log[1]), CTL_LINE);
    // in a template (whose line 1 uses model constants: they work): the template's line is the
    // first frame of the application trace
    const tpage = await page500(srv.url + "/notes/new");
    assert.match(tpage, /undefined method &#39;titel&#39; for an instance of Note/);
    assert.match(tpage, /&gt;    2  &lt;p&gt;&lt;%= @note\.titel\(1\) %&gt;&lt;\/p&gt;\n {21}<b class="caret">\^<\/b>\n/);
    assert.match(tpage, /<pre class="trace app">app\/views\/notes\/new\.html\.erb:2:in &#39;render&#39;/);
    await srv.waitForLog(/NoMethodError: undefined method 'titel' for an instance of Note \(at app\/views\/notes\/new\.html\.erb:2\)\n  Application trace:\n    app\/views\/notes\/new\.html\.erb:2:in 'render'\n/);
    // a bare name that is no local and no method: Ruby's NameError
    const npage = await page500(srv.url + "/notes/1/edit");
    assert.match(npage, /<h1>NameError in GET \/notes\/1\/edit<\/h1>/);
    assert.match(npage, /<b>undefined local variable or method &#39;countt&#39; for an instance of NotesController<\/b>/);
    assert.match(npage, /&gt;   \d\d      total = countt \+ 1\n {20}<b class="caret">\^<\/b>/);
    // in a helper a template calls: the helper's source, then the template in the trace
    const hpage = await page500(srv.url + "/notes/1");
    assert.match(hpage, /undefined method &#39;shout&#39; for an instance of String/);
    assert.match(hpage, /Extracted source \(around line 3\) app\/helpers\/notes_helper\.rb/);
    assert.match(hpage, /<pre class="trace app">app\/helpers\/notes_helper\.rb:3:in &#39;fancy&#39;\napp\/views\/notes\/show\.html\.erb:2:in &#39;render&#39;<\/pre>/);
  } finally { await srv.stop(); }
});

test("Ruby in production: a plain 500 page, and the log line still names the method and the .rb line", async () => {
  const PROD = { QUICKRAIL_ENV: "production", SECRET_KEY_BASE: DEV.SECRET_KEY_BASE };
  const app = await rubyAppWithBug([PROD]);
  const srv = await startServer({ app, workers: 1, env: PROD });
  try {
    const page = await page500(srv.url + "/notes");
    assert.doesNotMatch(page, /exclaim|note\.rb|Trace/);
    assert.match(page, /something went wrong/i);
    await srv.waitForLog(/NoMethodError: undefined method 'exclaim' for an instance of String \(at app\/models\/note\.rb:3\)\n  Application trace:\n    app\/models\/note\.rb:3:in 'shout'\n/);
  } finally { await srv.stop(); }
});

test("JS: a call of a missing method names it (`note.titel is not a function`) at the app's file:line", async () => {
  const dir = await prepareApp("tests/fixtures/autoload", { env: DEV });
  const ctl = path.join(dir, "app/controllers/notes_controller.js");
  fs.writeFileSync(ctl, fs.readFileSync(ctl, "utf8").replace("  index() {\n", "  index() {\n    const note = new Note({ title: \"x\" });\n    note.titel();\n")
    .replace(/  create\(\) \{\n/, "$&    this.render({ json: Note.order({ id: \"asc\" }).titel() });\n"));
  const srv = await startServer({ app: dir, workers: 1, env: DEV });
  try {
    const page = await page500(srv.url + "/notes");
    assert.match(page, /<b>note\.titel is not a function<\/b>/);
    assert.match(page, /Extracted source \(around line 7\) app\/controllers\/notes_controller\.js/);
    assert.match(page, /&gt;    7      note\.titel\(\);\n {17}<b class="caret">\^<\/b>\n/);
    assert.match(page, /<pre class="trace app">app\/controllers\/notes_controller\.js:7:in &#39;index&#39;<\/pre>/);
    await srv.waitForLog(/TypeError: note\.titel is not a function \(at app\/controllers\/notes_controller\.js:7\)\n  Application trace:\n    app\/controllers\/notes_controller\.js:7:in 'index'\n/);
    // three calls on the line: the controller's own render and the model's order are functions
    const cpage = await page500(srv.url + "/notes", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.match(cpage, /<b>Note\.order\(\{ id: &quot;asc&quot; \}\)\.titel is not a function<\/b>/);
    assert.match(cpage, /\(\{ id: &quot;asc&quot; \}\)\.titel\(\) \}\);\n {58}<b class="caret">\^<\/b>/);
  } finally { await srv.stop(); }
});

test("a failing migration names its file, line and SQL; db:migrate exits 1; it is rolled back, the earlier ones stay", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-mig-"));
  assert.equal((await runCli(["new", "migs"], { cwd: dir, env: DEV })).code, 0);
  const app = path.join(dir, "migs");
  for (const g of [["scaffold", "Note", "title:string"], ["migration", "AddColorToNotes", "color:string"], ["migration", "AddColorToPosts", "color:string"]])
    assert.equal((await runCli(["g", ...g], { cwd: app, env: DEV })).code, 0);
  const file = "db/migrate/" + fs.readdirSync(path.join(app, "db/migrate")).find((f) => f.endsWith("_add_color_to_posts.rb"));
  const version = file.slice(11, 25);
  let r = await runCli(["db:migrate"], { cwd: app, env: DEV });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "quickrail: " + file + ":3: no such table: posts -- SQL: ALTER TABLE \"posts\" ADD \"color\" varchar\n" +
    "this and all later migrations canceled; " + version + " was rolled back, the 2 migrated before it stay applied\n");
  let st = await runCli(["db:migrate:status"], { cwd: app, env: DEV });
  assert.match(st.stdout, /   up     \d{14}  create_notes\n   up     \d{14}  add_color_to_notes\n   down   \d{14}  add_color_to_posts/);
  // a runtime error after a statement that worked: the statement is rolled back with it
  fs.writeFileSync(path.join(app, file), "class AddColorToPosts < ActiveRecord::Migration[7.1]\n  def change\n    add_column :notes, :size, :string\n    fix_me 1\n  end\nend\n");
  r = await runCli(["db:migrate"], { cwd: app, env: DEV });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp("^quickrail: " + file + ":4: NoMethodError: undefined method 'fix_me' for an instance of AddColorToPosts\n"));
  fs.writeFileSync(path.join(app, file), "class AddColorToPosts < ActiveRecord::Migration[7.1]\n  def change\n    add_column :notes, :size, :string\n  end\nend\n");
  r = await runCli(["db:migrate"], { cwd: app, env: DEV }); // would fail with "duplicate column" had `size` stayed
  assert.equal(r.code, 0, r.stderr);
  st = await runCli(["db:migrate:status"], { cwd: app, env: DEV });
  assert.match(st.stdout, /   up     \d{14}  add_color_to_posts/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a JS migration: a failing statement and a syntax error name the .js file and line", async () => {
  const dir = await prepareApp("tests/fixtures/autoload", { env: DEV });
  const file = "db/migrate/20990101000000_add_x.js";
  fs.writeFileSync(path.join(dir, file), "import { Migration } from \"quickrail\";\nexport default class AddX extends Migration {\n  change() {\n    this.addColumn(\"notes\", \"x\", \"string\");\n    this.execute(\"UPDATE nope SET a = 1\");\n  }\n}\n");
  let r = await runCli(["db:migrate"], { cwd: dir, env: DEV });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^quickrail: db\/migrate\/20990101000000_add_x\.js:5: no such table: nope -- SQL: UPDATE nope SET a = 1\nthis and all later migrations canceled; 20990101000000 was rolled back\n/);
  fs.writeFileSync(path.join(dir, file), "import { Migration } from \"quickrail\";\nexport default class AddX extends Migration {\n  change() {\n    this.addColumn(\"notes\", \"x\" \"string\");\n  }\n}\n");
  r = await runCli(["db:migrate"], { cwd: dir, env: DEV });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^quickrail: db\/migrate\/20990101000000_add_x\.js:4: SyntaxError: expecting ','\n/);
});
