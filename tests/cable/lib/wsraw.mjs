// A byte-level WebSocket client over net.Socket, for what the `ws` package will not send:
// handshake and frames in one write, ping floods, malformed close frames, a client that stops
// reading. Frames from the server are parsed as they arrive (unless reading is paused).
//
//   const w = await WsRaw.connect(port, { origin });   // handshake written, 101 awaited
//   w.write(frame(0x9, Buffer.from("hi")));             // masked client frame
//   await w.waitFrames((fs) => fs.filter((f) => f.opcode === 0xA).length >= 1);
import net from "node:net";
import crypto from "node:crypto";

// A masked client frame (FIN set) with opcode and payload.
export function frame(opcode, payload = Buffer.alloc(0)) {
  const p = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const mask = crypto.randomBytes(4);
  let head;
  if (p.length < 126) head = Buffer.from([0x80 | opcode, 0x80 | p.length]);
  else if (p.length < 65536) { head = Buffer.alloc(4); head[0] = 0x80 | opcode; head[1] = 0x80 | 126; head.writeUInt16BE(p.length, 2); }
  else { head = Buffer.alloc(10); head[0] = 0x80 | opcode; head[1] = 0x80 | 127; head.writeBigUInt64BE(BigInt(p.length), 2); }
  const body = Buffer.alloc(p.length);
  for (let i = 0; i < p.length; i++) body[i] = p[i] ^ mask[i & 3];
  return Buffer.concat([head, mask, body]);
}

export const text = (s) => frame(0x1, Buffer.from(s));

export function handshakeRequest(port, { origin = `http://127.0.0.1:${port}`, path = "/cable" } = {}) {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n` +
    `Sec-WebSocket-Protocol: actioncable-v1-json\r\nOrigin: ${origin}\r\n\r\n`;
}

// Parses unmasked server frames from buf: { frames: [{ opcode, payload }], rest }.
export function parseFrames(buf) {
  const frames = [];
  let off = 0;
  for (;;) {
    if (buf.length - off < 2) break;
    const opcode = buf[off] & 0x0f;
    let len = buf[off + 1] & 0x7f, h = 2;
    if (len === 126) { if (buf.length - off < 4) break; len = buf.readUInt16BE(off + 2); h = 4; }
    else if (len === 127) { if (buf.length - off < 10) break; len = Number(buf.readBigUInt64BE(off + 2)); h = 10; }
    if (buf.length - off < h + len) break;
    const payload = buf.subarray(off + h, off + h + len);
    frames.push({ opcode, payload, text: opcode === 1 ? payload.toString() : undefined });
    off += h + len;
  }
  return { frames, rest: buf.subarray(off) };
}

export class WsRaw {
  // Connects and writes the handshake followed by `extra` bytes in the same write; resolves
  // once the socket is connected (the 101 is awaited with opened()).
  static connect(port, { origin, extra = Buffer.alloc(0) } = {}) {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, "127.0.0.1", () => {
        s.write(Buffer.concat([Buffer.from(handshakeRequest(port, { origin })), extra]));
        resolve(new WsRaw(s));
      });
      s.once("error", reject);
    });
  }
  constructor(s) {
    this.s = s;
    this.head = null;
    this.buf = Buffer.alloc(0);
    this.frames = [];
    this.closed = false;
    this.error = null;
    this.waiters = [];
    s.on("data", (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      if (this.head === null) {
        const i = this.buf.indexOf("\r\n\r\n");
        if (i < 0) return;
        this.head = this.buf.subarray(0, i).toString("latin1");
        this.buf = this.buf.subarray(i + 4);
      }
      const { frames, rest } = parseFrames(this.buf);
      this.frames.push(...frames);
      this.buf = rest;
      this.wake();
    });
    s.on("close", () => { this.closed = true; this.wake(); });
    s.on("error", (e) => { this.error = e; this.wake(); });
  }
  wake() { for (const w of this.waiters.splice(0)) w(); }
  wait(cond, timeoutMs, what) {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timed out waiting for ${what}; ${this.frames.length} frames, closed=${this.closed}, head=${JSON.stringify(this.head)}`)), timeoutMs);
      const check = () => { const v = cond(); if (v) { clearTimeout(t); resolve(v); return; } this.waiters.push(check); };
      check();
    });
  }
  opened(timeoutMs = 5000) { return this.wait(() => this.head !== null && this.head, timeoutMs, "the 101 response"); }
  waitFrames(pred, timeoutMs = 5000, what = "frames") { return this.wait(() => pred(this.frames) && this.frames, timeoutMs, what); }
  waitClosed(timeoutMs = 5000) { return this.wait(() => this.closed, timeoutMs, "the server to close"); }
  write(b) { return this.s.write(b); }
  pause() { this.s.pause(); }
  destroy() { this.s.destroy(); }
}
