// The supervisor holds every WebSocket: a worker crash (Quickrail.crash(), QUICKRAIL_TEST_CRASH=1)
// while 100 clients are subscribed closes none of them, and the next broadcast reaches all 100;
// a broadcast the crashing request had already sent is delivered.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start } from "./lib/server.mjs";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { RawCable, turboId, token, broadcast } from "./lib/raw.mjs";
import { createConsumer, subscribe } from "./lib/actioncable.mjs";

const N = 100;
let server;
const clients = [];
before(async () => { server = await start({ env: { QUICKRAIL_TEST_CRASH: "1" }, workers: 2 }); });
after(async () => { for (const c of clients) c.close(); await server?.stop(); });

test(`a worker crash with ${N} subscribed clients closes none; the next broadcast reaches all`, async () => {
  const id = turboId(await token(server, "room:crash"));
  for (let i = 0; i < N; i++) clients.push(new RawCable(server.port));
  await Promise.all(clients.map((c) => c.opened));
  for (const c of clients) c.subscribe(id);
  await Promise.all(clients.map((c) => c.waitFor((j) => j.type === "confirm_subscription", 10000)));

  for (let k = 0; k < 2; k++) {
    const r = await fetch(`${server.url}/crash`);
    assert.ok(r.status >= 500, `crash route answered ${r.status}`);
    await r.text();
  }
  await broadcast(server, "room:crash", "after the crash");
  await Promise.all(clients.map((c) => c.waitFor((j) => j.message === "after the crash", 10000)));
  assert.equal(clients.filter((c) => c.closed).length, 0, "no WebSocket closed");
  assert.match(server.log(), /killed by signal 11|Segmentation fault|AddressSanitizer: SEGV/i, "a worker really crashed");
});

test("a broadcast sent by a request whose worker then crashes is delivered", async () => {
  const id = turboId(await token(server, "room:last-words"));
  const c = new RawCable(server.port);
  clients.push(c);
  await c.opened;
  c.subscribe(id);
  await c.waitFor((j) => j.type === "confirm_subscription");
  const r = await fetch(`${server.url}/broadcast-then-crash?stream=room:last-words`);
  assert.ok(r.status >= 500);
  await r.text();
  await c.waitFor((j) => j.message === "sent before the crash", 5000);
  assert.equal(c.closed, null);
});

test("a worker crash inside an app channel's subscribed: the client's retry subscribes", async () => {
  const marker = path.join(os.tmpdir(), `quickrail-crash-once-${process.pid}-${Date.now()}`);
  const c = createConsumer(`ws://127.0.0.1:${server.port}/cable?user=zed`, server.origin);
  try {
    // @rails/actioncable re-sends subscribe every 500 ms until confirmed (SubscriptionGuarantor)
    const sub = await subscribe(c, { channel: "CrashOnceChannel", marker }, 10000);
    assert.equal(sub.status, "connected");
    assert.match(server.log(), /subscribe to .*CrashOnceChannel.* failed/);
  } finally {
    c.disconnect();
    fs.rmSync(marker, { force: true });
  }
});
