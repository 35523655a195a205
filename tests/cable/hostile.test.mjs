// Hostile WebSocket / Action Cable clients (issue 15, findings D2 D3 D4 D8 D10 and the
// subscription bounds): bytes sent with the upgrade request keep their order, a ping flood from
// a client that never reads hits the slow-consumer bound, a closing connection whose client
// stops reading is cut after the linger, a Close frame with a 1-byte body is a protocol error,
// NUL characters in identifiers are refused, commands are read as JSON.parse reads them, client input in log lines is escaped and
// rate-limited per connection, and subscriptions per connection and identifier sizes are bounded.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { start } from "./lib/server.mjs";
import { RawCable, turboId, token, broadcast } from "./lib/raw.mjs";
import { WsRaw, frame, text } from "./lib/wsraw.mjs";

let server, small, big;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssKb = (pid) => Number(fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/)[1]);
const origin = (srv) => srv.origin;

before(async () => {
  server = await start({ env: { QUICKRAIL_STATS: "1" } });
  // a small slow-consumer bound, so the ping flood needs few bytes beyond the kernel's buffers
  small = await start({ env: { QUICKRAIL_WS_MAX_OUTBUF: String(256 * 1024) } });
  // a large one, so output can stay queued (under the bound) while the client stops reading
  big = await start({ env: { QUICKRAIL_WS_MAX_OUTBUF: String(256 * 1024 * 1024) } });
});
after(async () => { await server?.stop(); await small?.stop(); await big?.stop(); });

test("D4: frames sent in the same write as the upgrade request are answered in order", async () => {
  const pings = [];
  // 1000 pings of 125 bytes: 131 KB, more than the server reads at once, so the bytes after the
  // upgrade arrive in several reads
  const payload = (i) => `p${i}:`.padEnd(125, "x");
  for (let i = 0; i < 1000; i++) pings.push(frame(0x9, Buffer.from(payload(i))));
  const w = await WsRaw.connect(server.port, { origin: origin(server), extra: Buffer.concat(pings) });
  const head = await w.opened();
  assert.match(head, /^HTTP\/1\.1 101/);
  const frames = await w.waitFrames((fs) => fs.filter((f) => f.opcode === 0xA).length >= 1000 || w.closed, 10000, "1000 pongs");
  const pongs = frames.filter((f) => f.opcode === 0xA).map((f) => f.payload.toString());
  assert.equal(frames.filter((f) => f.opcode === 0x8).length, 0, "no close frame");
  assert.equal(pongs.length, 1000);
  assert.deepEqual(pongs, pings.map((_, i) => payload(i)), "pongs in the order of the pings");
  w.destroy();
});

test("D2: a client that floods pings and never reads is cut at the slow-consumer bound", async () => {
  const pid = small.proc.pid;
  const before = rssKb(pid);
  const w = await WsRaw.connect(small.port, { origin: origin(small) });
  await w.opened();
  await w.waitFrames((fs) => fs.some((f) => f.text === '{"type":"welcome"}'));
  w.pause(); // never reads again: every pong stays queued
  const chunk = Buffer.concat(Array.from({ length: 400 }, () => frame(0x9, Buffer.alloc(125, 0x61)))); // ~52 KB of pings
  let sent = 0, peak = before;
  const limit = 64 * 1024 * 1024;
  while (!w.closed && !w.error && sent < limit && !/slow consumer disconnected/.test(small.log())) {
    if (!w.write(chunk)) await new Promise((r) => { w.s.once("drain", r); setTimeout(r, 200); });
    sent += chunk.length;
    if ((sent & ((1 << 22) - 1)) < chunk.length) peak = Math.max(peak, rssKb(pid));
  }
  await small.waitForLog(/slow consumer disconnected \(\d+ bytes of control frames unsent, limit 262144\)/, 5000);
  peak = Math.max(peak, rssKb(pid));
  w.destroy();
  await sleep(300);
  const afterKb = rssKb(pid);
  console.log(`# ping flood: ${(sent / 1e6).toFixed(1)} MB of pings sent before the cut; supervisor RSS ${before} KB before, peak ${peak} KB, ${afterKb} KB after`);
  assert.ok(sent < limit, `cut before ${limit} bytes of pings (sent ${sent})`);
  assert.ok(peak - before < 64 * 1024, `supervisor grew by ${peak - before} KB`);
});

test("D3: a WebSocket that closes while its client stops reading is cut after the linger", async () => {
  const tok = await token(big, "linger");
  const w = await WsRaw.connect(big.port, { origin: origin(big) });
  await w.opened();
  await w.waitFrames((fs) => fs.some((f) => f.text === '{"type":"welcome"}'));
  w.write(text(JSON.stringify({ command: "subscribe", identifier: turboId(tok) })));
  await w.waitFrames((fs) => fs.some((f) => f.text && f.text.includes("confirm_subscription")));
  w.pause();
  const from = big.log().length;
  // 72 MB of broadcasts: more than the kernel's socket buffers hold on loopback (up to 32 MB
  // receive + 4 MB send here), so output stays queued in the server
  for (let i = 0; i < 8; i++) await broadcast(big, "linger", "y".repeat(256 * 1024), 36); // short requests (ASan build)
  await sleep(500);
  w.write(frame(0x8, Buffer.from([0x03, 0xe8]))); // Close 1000; the server answers and closes
  const m = await big.waitForLog(/closing a connection from 127\.0\.0\.1: (\d+) bytes still unread 2000 ms after it was closed/, 8000, { from });
  assert.ok(Number(m[1]) > 0);
  w.destroy();
});

test("D10: a Close frame with a 1-byte body is answered with 1002", async () => {
  const w = await WsRaw.connect(server.port, { origin: origin(server) });
  await w.opened();
  await w.waitFrames((fs) => fs.some((f) => f.text === '{"type":"welcome"}'));
  w.write(frame(0x8, Buffer.from([0x03])));
  const frames = await w.waitFrames((fs) => fs.some((f) => f.opcode === 0x8), 5000, "a close frame");
  const close = frames.find((f) => f.opcode === 0x8);
  assert.equal(close.payload.length >= 2 ? close.payload.readUInt16BE(0) : 0, 1002);
  await w.waitClosed();
});

test("D10: identifiers and signed stream names with an embedded NUL are refused", async () => {
  const tok = await token(server, "nul");
  const r = new RawCable(server.port);
  try {
    await r.waitFor((j) => j.type === "welcome");
    // the signed stream name is valid up to the NUL: cutting there would accept it
    const bad = JSON.stringify({ channel: "Turbo::StreamsChannel", signed_stream_name: tok + "\u0000junk" });
    r.subscribe(bad);
    const rej = await r.waitFor((j) => j.type === "reject_subscription");
    assert.equal(rej.json.identifier, bad);
    // a NUL in the identifier string itself: the part before it is a valid identifier
    const good = turboId(tok);
    const from = server.log().length;
    r.send(`{"command":"subscribe","identifier":${JSON.stringify(good + "\u0000")}}`);
    await server.waitForLog(/could not execute a command with a NUL character/, 5000, { from });
    await sleep(200);
    assert.equal(r.frames.filter((f) => f.json?.type === "confirm_subscription").length, 0, "nothing confirmed");
    r.subscribe(good); // the clean identifier still works
    await r.waitFor((j) => j.type === "confirm_subscription" && j.identifier === good);
  } finally { r.close(); }
});

test("commands are read as JSON.parse reads them: a raw NUL, bytes after the object, repeated members", async () => {
  const r = new RawCable(server.port);
  try {
    await r.waitFor((j) => j.type === "welcome");
    const good = turboId(await token(server, "decode"));
    // a raw NUL byte (not the \u0000 escape) inside the identifier: cutting there would accept it
    let from = server.log().length;
    r.send(`{"command":"subscribe","identifier":${JSON.stringify(good).slice(0, -1)}\u0000"}`);
    await server.waitForLog(/could not execute a command with a NUL character/, 5000, { from });
    // a valid command followed by more bytes is not one JSON text: Rails refuses it
    from = server.log().length;
    r.send(JSON.stringify({ command: "subscribe", identifier: good }) + "garbage");
    await server.waitForLog(/could not decode command: \{"command":"subscribe".*garbage/, 5000, { from });
    await sleep(200);
    assert.equal(r.frames.filter((f) => f.json?.type === "confirm_subscription").length, 0, "nothing confirmed");
    // a repeated member means its last value (Ruby's JSON.parse): this is a subscribe
    r.send(`{"command":"unsubscribe","identifier":${JSON.stringify(good)},"command":"subscribe"}`);
    await r.waitFor((j) => j.type === "confirm_subscription" && j.identifier === good);
  } finally { r.close(); }
});

test("D8: client input in log lines is escaped and one connection's log lines are rate-limited", async () => {
  const r = new RawCable(server.port);
  try {
    await r.waitFor((j) => j.type === "welcome");
    const from = server.log().length;
    r.send('{"command":"x\n2026-01-01T00:00:00.000Z ERROR [sup] FORGED LINE');
    await server.waitForLog(/could not decode command: \{"command":"x\\n2026-01-01T00:00:00\.000Z ERROR \[sup\] FORGED LINE/, 5000, { from });
    assert.doesNotMatch(server.log().slice(from), /^2026-01-01T00:00:00\.000Z ERROR \[sup\] FORGED/m);
    const t0 = Date.now();
    for (let i = 0; i < 5000; i++) r.send(`not json ${i}`);
    r.send(JSON.stringify({ command: "subscribe", identifier: turboId(await token(server, "after-flood")) }));
    await r.waitFor((j) => j.type === "confirm_subscription"); // every command was processed
    await sleep(1100);
    r.send("not json, last");
    await sleep(200);
    const secs = (Date.now() - t0) / 1000;
    const lines = server.log().slice(from).split("\n").filter((l) => l.includes("could not decode command")).length;
    assert.ok(lines <= 21 + Math.ceil(secs * 5) + 1, `${lines} log lines for 5002 bad commands in ${secs.toFixed(1)} s`);
    assert.match(server.log().slice(from), /cable: \d+ log lines of one connection were suppressed/);
  } finally { r.close(); }
});

test("10,000 subscriptions on one connection: beyond 1024 each is rejected", async () => {
  const tok = await token(server, "many");
  const pid = server.proc.pid;
  const before = rssKb(pid);
  const r = new RawCable(server.port);
  try {
    await r.waitFor((j) => j.type === "welcome");
    const ids = Array.from({ length: 10000 }, (_, i) => JSON.stringify({ channel: "Turbo::StreamsChannel", signed_stream_name: tok, n: i }));
    for (const id of ids) r.subscribe(id);
    const answers = () => r.frames.filter((f) => f.json && /_subscription$/.test(f.json.type)).length;
    for (const t0 = Date.now(); answers() < 10000 && Date.now() - t0 < 30000;) await sleep(100);
    const conf = r.frames.filter((f) => f.json?.type === "confirm_subscription").length;
    const rej = r.frames.filter((f) => f.json?.type === "reject_subscription").length;
    assert.equal(conf, 1024);
    assert.equal(rej, 10000 - 1024);
    const peak = rssKb(pid);
    r.close();
    await sleep(300);
    console.log(`# 10,000 subscriptions: supervisor RSS ${before} KB before, ${peak} KB with 1024 held, ${rssKb(pid)} KB after`);
  } finally { r.close(); }
});

test("a 100 KB identifier is rejected; a 1 MB one closes the socket with 1009", async () => {
  const tok = await token(server, "bigid");
  const r = new RawCable(server.port);
  try {
    await r.waitFor((j) => j.type === "welcome");
    const id = JSON.stringify({ channel: "Turbo::StreamsChannel", signed_stream_name: tok, pad: "z".repeat(100 * 1024) });
    r.subscribe(id);
    const rej = await r.waitFor((j) => j.type === "reject_subscription");
    assert.equal(rej.json.identifier.length, id.length);
    r.subscribe(JSON.stringify({ channel: "Turbo::StreamsChannel", signed_stream_name: tok, pad: "z".repeat(1024 * 1024) }));
    const closed = await r.waitClose();
    assert.equal(closed.code, 1009);
  } finally { r.close(); }
});

test("subscribes to unknown channels are answered by the supervisor, not queued for a worker", async () => {
  const served0 = (await server.stats()).served;
  const from = server.log().length;
  const conns = Array.from({ length: 20 }, () => new RawCable(server.port));
  try {
    await Promise.all(conns.map((r) => r.waitFor((j) => j.type === "welcome")));
    for (const [i, r] of conns.entries()) for (let k = 0; k < 100; k++) r.subscribe(JSON.stringify({ channel: `NoSuch${i}_${k}Channel` }));
    const t = Date.now();
    const res = await fetch(server.url + "/__ready");
    assert.equal(res.status, 200);
    const httpMs = Date.now() - t;
    await server.waitForLog(/Subscription class not found: \{"channel":"NoSuch19_\d+Channel"\}/, 5000, { from });
    const served = (await server.stats()).served - served0;
    console.log(`# 2,000 subscribes to unknown channels: ${served} worker jobs meanwhile (20 connect hooks and the HTTP request among them), HTTP answered in ${httpMs} ms`);
    assert.ok(served <= 20 + 5, `${served} jobs reached a worker (20 of them are the connections' connect hooks)`);
    // a known channel still goes to the app
    conns[0].subscribe(JSON.stringify({ channel: "ChatChannel", room: "x" }));
    await conns[0].waitFor((j) => j.type === "confirm_subscription");
  } finally { for (const r of conns) r.close(); }
});
