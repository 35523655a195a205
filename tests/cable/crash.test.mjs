// The supervisor holds every WebSocket: a worker crash (Quickrail.crash(), QUICKRAIL_TEST_CRASH=1)
// while 100 clients are subscribed closes none of them, and the next broadcast reaches all 100.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start } from "./lib/server.mjs";
import { RawCable, turboId, token, broadcast } from "./lib/raw.mjs";

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
