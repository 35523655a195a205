// Autoloading by convention through the real server: an app with no app.js
// (tests/fixtures/autoload, copied to a temp dir) is prepared by the db tasks, served, and every
// piece is found by Rails' naming: models (a default export, a named export in a .mjs file, an
// abstract ApplicationRecord that is not registered), controllers (a namespaced
// Admin::NotesController routed as admin/notes), helpers, views, channels (Chat::RoomChannel from
// a subfolder) and the ApplicationCable connection, with the real @rails/actioncable client. The
// CLI tasks (routes, console) load the same app; a file that does not define the constant its
// name promises stops the boot with an error naming the file; an app.js still wins over the
// convention.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { startServer, runCli, prepareApp, ROOT, BIN } from "../lib/server.mjs";
import { createConsumer, subscribe, waitReceived } from "../cable/lib/actioncable.mjs";

const FIXTURE = path.join(ROOT, "tests/fixtures/autoload");
const ENV = { QUICKRAIL_ENV: "test", SECRET_KEY_BASE: "secret-key-base-for-tests" };

function copyApp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-autoload-"));
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

let dir, srv;
const consumers = [];
before(async () => {
  dir = await prepareApp(FIXTURE, { env: ENV });
  assert.ok(fs.existsSync(path.join(dir, "db/test.sqlite3")));
  srv = await startServer({ app: dir, workers: 1, env: ENV });
});
after(async () => {
  for (const c of consumers) c.disconnect();
  await srv?.stop();
});

test("the app has no app.js, and it serves pages through its controllers, helpers and views", async () => {
  assert.equal(fs.existsSync(path.join(dir, "app.js")), false);
  const r = await fetch(srv.url + "/notes");
  assert.equal(r.status, 200);
  const html = await r.text();
  assert.match(html, /<title>Notes · Autoloaded<\/title>/); // application_helper + layout
  assert.match(html, /<li>\* first<\/li>\s*<li>\* second<\/li>/); // notes_helper + notes/index
  assert.equal(await (await fetch(srv.url + "/")).text(), html); // root "notes#index"
  assert.match(await (await fetch(srv.url + "/hello?name=Ada")).text(), /<p>Hello, Ada!<\/p>/);
  assert.equal(await (await fetch(srv.url + "/notes/2")).text(), "SECOND"); // a model method
});

test("models are registered by file name; the abstract ApplicationRecord is not a model", async () => {
  const created = await fetch(srv.url + "/notes.json", { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify({ note: { title: "third" } }) });
  assert.equal(created.status, 201);
  const invalid = await fetch(srv.url + "/notes.json", { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify({ note: { title: "" } }) });
  assert.equal(invalid.status, 422);
  assert.deepEqual(await invalid.json(), { title: ["can't be blank"] });
  const list = await (await fetch(srv.url + "/notes.json")).json();
  assert.deepEqual(list.map((n) => n.title), ["first", "second", "third"]);
  const con = await runCli(["console"], { cwd: dir, env: ENV });
  assert.match(con.stdout, /Models: Note, Project, Tag, Task\./);
});

test("a controller in a subfolder is the namespaced controller of its route", async () => {
  const r = await fetch(srv.url + "/admin/notes");
  assert.equal(r.status, 200);
  assert.match(await r.text(), /<p>admin: \d+ notes<\/p>/);
  const routes = await runCli(["routes"], { cwd: dir, env: ENV });
  assert.equal(routes.code, 0, routes.stderr);
  assert.match(routes.stdout, /admin_notes GET\s+\/admin\/notes\(\.:format\)\s+admin\/notes#index/);
});

test("channels and the connection are found in app/channels (a subfolder names the module)", async () => {
  const c = createConsumer(`ws://127.0.0.1:${srv.port}/cable?user=ada`, srv.url);
  consumers.push(c);
  const echo = await subscribe(c, { channel: "EchoChannel" });
  assert.equal(echo.status, "connected");
  assert.deepEqual(await waitReceived(echo, 1), [{ welcome: "ada" }]); // identified by the connection
  echo.subscription.perform("say", { text: "hi" });
  await waitReceived(echo, 2);
  assert.deepEqual(echo.received[1], { echo: "hi", user: "ada" });
  const room = await subscribe(c, { channel: "Chat::RoomChannel", room: "lobby" });
  assert.equal(room.status, "connected");
  assert.deepEqual(await waitReceived(room, 1), [{ joined: "lobby" }]);
  // The superclass in application_cable/ is no channel: unknown, so never confirmed (as Rails).
  await assert.rejects(subscribe(c, { channel: "ApplicationCable::Channel" }, 1000), /no confirmation/);
});

test("a file that does not define its constant stops the boot with an error naming it", async () => {
  const bad = copyApp();
  fs.writeFileSync(path.join(bad, "app/controllers/reports_controller.js"), "export const nothing = 1;\n");
  const proc = spawn(BIN, ["serve", bad, "-b", "127.0.0.1", "-p", "0", "-w", "1"], { env: { ...process.env, ...ENV }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout.on("data", (d) => (out += d));
  proc.stderr.on("data", (d) => (out += d));
  const code = await new Promise((resolve) => proc.on("exit", (c) => resolve(c)));
  assert.equal(code, 1, out);
  assert.match(out, /expected file \S*\/app\/controllers\/reports_controller\.js to define constant ReportsController/);
});

test("an app.js, when there is one, is the app (the convention is not used)", async () => {
  const own = copyApp();
  fs.writeFileSync(path.join(own, "app.js"), 'export default { fetch() { return new Response("from app.js"); } };\n');
  const s = await startServer({ app: own, workers: 1, env: ENV });
  try {
    assert.equal(await (await fetch(s.url + "/notes")).text(), "from app.js");
  } finally {
    await s.stop();
  }
});
