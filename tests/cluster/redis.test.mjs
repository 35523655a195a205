// Two quickrail nodes on different ports sharing one real Redis 7 (CABLE_URL=redis://...):
// a broadcast made on node 1 reaches a real @rails/actioncable subscriber on node 2 exactly once
// and node 1's own subscriber exactly once; the wire format is Rails' redis adapter (channel =
// prefix:broadcasting, payload = the JSON-encoded message) in both directions (redis-cli
// SUBSCRIBE / PUBLISH); stopping and restarting Redis loses no subscription, and local delivery
// goes on while it is away.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { startRedis } from "../lib/services.mjs";
import { start, clients, turboSubscriber, rawSubscriber, messagesOf, waitReceived, broadcast, until, sleep } from "./lib.mjs";

let redis, n1, n2;
const cl = clients();
const PREFIX = "blog_test";

before(async () => {
  redis = await startRedis();
  const env = { CABLE_URL: redis.url, CABLE_PREFIX: PREFIX };
  [n1, n2] = await Promise.all([start({ env }), start({ env })]);
  await n1.waitForLog(/bridge redis: subscribe connection .* established/, 5000);
  await n2.waitForLog(/bridge redis: subscribe connection .* established/, 5000);
});

after(async () => {
  cl.closeAll();
  await Promise.all([n1?.stop(), n2?.stop()]);
  await redis?.stop();
});

const numsub = async (channel) => Number((await redis.cli("PUBSUB", "NUMSUB", channel)).split("\n")[1]);
const waitNumsub = (channel, n) => until(async () => (await numsub(channel)) === n, 5000, `${n} subscribers on ${channel}`);

const HTML = `<turbo-stream action="append" target="comments"><template><p>h\u00e9llo "two" &amp; \u{1F600}</p></template></turbo-stream>`;

test("a broadcast on node 1 reaches subscribers on node 2 and node 1 exactly once", async () => {
  const s2 = await turboSubscriber(cl, n2, "articles");
  const s1 = await turboSubscriber(cl, n1, "articles");
  await waitNumsub(`${PREFIX}:articles`, 2);
  await broadcast(n1, "articles", HTML);
  await waitReceived(s2, 1);
  await waitReceived(s1, 1);
  await broadcast(n2, "articles", "second");
  await waitReceived(s1, 2);
  await waitReceived(s2, 2);
  await sleep(300); // nothing more arrives
  assert.deepEqual(s2.received, [HTML, "second"]);
  assert.deepEqual(s1.received, [HTML, "second"]);
});

test("confirm_subscription comes once Redis has the subscription: a message published right after it arrives", async () => {
  for (let i = 0; i < 5; i++) {
    const name = `fresh-${i}`;
    const { raw, id } = await rawSubscriber(cl, n2, name); // resolves on confirm_subscription
    assert.equal(await numsub(`${PREFIX}:${name}`), 1, "node 2 is subscribed on Redis when it confirms");
    assert.equal(await redis.cli("PUBLISH", `${PREFIX}:${name}`, JSON.stringify(`right after ${i}`)), "1");
    await raw.waitFor((m) => m.identifier === id && m.message === `right after ${i}`, 3000);
  }
});

test("what node 1 puts on Redis is what Rails' redis adapter puts there", async () => {
  const { raw, id } = await rawSubscriber(cl, n2, "wire");
  await waitNumsub(`${PREFIX}:wire`, 1);
  // a Rails-side listener: redis-cli SUBSCRIBE prints kind, channel, payload, one per line
  const sub = spawn("redis-cli", ["-h", "127.0.0.1", "-p", String(redis.port), "SUBSCRIBE", `${PREFIX}:wire`]);
  let out = "";
  sub.stdout.on("data", (d) => (out += d));
  try {
    await waitNumsub(`${PREFIX}:wire`, 2);
    const res = await fetch(`${n1.url}/broadcast-json?stream=wire`, { method: "POST", body: JSON.stringify({ a: [1, "x"], b: null }) });
    assert.equal(res.status, 200);
    await until(() => out.includes('{"a":[1,"x"],"b":null}'), 5000, "redis-cli to print the payload");
    const lines = out.trim().split("\n");
    assert.deepEqual(lines.slice(-3), ["message", `${PREFIX}:wire`, '{"a":[1,"x"],"b":null}']);
    await raw.waitFor((m) => m.identifier === id && m.message && m.message.a);
    assert.equal(messagesOf(raw, id)[0].text, `{"identifier":${JSON.stringify(id)},"message":{"a":[1,"x"],"b":null}}`);
  } finally {
    sub.kill();
  }
});

test("a message published with redis-cli in the Rails redis-adapter format reaches quickrail subscribers", async () => {
  const a = await rawSubscriber(cl, n1, "from-rails");
  const b = await rawSubscriber(cl, n2, "from-rails");
  await waitNumsub(`${PREFIX}:from-rails`, 2);
  // ActionCable.server.broadcast("from-rails", "<turbo-stream ...>") from a Rails app
  const payload = JSON.stringify(HTML);
  assert.equal(await redis.cli("PUBLISH", `${PREFIX}:from-rails`, payload), "2");
  for (const { raw, id } of [a, b]) {
    await raw.waitFor((m) => m.identifier === id && m.message === HTML);
    assert.equal(messagesOf(raw, id)[0].text, `{"identifier":${JSON.stringify(id)},"message":${payload}}`);
  }
  // a channel without the prefix is not ours
  await redis.cli("PUBLISH", "from-rails", '"no prefix"');
  await sleep(200);
  assert.equal(messagesOf(a.raw, a.id).length, 1);
  assert.equal(messagesOf(b.raw, b.id).length, 1);
});

test("stopping and restarting Redis loses no subscription; local delivery goes on meanwhile", async () => {
  const s1 = await turboSubscriber(cl, n1, "survivor");
  const s2 = await turboSubscriber(cl, n2, "survivor");
  await waitNumsub(`${PREFIX}:survivor`, 2);
  const from1 = n1.logs().length, from2 = n2.logs().length;
  await redis.kill();
  await n1.waitForLog(/bridge redis: subscribe connection .*reconnecting \(attempt 1\)/, 5000, { from: from1 });
  await n2.waitForLog(/bridge redis: subscribe connection .*reconnecting \(attempt 1\)/, 5000, { from: from2 });
  // Redis is away: node 1's subscriber still gets node 1's broadcast (once), node 2 cannot
  await broadcast(n1, "survivor", "while away");
  await waitReceived(s1, 1);
  await redis.start(); // same port
  for (const [n, from] of [[n1, from1], [n2, from2]]) {
    await n.waitForLog(/bridge redis: subscribe connection .* re-established/, 10000, { from });
    await n.waitForLog(/bridge redis: publish connection .* re-established/, 10000, { from });
  }
  await waitNumsub(`${PREFIX}:survivor`, 2);
  await until(async () => (await numsub(`${PREFIX}:articles`)) === 2, 5000, "re-subscribed older streams too");
  await broadcast(n1, "survivor", "after restart");
  await waitReceived(s2, 1);
  await waitReceived(s1, 2);
  await sleep(300);
  assert.deepEqual(s1.received, ["while away", "after restart"]);
  assert.deepEqual(s2.received, ["after restart"]);
});
