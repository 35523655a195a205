// bench/lib/fanout-client.mjs — one load process of the fan-out benchmark, forked by
// fanout.mjs. Opens `count` Action Cable connections over raw TCP (a minimal RFC 6455 client:
// masked frames out, unmasked frames in, so the client spends as little CPU per frame as it
// can and the measured latency is mostly the server's), subscribes each to the Turbo stream of
// `token`, reports "ready" once every subscription is confirmed, then records for every
// broadcast frame received the delay between the broadcaster's send time (t0, CLOCK_MONOTONIC
// ns carried in the message, comparable across processes of one machine) and receipt.
// Talks to its parent over IPC: {cmd:"start", ...} -> {ready} ... {cmd:"finish"} -> writes the
// latencies (Float64 ms) to `out` and sends {done, received, bytes}.
import net from "node:net";
import crypto from "node:crypto";
import fs from "node:fs";

let cfg;
const socks = [];
let confirmed = 0, opened = 0, failed = 0;
let lat = new Float64Array(1 << 16), nlat = 0;

function push(v) {
  if (nlat === lat.length) { const n = new Float64Array(lat.length * 2); n.set(lat); lat = n; }
  lat[nlat++] = v;
}

function maskedText(str) {
  const payload = Buffer.from(str);
  const len = payload.length;
  const head = len < 126 ? 2 : 4;
  const f = Buffer.alloc(head + 4 + len);
  f[0] = 0x81;
  if (len < 126) f[1] = 0x80 | len; else { f[1] = 0x80 | 126; f.writeUInt16BE(len, 2); }
  const mask = crypto.randomBytes(4);
  mask.copy(f, head);
  for (let i = 0; i < len; i++) f[head + 4 + i] = payload[i] ^ mask[i & 3];
  return f;
}

function onText(sock, text) {
  const k = text.indexOf("seq ");
  if (k >= 0) {
    const m = /seq (\d+) t0 (\d+)/.exec(text.slice(k, k + 64));
    if (m) push(Number(process.hrtime.bigint() - BigInt(m[2])) / 1e6);
    return;
  }
  if (!sock.confirmed && text.includes("confirm_subscription")) {
    sock.confirmed = true;
    if (++confirmed === cfg.count) process.send({ ready: true, confirmed });
  } else if (!sock.subscribed && text.includes('"welcome"')) {
    sock.subscribed = true;
    sock.write(maskedText(cfg.subscribe));
  } else if (text.includes("reject_subscription")) {
    process.send({ error: "subscription rejected" });
  }
}

function parse(sock) {
  let b = sock.buf;
  for (;;) {
    if (b.length < 2) break;
    const op = b[0] & 0x0f;
    let len = b[1] & 0x7f, off = 2;
    if (len === 126) { if (b.length < 4) break; len = b.readUInt16BE(2); off = 4; }
    else if (len === 127) { if (b.length < 10) break; len = Number(b.readBigUInt64BE(2)); off = 10; }
    if (b[1] & 0x80) off += 4; // servers do not mask; tolerate it anyway (no unmasking needed for our markers)
    if (b.length < off + len) break;
    const payload = b.subarray(off, off + len);
    if (op === 1) onText(sock, payload.toString("latin1"));
    else if (op === 9) { const p = Buffer.alloc(6); p[0] = 0x8a; p[1] = 0x80; sock.write(p); }
    b = b.subarray(off + len);
  }
  sock.buf = b.length ? Buffer.from(b) : Buffer.alloc(0);
}

function connect(i) {
  const localAddress = cfg.sources > 1 ? `127.0.0.${2 + (i % cfg.sources)}` : undefined;
  const sock = net.connect({ host: "127.0.0.1", port: cfg.port, localAddress });
  sock.setNoDelay(true);
  sock.upgraded = false;
  sock.buf = Buffer.alloc(0);
  sock.on("connect", () => {
    const wskey = crypto.randomBytes(16).toString("base64");
    sock.write(`GET ${cfg.path} HTTP/1.1\r\nHost: 127.0.0.1:${cfg.port}\r\nUpgrade: websocket\r\n` +
      `Connection: Upgrade\r\nSec-WebSocket-Key: ${wskey}\r\nSec-WebSocket-Version: 13\r\n` +
      `Sec-WebSocket-Protocol: actioncable-v1-json, actioncable-unsupported\r\n` +
      `Origin: http://127.0.0.1:${cfg.port}\r\n\r\n`);
  });
  sock.on("data", (chunk) => {
    sock.buf = sock.buf.length ? Buffer.concat([sock.buf, chunk]) : chunk;
    if (!sock.upgraded) {
      const end = sock.buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = sock.buf.subarray(0, end).toString("latin1");
      if (!head.startsWith("HTTP/1.1 101")) {
        failed++;
        process.send({ error: `upgrade refused: ${head.split("\r\n")[0]}` });
        sock.destroy();
        return;
      }
      sock.upgraded = true;
      opened++;
      sock.buf = sock.buf.subarray(end + 4);
    }
    parse(sock);
  });
  sock.on("error", (e) => { failed++; process.send({ error: `connection ${i}: ${e.code || e.message}` }); });
  sock.on("close", () => { if (!sock.finishing && !sock.confirmed) process.send({ error: `connection ${i} closed by the server before its subscription was confirmed` }); });
  socks.push(sock);
}

process.on("message", (m) => {
  if (m.cmd === "start") {
    cfg = m;
    // Open in small batches so the server's accept queue is never the bottleneck of set-up.
    let i = 0;
    const batch = () => {
      for (let k = 0; k < 200 && i < cfg.count; k++) connect(i++);
      if (i < cfg.count) setTimeout(batch, 5);
    };
    batch();
  } else if (m.cmd === "finish") {
    fs.writeFileSync(cfg.out, Buffer.from(lat.buffer, 0, nlat * 8));
    process.send({ done: true, received: nlat, opened, failed });
    for (const s of socks) { s.finishing = true; s.destroy(); }
    setTimeout(() => process.exit(0), 50);
  }
});
process.on("disconnect", () => process.exit(0));
