// tests/ruby/ruby.test.mjs — Ruby source compiled by quickrail itself, through the real binary:
// a Ruby app (tests/ruby/fixtures/api: models, controllers, routes, migrations, seeds in Ruby)
// prepared by `quickrail db:prepare` and served by the real server; runtime errors name the
// Ruby file and line; a compile error stops boot with path:line:col, the line and a caret;
// `quickrail build` writes line-aligned JS; golden files (tests/ruby/golden/**/X.rb -> X.js)
// pin the generated code per Rails file kind (UPDATE_GOLDEN=1 rewrites them).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { startServer, ROOT, BIN } from "../lib/server.mjs";

const ENV = { ...process.env, QUICKRAIL_ENV: "test", SECRET_KEY_BASE: "ruby-tests-secret", QUICKRAIL_CACHE: "0" };

function copyApp(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-ruby-"));
  const src = path.join(ROOT, "tests/ruby/fixtures", name);
  fs.cpSync(src, dir, { recursive: true, filter: (p) => !/\.sqlite3(-wal|-shm)?$|\/tmp(\/|$)/.test(p.slice(src.length)) });
  return dir;
}
function run(args, cwd) { return spawnSync(BIN, args, { cwd, env: ENV, encoding: "utf8" }); }

let app, srv;
before(async () => {
  app = copyApp("api");
  const r = run(["db:prepare"], app);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /create_comments: migrated/);
  assert.match(r.stdout + r.stderr, /Seeded the database from db\/seeds\.rb/);
  srv = await startServer({ app, workers: 1, env: { SECRET_KEY_BASE: ENV.SECRET_KEY_BASE, QUICKRAIL_CACHE: "0" } });
});
after(async () => { if (srv) await srv.stop(); if (app) fs.rmSync(app, { recursive: true, force: true }); });

const form = (fields) => ({ method: "POST", body: new URLSearchParams(fields), headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" } });

test("a Ruby model, controller, routes and seeds serve JSON through the real server", async () => {
  const res = await fetch(srv.url + "/articles");
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), [{ id: 1, title: "Hello", summary: "Hello (21 chars)" }]);
});

test("case/when over ranges, string interpolation and an association size", async () => {
  const res = await fetch(srv.url + "/articles/1");
  assert.equal(res.status, 200);
  assert.equal(await res.text(), "Hello: Hello from Ruby seeds [medium, 0 comments]");
});

test("create: valid -> 201 with location, invalid -> 422 with the validation messages", async () => {
  let res = await fetch(srv.url + "/articles", form({ "article[title]": "Second", "article[body]": "long enough body" }));
  assert.equal(res.status, 201);
  const { id } = await res.json();
  assert.match(res.headers.get("location"), new RegExp("/articles/" + id + "$"));
  res = await fetch(srv.url + "/articles", form({ "article[title]": "", "article[body]": "short" }));
  assert.equal(res.status, 422);
  assert.deepEqual(await res.json(), ["Title can't be blank", "Body is too short (minimum is 10 characters)"]);
});

test("nested create runs the model's method and its after_create_commit block (self = the record)", async () => {
  const res = await fetch(srv.url + "/articles/1/comments", form({ "comment[commenter]": "ann", "comment[body]": "hi there" }));
  assert.equal(res.status, 201);
  const body = await res.json();
  assert.equal(body.shout, "HI THERE!");
  assert.equal(body.log, "created ann");
  assert.equal(await (await fetch(srv.url + "/articles/1")).text(), "Hello: Hello from Ruby seeds [medium, 1 comments]");
});

test("update (invalid -> 422) and destroy (-> 204, then 404)", async () => {
  let res = await fetch(srv.url + "/articles/1", { method: "PATCH", body: new URLSearchParams({ "article[title]": "" }) });
  assert.equal(res.status, 422);
  assert.deepEqual(await res.json(), { errors: ["Title can't be blank"] });
  res = await fetch(srv.url + "/articles", form({ "article[title]": "Doomed", "article[body]": "to be destroyed" }));
  const { id } = await res.json();
  res = await fetch(srv.url + "/articles/" + id, { method: "DELETE" });
  assert.equal(res.status, 204);
  res = await fetch(srv.url + "/articles/" + id);
  assert.equal(res.status, 404);
});

test("a runtime exception names the Ruby file and line in the log and on the error page, with the source", async () => {
  const res = await fetch(srv.url + "/articles/boom");
  assert.equal(res.status, 500);
  const line = fs.readFileSync(path.join(app, "app/controllers/articles_controller.rb"), "utf8").split("\n").findIndex((l) => l.includes("raise ArgumentError")) + 1;
  assert.ok(line > 0);
  const page = await res.text();
  assert.match(page, /<h1>ArgumentError in GET \/articles\/boom<\/h1>/);
  assert.ok(page.includes("Extracted source (around line " + line + ") app/controllers/articles_controller.rb"), page);
  assert.ok(page.includes("&gt; " + String(line).padStart(4) + "      raise ArgumentError, &quot;boom after #{total}&quot;"), page);
  const m = await srv.waitForLog(/boom after 6 \(at ([^)]*)\)\n  Application trace:\n    (.*)\n/, 5000);
  assert.equal(m[1], "app/controllers/articles_controller.rb:" + line);
  assert.equal(m[2], "app/controllers/articles_controller.rb:" + line + ":in 'boom'");
});

// The api app with app/models/comment.rb replaced by source; runs fn(dir), then removes the copy.
function withBrokenComment(source, fn) {
  const dir = copyApp("api");
  try {
    fs.writeFileSync(path.join(dir, "app/models/comment.rb"), source);
    return fn(dir);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

test("a syntax error stops boot (and quickrail build) with path:line:col, the source line and a caret", () => {
  withBrokenComment("class Comment < ApplicationRecord\n  belongs_to :article\n  def broken(\nend\n", (dir) => {
    const built = run(["build"], dir);
    assert.equal(built.status, 1, built.stdout + built.stderr);
    const boot = spawnSync(BIN, ["serve", dir, "-b", "127.0.0.1", "-p", "0", "-w", "1"], { env: ENV, encoding: "utf8", timeout: 20000 });
    assert.notEqual(boot.status, 0, "the server must not start");
    for (const out of [built.stderr, boot.stdout + boot.stderr]) {
      assert.match(out, /app\/models\/comment\.rb:4:1: unexpected `end`/);
      assert.match(out, /\n {2}end\n {2}\^\n/);
    }
  });
});

test("an unsupported construct names the feature and what to write instead", () => {
  withBrokenComment("class Comment < ApplicationRecord\n  def again\n    retry\n  end\nend\n", (dir) => {
    const r = run(["build"], dir);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /^app\/models\/comment\.rb:3:5: unsupported: `retry`/m);
    assert.match(r.stderr, /\n {2} {4}retry\n {2} {4}\^\n/);
    assert.match(r.stderr, /write a loop instead/);
  });
});

test("quickrail build writes line-aligned JS for every Ruby file, and misuse exits 2", () => {
  const dir = copyApp("api");
  try {
    const r = run(["build"], dir);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /Compiled 10 Ruby files \(\d+ lines\) in \d+ ms/);
    const rb = fs.readFileSync(path.join(dir, "app/controllers/articles_controller.rb"), "utf8").split("\n");
    const js = fs.readFileSync(path.join(dir, "tmp/quickrail-build/app/controllers/articles_controller.rb.js"), "utf8").split("\n");
    const at = (needle) => rb.findIndex((l) => l.includes(needle));
    assert.ok(js[at("def set_article")].includes("setArticle()"), js.join("\n"));
    assert.ok(js[at("params.require(:article)")].includes('(($t = (($t = this.params)?.require ? $t : $rb.nm($t, "require")).require("article"))?.permit ? $t : $rb.nm($t, "permit")).permit("title", "body")'));
    assert.ok(js[at("raise ArgumentError")].includes("throw $rb.raise(Error"));
    const bad = run(["build", "--bogus"], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /unknown option --bogus[\s\S]*Usage: quickrail build/);
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
});

// ---- golden files --------------------------------------------------------------------------
const GOLDEN = path.join(ROOT, "tests/ruby/golden");
function goldenSources(dir, rel = "") {
  const out = [];
  for (const n of fs.readdirSync(path.join(dir, rel)).sort()) {
    const p = rel ? rel + "/" + n : n;
    if (fs.statSync(path.join(dir, p)).isDirectory()) out.push(...goldenSources(dir, p));
    else if (/\.(rb|erb|jbuilder)$/.test(n)) out.push(p);
  }
  return out;
}

test("golden: each Rails file kind compiles to the expected JS", () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "qr-golden-"));
  try {
    const r = run(["build", GOLDEN, "--out", out], ROOT);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const files = goldenSources(GOLDEN);
    assert.ok(files.length >= 8, "golden sources: " + files.join(", "));
    for (const rel of files) {
      // templates carry their absolute path (for the error page): compare it relative to the repo
      const got = fs.readFileSync(path.join(out, rel + ".js"), "utf8").split(ROOT + "/").join("");
      const expectedFile = path.join(GOLDEN, rel + ".js");
      if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(expectedFile, got);
      assert.equal(got, fs.readFileSync(expectedFile, "utf8"), rel);
      assert.equal(got.split("\n").length - 1 >= 1, true);
    }
  } finally { fs.rmSync(out, { recursive: true, force: true }); }
});

// ---- Ruby semantics ------------------------------------------------------------------------
test("compiled Ruby keeps Ruby's semantics (the values Ruby 3 answers for calc.rb)", () => {
  const dir = path.join(ROOT, "tests/ruby/fixtures/semantics");
  const r = spawnSync(BIN, ["run", path.join(dir, "run.mjs")], { cwd: dir, env: ENV, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const got = JSON.parse(r.stdout.trim().split("\n").pop());
  assert.deepEqual(got, {
    truthy: ["yes", "yes", "no", "no"], either: [2, 0, "x"], both: [2, null, "z"], memo: [42, 42, 1],
    grade: ["A", "B", "C", "?"], words: "Hello Big World", sumEven: 6, pairs: "a=1&b=2",
    indexed: ["0:x", "1:y", "x0", "y1"], safe: [null, "A"], kw: [[1, 2, 3, []], [1, 5, 7, ["d"]]], splat: 3,
    withBlock: 30, unless: ["neg", "pos"], rescue: [12, -1],
    strings: ["hello!", 6, true, true, "HELLO!", false, true], interp: "v=5 n= a=2", ranges: [1, 2, 3, 4, 10, 20],
    hash: [1, 2, true, 9, 3, 6], loops: [0, 1, 2, 0, 2, 4], intDiv: [3, -4, 1, 2, 3.5, 1024],
    ternary: ["big", "small", "none"], multi: [2, 1], zero: "0 is true", lam: [9, 3, 16],
    presence: [true, true, false, false, true, "x"], limit: 3, label: ["L", "L", "yes", "z", "Q"],
  });
});
