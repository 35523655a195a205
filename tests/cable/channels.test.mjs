// App-defined channels through the worker (the cable entry of the fixture app):
// the real consumer performs on a chat channel and gets the answer and the room broadcast; a
// connection the app's connect hook refuses gets disconnect unauthorized (reconnect false);
// rejected and unknown channels behave as in Rails.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start } from "./lib/server.mjs";
import { createConsumer, subscribe, waitReceived } from "./lib/actioncable.mjs";
import { RawCable, broadcast } from "./lib/raw.mjs";

let server;
const consumers = [];
const raws = [];
before(async () => { server = await start(); });
after(async () => {
  for (const c of consumers) c.disconnect();
  for (const r of raws) r.close();
  await server?.stop();
});
function consumer(query) {
  const c = createConsumer(`ws://127.0.0.1:${server.port}/cable${query}`, server.origin);
  consumers.push(c);
  return c;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("a custom chat channel round-trips a perform, and its stream reaches other members", async () => {
  const alice = consumer("?user=alice");
  const bob = consumer("?user=bob");
  const a = await subscribe(alice, { channel: "ChatChannel", room: "lobby" });
  const b = await subscribe(bob, { channel: "ChatChannel", room: "lobby" });
  assert.equal(a.status, "connected");
  assert.equal(b.status, "connected");
  assert.deepEqual(await waitReceived(a, 1), [{ hello: "alice", room: "lobby" }]);
  a.subscription.perform("speak", { body: "hi \u00e9" });
  await waitReceived(a, 3);
  assert.deepEqual(a.received.slice(1).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    [{ echo: "hi \u00e9", user: "alice" }, { from: "alice", body: "hi \u00e9" }]);
  await waitReceived(b, 2);
  assert.deepEqual(b.received[1], { from: "alice", body: "hi \u00e9" });
});

test("perform can stop all streams and start another (switch room), or stop one (leave)", async () => {
  const dave = consumer("?user=dave");
  const d = await subscribe(dave, { channel: "ChatChannel", room: "r1" });
  await waitReceived(d, 1); // hello
  d.subscription.perform("switch", { room: "r2" });
  await waitReceived(d, 2);
  assert.deepEqual(d.received[1], { switched: "r2" });
  await broadcast(server, "chat:r1", "old room");
  await broadcast(server, "chat:r2", "new room");
  await waitReceived(d, 3);
  await sleep(200);
  assert.deepEqual(d.received.slice(2), ["new room"]);
  d.subscription.perform("leave", {}); // stops chat:r1, which it no longer has: r2 stays
  await sleep(300);
  await broadcast(server, "chat:r2", "still r2");
  await waitReceived(d, 4);
  assert.equal(d.received[3], "still r2");
});

test("an unauthorized connection is refused with disconnect unauthorized, reconnect false", async () => {
  const r = new RawCable(server.port, { query: "?deny=1" });
  raws.push(r);
  await r.opened;
  const d = await r.waitFor((j) => j.type === "disconnect");
  assert.equal(d.text, "{\"type\":\"disconnect\",\"reason\":\"unauthorized\",\"reconnect\":false}");
  await r.waitClose();
  assert.equal(r.frames.filter((f) => f.json?.type === "welcome").length, 0);

  // the real client stops for good
  const c = consumer("?deny=1");
  let disconnected = null;
  c.subscriptions.create({ channel: "ChatChannel", room: "x" }, { disconnected(o) { disconnected = o; } });
  for (let i = 0; i < 50 && !disconnected; i++) await sleep(100);
  assert.deepEqual(disconnected, { willAttemptReconnect: false });
});

test("a channel that rejects gets reject_subscription; an unknown one gets nothing", async () => {
  const r = new RawCable(server.port, { query: "?user=carol" });
  raws.push(r);
  await r.opened;
  const rej = JSON.stringify({ channel: "RejectChannel" });
  r.subscribe(rej);
  const f = await r.waitFor((j) => j.type === "reject_subscription");
  assert.equal(f.text, JSON.stringify({ identifier: rej, type: "reject_subscription" }));
  r.subscribe(JSON.stringify({ channel: "GhostChannel" }));
  r.send({ command: "message", identifier: rej, data: "{\"action\":\"x\"}" }); // rejected: not subscribed
  await sleep(500);
  assert.equal(r.nonPing().length, 2); // welcome + reject
  assert.equal(r.closed, null);
  assert.match(server.log(), /Subscription class not found/);
});
