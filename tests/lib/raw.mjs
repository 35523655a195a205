// tests/lib/raw.mjs — raw HTTP/1.1 over a net.Socket, for what fetch() cannot do: pipelining,
// malformed and oversized requests, slow clients, reusing one keep-alive connection.
//
//   const c = await RawClient.connect(port);
//   c.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
//   const [res] = await c.responses(1);        // [{ status, reason, headers (lower-case), body (Buffer), text }]
//   await c.closed(2000);                      // resolves true when the server closed the connection
//   c.destroy();
// parseResponses(buf, { head }) parses as many complete responses as buf holds (Content-Length
// or no body), returning { responses, rest }. HEAD responses: pass head: true (no body read).
import net from "node:net";

export function parseResponses(buf, { headCount = 0 } = {}) {
  const responses = [];
  let off = 0;
  for (;;) {
    const end = buf.indexOf("\r\n\r\n", off);
    if (end < 0) break;
    const head = buf.subarray(off, end).toString("latin1").split("\r\n");
    const m = head[0].match(/^HTTP\/1\.[01] (\d{3}) ?(.*)$/);
    if (!m) throw new Error("bad status line: " + head[0]);
    const headers = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(":");
      const k = line.slice(0, i).trim().toLowerCase();
      const v = line.slice(i + 1).trim();
      headers[k] = headers[k] === undefined ? v : headers[k] + ", " + v;
    }
    const status = Number(m[1]);
    const noBody = status === 204 || status === 304 || status < 200 || responses.length < headCount;
    const len = noBody ? 0 : Number(headers["content-length"] || 0);
    if (buf.length < end + 4 + len) break;
    const body = buf.subarray(end + 4, end + 4 + len);
    responses.push({ status, reason: m[2], headers, body, text: body.toString() });
    off = end + 4 + len;
    if (status === 100) responses.pop();
  }
  return { responses, rest: buf.subarray(off) };
}

export class RawClient {
  static connect(port, host = "127.0.0.1") {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => resolve(new RawClient(s)));
      s.once("error", reject);
    });
  }
  constructor(socket) {
    this.s = socket;
    this.buf = Buffer.alloc(0);
    this.received = Buffer.alloc(0); /* every byte the server sent, interim responses included */
    this.got = [];
    this.isClosed = false;
    this.waiters = [];
    this.headCount = 0;
    socket.on("data", (d) => { this.received = Buffer.concat([this.received, d]); this.buf = Buffer.concat([this.buf, d]); this._parse(); this._wake(); });
    socket.on("close", () => { this.isClosed = true; this._wake(); });
    socket.on("error", () => {});
  }
  _parse() {
    const { responses, rest } = parseResponses(this.buf, { headCount: this.headCount });
    this.headCount = Math.max(0, this.headCount - responses.length);
    this.got.push(...responses);
    this.buf = rest;
  }
  _wake() { for (const w of this.waiters.splice(0)) w(); }
  _wait(cond, timeoutMs, what) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const v = cond();
        if (v !== undefined) { clearTimeout(timer); resolve(v); return; }
        this.waiters.push(check);
      };
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${this.got.length} responses, closed=${this.isClosed}, buffered=${JSON.stringify(this.buf.toString().slice(0, 200))}`)), timeoutMs);
      check();
    });
  }
  write(data) { this.s.write(data); }
  expectHead(n = 1) { this.headCount += n; }
  responses(n, timeoutMs = 5000) {
    return this._wait(() => (this.got.length >= n ? this.got.splice(0, n) : this.isClosed ? this.got.splice(0) : undefined), timeoutMs, `${n} responses`);
  }
  closed(timeoutMs = 5000) { return this._wait(() => (this.isClosed ? true : undefined), timeoutMs, "close"); }
  raw() { return this.buf; }
  destroy() { this.s.destroy(); }
}

// One request on a fresh connection; returns the first response (or null when the server closed).
export async function rawOnce(port, data, timeoutMs = 5000) {
  const c = await RawClient.connect(port);
  c.write(data);
  const [r] = await c.responses(1, timeoutMs);
  c.destroy();
  return r ?? null;
}
