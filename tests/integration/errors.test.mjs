// Errors with file and line, through the real server (development): a template that does not
// compile fails only the pages that render it — the boot goes on, other pages serve, and its
// page names the template, line and column with a caret and the template's own source (never
// the generated code); pending migrations make pages Rails' "Migrations are pending" error;
// db:migrate:status lists applied migrations whose file is gone as "NO FILE".
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startServer, runCli, prepareApp } from "../lib/server.mjs";

const DEV = { QUICKRAIL_ENV: "development", SECRET_KEY_BASE: "secret-key-base-for-tests" };

test("a broken template fails only its pages, with template:line:column and a caret", async () => {
  const dir = await prepareApp("tests/fixtures/autoload", { env: DEV });
  fs.writeFileSync(path.join(dir, "app/views/pages/hello.html.erb"), "<p>ok</p>\n<% if (name { %>\n<p>never</p>\n<% } %>\n");
  const srv = await startServer({ app: dir, workers: 1, env: DEV });
  try {
    assert.match(srv.logs(), /app\/views\/pages\/hello\.html\.erb: template pages\/hello\.html\.erb:2:1 does not compile: /);
    assert.equal((await fetch(srv.url + "/notes")).status, 200);
    const r = await fetch(srv.url + "/hello");
    assert.equal(r.status, 500);
    const page = await r.text();
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
    const r = await fetch(srv.url + "/notes");
    assert.equal(r.status, 500);
    const page = await r.text();
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
