// tests/ruby/features.test.mjs — the Rails features real apps use, compiled from Ruby and run by
// the real server (tests/ruby/fixtures/features, autoloaded, no app.js): concerns
// (ActiveSupport::Concern in app/models/concerns and app/controllers/concerns: included,
// class_methods, instance methods), enum (names, predicates, bang methods, scopes, the mapping),
// delegate (prefix, allow_nil), define_method, helper_method, around_action (yield or halt),
// before_action except:, redirect_back, respond_to with a 422 JSON error, retry in rescue; and
// the clear compile errors for what stays unsupported.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { startServer, ROOT, BIN } from "../lib/server.mjs";

const ENV = { ...process.env, QUICKRAIL_ENV: "test", SECRET_KEY_BASE: "ruby-features-secret", QUICKRAIL_CACHE: "0" };

function copyApp() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-rbfeat-"));
  const src = path.join(ROOT, "tests/ruby/fixtures/features");
  fs.cpSync(src, dir, { recursive: true, filter: (p) => !/\.sqlite3(-wal|-shm)?$|\/tmp(\/|$)/.test(p.slice(src.length)) });
  return dir;
}
const run = (args, cwd) => spawnSync(BIN, args, { cwd, env: ENV, encoding: "utf8" });

let app, srv;
before(async () => {
  app = copyApp();
  const r = run(["db:prepare"], app);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  srv = await startServer({ app, workers: 1, env: { SECRET_KEY_BASE: ENV.SECRET_KEY_BASE, QUICKRAIL_CACHE: "0" } });
});
after(async () => { if (srv) await srv.stop(); if (app) fs.rmSync(app, { recursive: true, force: true }); });

const text = async (p, init) => { const res = await fetch(srv.url + p, init); return [res.status, await res.text(), res]; };
const post = (p, fields = {}, headers = {}) =>
  fetch(srv.url + p, { method: "POST", redirect: "manual", body: new URLSearchParams(fields), headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", ...headers } });
const field = (html, id) => (new RegExp(`<p id="${id}">([^<]*)</p>`).exec(html) || [])[1];

test("a concern's scope and class method, enum scopes (and not_), the enum mapping", async () => {
  const [status, body] = await text("/posts");
  assert.equal(status, 200);
  assert.equal(body, "Hello,Draft,Old,Later|Hello,Later|3|draft,published,archived");
});

test("enum attribute reads names, predicates; delegate with prefix and allow_nil; define_method (also in a class-level each); helper_method in a view; around_action and a concern's before_action", async () => {
  let [status, html] = await text("/posts/1");
  assert.equal(status, 200, html);
  assert.equal(field(html, "status"), "published true false");
  assert.equal(field(html, "author"), "ann &quot;ann@example.com&quot;");
  assert.equal(field(html, "me"), "ann");
  assert.equal(field(html, "around"), "wrapped hi 1");
  assert.equal(field(html, "defined"), "HELLO! true archived: Hello");
  [status, html] = await text("/posts/3?as=bob");
  assert.equal(field(html, "status"), "archived false false");
  assert.equal(field(html, "author"), "bob nil");
  assert.equal(field(html, "me"), "bob");
  assert.equal(field(html, "defined"), "OLD! true archived: Old");
});

test("around_action that does not yield halts the action with its own response", async () => {
  const [status, body] = await text("/posts/1?halt=1");
  assert.equal(status, 403);
  assert.equal(body, "");
});

test("create: an enum given by name is stored and read back; invalid -> 422 JSON from respond_to", async () => {
  let res = await post("/posts", { title: "New one", status: "archived" });
  assert.equal(res.status, 201);
  const created = await res.json();
  assert.equal(created.status, "archived");
  assert.equal(created.draft, false);
  assert.equal(created.record.status, "archived"); // a record's JSON shows the enum's name
  assert.equal(created.record.title, "New one");
  res = await post("/posts", { title: "", status: "draft" });
  assert.equal(res.status, 422);
  assert.deepEqual(await res.json(), ["Title can't be blank"]);
  res = await post("/posts", { title: "Bad", status: "bogus" });
  assert.equal(res.status, 500); // Rails raises ArgumentError: 'bogus' is not a valid status
  await srv.waitForLog(/'bogus' is not a valid status/, 5000);
});

test("enum bang method and redirect_back (to the referer, else the fallback location)", async () => {
  let res = await post("/posts/2/publish", {}, { referer: srv.url + "/posts" });
  assert.equal(res.status, 302);
  assert.equal(res.headers.get("location"), srv.url + "/posts");
  let [, html] = await text("/posts/2");
  assert.equal(field(html, "status"), "published true false");
  res = await post("/posts/3/publish");
  assert.equal(res.status, 302);
  assert.match(res.headers.get("location"), /\/posts\/3$/);
});

test("a concern's bang method changes what its scope returns", async () => {
  const res = await post("/posts/4/trash");
  assert.equal(res.status, 204);
  const [, html] = await text("/posts/4");
  assert.equal(field(html, "status"), "published true true");
  const [, body] = await text("/posts");
  assert.ok(body.startsWith("Hello,Draft,Old,New one|Hello,Draft,Old|"), body);
});

test("retry in a rescue clause re-runs the begin body; a bare raise there re-raises", async () => {
  assert.deepEqual((await text("/posts/flaky?fail=0")).slice(0, 2), [200, "ok after 1"]);
  assert.deepEqual((await text("/posts/flaky?fail=2")).slice(0, 2), [200, "ok after 3"]);
  assert.deepEqual((await text("/posts/flaky?fail=7")).slice(0, 2), [200, "gave up: attempt 3"]);
  // a bare `raise` in the rescue clause re-raises the exception being handled
  const [status] = await text("/posts/flaky?fail=7&reraise=1");
  assert.equal(status, 500);
  await srv.waitForLog(/ArgumentError[^\n]*attempt 3/, 5000);
});

// Compiles one file of a copy of the app replaced by source: [status, stderr].
function buildWith(rel, source) {
  const dir = copyApp();
  try {
    fs.writeFileSync(path.join(dir, rel), source);
    const r = run(["build"], dir);
    return [r.status, r.stderr];
  } finally { fs.rmSync(dir, { recursive: true, force: true }); }
}

test("what stays unsupported is a compile error naming the construct, with a caret and a hint", () => {
  let [status, err] = buildWith("app/models/author.rb", "class Author < ApplicationRecord\n  has_secure_password\nend\n");
  assert.equal(status, 1);
  assert.match(err, /^app\/models\/author\.rb:2:3: unsupported: `has_secure_password`\n {2} {2}has_secure_password\n {2} {2}\^\n {2}quickrail has no bcrypt/m);
  [status, err] = buildWith("app/models/concerns/trashable.rb", "module Trashable\n  extend ActiveSupport::Concern\n  scope :kept, -> { all }\nend\n");
  assert.equal(status, 1);
  assert.match(err, /^app\/models\/concerns\/trashable\.rb:3:3: unsupported: `scope` directly in a concern\n[\s\S]*go in `included do \.\.\. end`/m);
  [status, err] = buildWith("app/models/concerns/trashable.rb", "module Trashable\n  extend ActiveSupport::Concern\n  def save\n    super\n  end\nend\n");
  assert.equal(status, 1);
  assert.match(err, /^app\/models\/concerns\/trashable\.rb:4:5: unsupported: `super` in a concern's method/m);
  [status, err] = buildWith("app/models/author.rb", "class Author < ApplicationRecord\n  extend Enumerable\nend\n");
  assert.equal(status, 1);
  assert.match(err, /^app\/models\/author\.rb:2:3: unsupported: `extend` of a module/m);
  [status, err] = buildWith("app/models/author.rb", "class Author < ApplicationRecord\n  def x\n    [1].each do |i|\n      begin\n        next\n      rescue\n        retry\n      end\n    end\n  end\nend\n");
  assert.equal(status, 1); // a statement `each` is a JS loop: its `next` would meet retry's loop
  assert.match(err, /^app\/models\/author\.rb:5:9: unsupported: `next` inside a begin\/rescue that uses `retry`/m);
  [status, err] = buildWith("app/models/author.rb", "class Author < ApplicationRecord\n  def x\n    while true\n      begin\n        break\n      rescue\n        retry\n      end\n    end\n  end\nend\n");
  assert.equal(status, 1);
  assert.match(err, /^app\/models\/author\.rb:5:9: unsupported: `break` inside a begin\/rescue that uses `retry`/m);
});
