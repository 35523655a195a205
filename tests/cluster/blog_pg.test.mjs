// The blog (examples/blog) on a real PostgreSQL 15, served by two quickrail nodes that share the
// database and one real Redis 7: `quickrail db:prepare` creates the missing database, migrates
// and seeds it (and is a no-op the second time); pages and forms work on PostgreSQL; a comment
// created through node 1 appears, through a real @rails/actioncable consumer, on a subscriber
// connected to node 2 (and once on node 1's); a database that goes down gives 503 and a log
// line, and the server recovers when it is back.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { startPostgres, startRedis } from "../lib/services.mjs";
import { startServer, ROOT, BIN } from "../lib/server.mjs";
import { browser } from "../blog/blog_app.mjs";
import { createConsumer, subscribe, waitReceived } from "../cable/lib/actioncable.mjs";
import { until, sleep } from "./lib.mjs";

const SECRET = "secret-key-base-for-cluster-blog-tests";
let pg, redis, dir, env, n1, n2;
const consumers = [];

function quickrail(args) {
  return spawnSync(BIN, args, { cwd: dir, env: { ...process.env, ...env }, encoding: "utf8", timeout: 60000 });
}

before(async () => {
  [pg, redis] = await Promise.all([startPostgres(), startRedis()]);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-blog-pg-"));
  const src = path.join(ROOT, "examples/blog");
  fs.cpSync(src, dir, { recursive: true, filter: (p) => !/\.sqlite3(-wal|-shm)?$|\/tmp(\/|$)/.test(p.slice(src.length)) });
  env = { QUICKRAIL_ENV: "test", SECRET_KEY_BASE: SECRET, DATABASE_URL: pg.urlFor("blog_test"), CABLE_URL: redis.url };
});

after(async () => {
  for (const c of consumers) c.disconnect();
  await Promise.all([n1?.stop(), n2?.stop()]);
  await Promise.all([pg?.stop(), redis?.stop()]);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test("db:prepare creates the PostgreSQL database, migrates and seeds it; again it only checks", async () => {
  assert.equal(await pg.psql("SELECT count(*) FROM pg_database WHERE datname = 'blog_test'"), "0");
  let r = quickrail(["db:prepare"]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout + r.stderr, /created database blog_test/);
  assert.equal(await pg.psql("SELECT count(*) FROM pg_database WHERE datname = 'blog_test'"), "1");
  assert.equal(await pg.psql("SELECT string_agg(version, ',' ORDER BY version) FROM schema_migrations", "blog_test"),
    "20250101000001,20250101000002");
  const articles = Number(await pg.psql("SELECT count(*) FROM articles", "blog_test"));
  assert.ok(articles > 0, "seeded");
  assert.equal(await pg.psql("SELECT data_type FROM information_schema.columns WHERE table_name = 'articles' AND column_name = 'created_at'", "blog_test"),
    "timestamp without time zone");
  r = quickrail(["db:prepare"]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(Number(await pg.psql("SELECT count(*) FROM articles", "blog_test")), articles, "not seeded twice");
});

test("two nodes serve the blog from PostgreSQL; a comment made on node 1 reaches node 2's subscriber", async () => {
  [n1, n2] = await Promise.all([
    startServer({ app: dir, workers: 2, env }),
    startServer({ app: dir, workers: 2, env }),
  ]);
  const b1 = browser(n1.url), b2 = browser(n2.url);
  const index = await b1("/articles");
  assert.equal(index.status, 200, index.html);
  // an article created through node 2 is listed by node 1 (one database)
  const created = await b2.form("/articles", { "article[title]": "Written on node two", "article[body]": "Shared through PostgreSQL" },
    b2.token((await b2("/articles/new")).html));
  assert.ok([302, 303].includes(created.status), created.status + " " + created.html);
  const id = Number(/\/articles\/(\d+)$/.exec(created.headers.get("location"))[1]);
  const shown = await b1("/articles/" + id);
  assert.equal(shown.status, 200);
  assert.match(shown.html, /Written on node two/);
  // subscribers to the article's comment stream, on node 2 and on node 1
  const token = /signed-stream-name="([^"]+)"[^>]*>/g;
  const names = [...shown.html.matchAll(token)].map((m) => m[1]);
  const commentsToken = names.find((t) => Buffer.from(t.split("--")[0], "base64").toString().includes(`article_${id}_comments`));
  assert.ok(commentsToken, "the show page carries the comments stream");
  const subs = [];
  for (const node of [n2, n1]) {
    const c = createConsumer(`ws://127.0.0.1:${node.port}/cable`, node.url);
    consumers.push(c);
    const s = await subscribe(c, { channel: "Turbo::StreamsChannel", signed_stream_name: commentsToken });
    assert.equal(s.status, "connected");
    subs.push(s);
  }
  await until(async () => (await redis.cli("PUBSUB", "NUMSUB", `quickrail:article_${id}_comments`)).endsWith("\n2"), 5000, "both nodes subscribed in Redis");
  const c = await b1.form(`/articles/${id}/comments`, { "comment[commenter]": "Ada", "comment[body]": "From node one" }, b1.token(shown.html));
  assert.ok([302, 303].includes(c.status), c.status + " " + c.html);
  const [got2] = await waitReceived(subs[0], 1, 5000);
  const [got1] = await waitReceived(subs[1], 1, 5000);
  for (const got of [got2, got1]) {
    assert.match(got, /<turbo-stream action="append" target="comments">/);
    assert.match(got, /From node one/);
  }
  await sleep(300);
  assert.equal(subs[0].received.length, 1, "exactly once on node 2");
  assert.equal(subs[1].received.length, 1, "exactly once on node 1");
  assert.equal(await pg.psql(`SELECT commenter || ': ' || body FROM comments WHERE article_id = ${id}`, "blog_test"), "Ada: From node one");
});

test("PostgreSQL down: 503 and a log line; back: the same nodes serve again", async () => {
  const from = n1.logs().length;
  await pg.kill();
  const res = await fetch(n1.url + "/articles");
  assert.equal(res.status, 503);
  await n1.waitForLog(/db: PostgreSQL unavailable: .*503/, 5000, { from });
  await pg.start();
  await until(async () => (await fetch(n1.url + "/articles")).status === 200, 15000, "node 1 to serve again");
  await until(async () => (await fetch(n2.url + "/articles")).status === 200, 15000, "node 2 to serve again");
  const page = await (await fetch(n2.url + "/articles")).text();
  assert.match(page, /Written on node two/);
});
