// Model broadcasts end to end: a browser-like client (the real @rails/actioncable consumer)
// subscribes to the stream a page's turbo_stream_from names, and sees the removals of the
// children destroyed with their parent (has_many dependent: destroy; the child broadcasts to
// ->(task) { task.project }). The stream name is computed while the parent still resolves, so
// the removals reach the project's stream, not the stream "".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, prepareApp } from "../lib/server.mjs";
import { createConsumer, subscribe, waitReceived } from "../cable/lib/actioncable.mjs";

const ENV = { QUICKRAIL_ENV: "test", SECRET_KEY_BASE: "secret-key-base-for-tests" };
let srv, consumer;
before(async () => {
  const dir = await prepareApp("tests/fixtures/autoload", { env: ENV });
  srv = await startServer({ app: dir, workers: 1, env: ENV });
});
after(async () => {
  consumer?.disconnect();
  await srv?.stop();
});

test("destroying a project broadcasts its tasks' removals to the project page's stream", async () => {
  const page = await (await fetch(srv.url + "/projects/1")).text();
  const ids = [...page.matchAll(/<p id="task_(\d+)">/g)].map((m) => m[1]);
  assert.equal(ids.length, 2, page);
  const signed = /<turbo-cable-stream-source channel="Turbo::StreamsChannel" signed-stream-name="([^"]+)"/.exec(page);
  assert.ok(signed, "the page subscribes with turbo_stream_from:\n" + page);
  consumer = createConsumer(`ws://127.0.0.1:${srv.port}/cable?user=ada`, srv.url); // the app identifies users
  const sub = await subscribe(consumer, { channel: "Turbo::StreamsChannel", signed_stream_name: signed[1] });
  assert.equal(sub.status, "connected");
  const r = await fetch(srv.url + "/projects/1", { method: "DELETE" });
  assert.equal(r.status, 204);
  assert.deepEqual(await waitReceived(sub, 2), ids.map((id) => `<turbo-stream action="remove" target="task_${id}"></turbo-stream>`));
  assert.equal((await fetch(srv.url + "/projects/1")).status, 404);
});
