// The Action Cable wire protocol around the channels: handshake (subprotocol answered, origin
// refused with 404 "Page not found", allowed origin lists and patterns, development's
// localhost default), ping every 3 s, malformed input logged and the connection kept, the
// WebSocket limits (1009, 1007, binary ignored), and the graceful-shutdown disconnect.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { start } from "./lib/server.mjs";
import { RawCable, turboId, token, broadcast, handshake } from "./lib/raw.mjs";

let server;
const raws = [];
before(async () => {
  server = await start({
    env: {
      ACTION_CABLE_ALLOWED_ORIGINS: "https://app.example.com,/^https://[a-z]+\\.example\\.org$/",
      QUICKRAIL_WS_MAX_MESSAGE: "65536",
    },
  });
});
after(async () => { for (const r of raws) r.close(); await server?.stop(); });
function raw(opts) { const r = new RawCable(server.port, opts); raws.push(r); return r; }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test("handshake answers the actioncable-v1-json subprotocol and welcomes", async () => {
  const h = await handshake(server.port, { origin: server.origin });
  assert.equal(h.status, 101);
  assert.equal(h.headers["sec-websocket-protocol"], "actioncable-v1-json");
  assert.equal(h.headers["sec-websocket-accept"], "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  const r = raw();
  await r.opened;
  assert.equal(r.ws.protocol, "actioncable-v1-json");
  const w = await r.waitFor((j) => j.type === "welcome");
  assert.equal(w.text, "{\"type\":\"welcome\"}");
  // like Rails, a client that offers no known subprotocol is upgraded without one (the Rails
  // client then gives up by itself); a bad handshake gets 400
  const none = await handshake(server.port, { origin: server.origin, "sec-websocket-protocol": "chat" });
  assert.equal(none.status, 101);
  assert.equal(none.headers["sec-websocket-protocol"], undefined);
  assert.equal((await handshake(server.port, { origin: server.origin, "sec-websocket-version": "8" })).status, 400);
  assert.equal((await handshake(server.port, { origin: server.origin, "sec-websocket-key": "short" })).status, 400);
});

test("a wrong Origin is refused with 404 Page not found and a log line", async () => {
  for (const origin of ["http://evil.example", "http://127.0.0.1:1", `https://127.0.0.1:${server.port}`, "https://app.example.com.evil.net", "http://localhost:3000"]) {
    const h = await handshake(server.port, { origin });
    assert.equal(h.status, 404, origin);
    assert.equal(h.body, "Page not found");
  }
  const none = await handshake(server.port, {});
  assert.equal(none.status, 404, "no Origin at all is refused, as Rails does");
  await sleep(100);
  assert.match(server.log(), /Request origin not allowed: http:\/\/evil\.example/);
  await assert.rejects(raw({ origin: "http://evil.example" }).opened, /HTTP 404/);
});

test("configured origins: exact strings and /patterns/ are allowed", async () => {
  for (const origin of ["https://app.example.com", "https://shop.example.org", server.origin]) {
    const h = await handshake(server.port, { origin });
    assert.equal(h.status, 101, origin);
  }
  assert.equal((await handshake(server.port, { origin: "https://x1.example.org" })).status, 404);
});

test("development allows http(s)://localhost and 127.0.0.1 on any port", async () => {
  const dev = await start({ env: { QUICKRAIL_ENV: "development" }, workers: 1 });
  try {
    for (const origin of ["http://localhost:3000", "https://localhost:8443", "http://127.0.0.1:5173", "http://localhost"])
      assert.equal((await handshake(dev.port, { origin })).status, 101, origin);
    for (const origin of ["http://localhost.evil.com:3000", "http://example.com"])
      assert.equal((await handshake(dev.port, { origin })).status, 404, origin);
  } finally { await dev.stop(); }
});

test("a ping every 3 seconds with unix seconds, whatever the traffic", async () => {
  const r = raw();
  await r.opened;
  await r.waitFor((j) => j.type === "welcome");
  const t0 = Date.now();
  const busy = setInterval(() => r.send({ command: "nonsense" }), 200); // other traffic does not delay pings
  const deadline = t0 + 7500;
  while (Date.now() < deadline && r.frames.filter((f) => f.json?.type === "ping").length < 3) await sleep(100);
  clearInterval(busy);
  const pings = r.frames.filter((f) => f.json?.type === "ping");
  assert.ok(pings.length >= 2, `${pings.length} pings in 7.5 s`);
  for (const p of pings) {
    assert.match(p.text, /^\{"type":"ping","message":\d+\}$/);
    assert.ok(Math.abs(p.json.message - Date.now() / 1000) < 10);
  }
  for (let i = 1; i < pings.length; i++) {
    const gap = pings[i].at - pings[i - 1].at;
    assert.ok(gap > 2500 && gap < 3500, `gap ${gap} ms`);
  }
});

test("malformed commands are logged, nothing is sent, the connection stays open", async () => {
  const r = raw();
  await r.opened;
  await r.waitFor((j) => j.type === "welcome");
  const bad = [
    "not json", "[1,2]", "\"str\"", "{}", "{\"command\":\"dance\",\"identifier\":\"{}\"}",
    "{\"command\":\"subscribe\"}", "{\"command\":\"subscribe\",\"identifier\":{\"channel\":\"X\"}}",
    "{\"command\":\"subscribe\",\"identifier\":\"not json\"}",
    JSON.stringify({ command: "subscribe", identifier: JSON.stringify({ channel: "NoSuchChannel" }) }),
    JSON.stringify({ command: "unsubscribe", identifier: JSON.stringify({ channel: "NoSuchChannel" }) }),
    JSON.stringify({ command: "message", identifier: JSON.stringify({ channel: "X" }), data: "{}" }),
  ];
  for (const b of bad) r.send(b);
  r.ws.send(Buffer.from([1, 2, 3]), { binary: true }); // binary: ignored
  await sleep(500);
  assert.equal(r.closed, null);
  assert.deepEqual(r.nonPing().map((f) => f.text), ["{\"type\":\"welcome\"}"]);
  const t = await token(server, "after-junk");
  r.subscribe(turboId(t));
  await r.waitFor((j) => j.type === "confirm_subscription");
  // a message to a Turbo stream subscription has no action: logged, nothing sent
  r.send({ command: "message", identifier: turboId(t), data: JSON.stringify({ action: "x" }) });
  await broadcast(server, "after-junk", "still here");
  await r.waitFor((j) => j.message === "still here");
  assert.match(server.log(), /unrecognized command/);
  assert.match(server.log(), /binary WebSocket message of 3 bytes ignored/);
});

test("a message over the size limit closes with 1009, invalid UTF-8 with 1007", async () => {
  const big = raw();
  await big.opened;
  await big.waitFor((j) => j.type === "welcome");
  big.send("x".repeat(65537));
  assert.equal((await big.waitClose()).code, 1009);
  const ok = raw();
  await ok.opened;
  await ok.waitFor((j) => j.type === "welcome");
  ok.send(JSON.stringify({ command: "nonsense", pad: "y".repeat(60000) })); // under the limit: fine
  await sleep(200);
  assert.equal(ok.closed, null);
  const bad = raw();
  await bad.opened;
  await bad.waitFor((j) => j.type === "welcome");
  bad.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
  assert.equal((await bad.waitClose()).code, 1007);
});

test("a slow consumer is disconnected; a reading subscriber on the same stream is not", async () => {
  const s2 = await start({ workers: 1, env: { QUICKRAIL_WS_MAX_OUTBUF: "262144" } });
  try {
    const id = turboId(await token(s2, "firehose"));
    const slow = new RawCable(s2.port), fast = new RawCable(s2.port);
    await Promise.all([slow.opened, fast.opened]);
    slow.subscribe(id);
    fast.subscribe(id);
    await Promise.all([slow, fast].map((c) => c.waitFor((j) => j.type === "confirm_subscription")));
    slow.ws.pause(); // stops reading: the kernel buffers fill, then the server's queue grows
    for (let i = 0; i < 4; i++) {
      const r = await fetch(`${s2.url}/broadcast?stream=firehose&times=20&pad=400000`, { method: "POST", body: "m#N:" });
      await r.text();
    }
    await s2.waitForLog(/slow consumer disconnected/, 10000);
    const isData = (f) => f.json?.message !== undefined && f.json.type === undefined;
    const fastGot = () => fast.frames.filter(isData).length;
    for (let i = 0; i < 100 && fastGot() < 80; i++) await sleep(100);
    assert.equal(fastGot(), 80, "the reading client got every message");
    assert.equal(fast.closed, null);
    slow.ws.resume();
    const c = await slow.waitClose(10000);
    assert.equal(c.code, 1006, "aborted by the server");
    assert.ok(slow.frames.filter(isData).length < 80);
    fast.close();
  } finally { await s2.stop(); }
});

test("graceful shutdown sends disconnect server_restart with reconnect true, then closes", async () => {
  const s2 = await start({ workers: 1 });
  const r = new RawCable(s2.port);
  await r.opened;
  await r.waitFor((j) => j.type === "welcome");
  const stopped = s2.stop("SIGTERM");
  const d = await r.waitFor((j) => j.type === "disconnect");
  assert.equal(d.text, "{\"type\":\"disconnect\",\"reason\":\"server_restart\",\"reconnect\":true}");
  await r.waitClose();
  await stopped;
});
