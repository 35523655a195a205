// A raw Action Cable client over `ws` for protocol-level checks: every frame the server sends
// is recorded (parsed JSON, arrival time), and tests wait for frames matching a predicate.
import WS from "ws";
import http from "node:http";

export class RawCable {
  constructor(port, { origin = `http://127.0.0.1:${port}`, query = "", protocols = ["actioncable-v1-json", "actioncable-unsupported"] } = {}) {
    this.frames = [];
    this.waiters = [];
    this.closed = null;
    this.ws = new WS(`ws://127.0.0.1:${port}/cable${query}`, protocols, { headers: origin ? { origin } : {}, perMessageDeflate: false });
    this.ws.on("message", (data, isBinary) => {
      const text = data.toString();
      let json; try { json = JSON.parse(text); } catch { json = undefined; }
      this.frames.push({ text, json, at: Date.now(), isBinary });
      this.wake();
    });
    this.ws.on("close", (code, reason) => { this.closed = { code, reason: reason.toString() }; this.wake(); });
    this.ws.on("error", (e) => { this.error = e; this.wake(); });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once("open", resolve);
      this.ws.once("error", reject);
      this.ws.once("unexpected-response", (req, res) => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })));
    });
  }
  wake() { for (const w of this.waiters.splice(0)) w(); }
  send(obj) { this.ws.send(typeof obj === "string" ? obj : JSON.stringify(obj)); }
  subscribe(identifier) { this.send({ command: "subscribe", identifier }); }
  // Resolves with the first frame (from index `from`) whose json satisfies pred.
  waitFor(pred, timeoutMs = 5000, from = 0) {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`timeout waiting; frames: ${this.frames.map((f) => f.text).join(" | ").slice(0, 2000)}`)), timeoutMs);
      const check = () => {
        const f = this.frames.slice(from).find((f) => f.json !== undefined && pred(f.json));
        if (f) { clearTimeout(t); resolve(f); return; }
        this.waiters.push(check);
      };
      check();
    });
  }
  waitClose(timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error("socket not closed")), timeoutMs);
      const check = () => { if (this.closed) { clearTimeout(t); resolve(this.closed); return; } this.waiters.push(check); };
      check();
    });
  }
  nonPing() { return this.frames.filter((f) => !(f.json && f.json.type === "ping")); }
  close() { try { this.ws.terminate(); } catch {} }
}

export const turboId = (token) => JSON.stringify({ channel: "Turbo::StreamsChannel", signed_stream_name: token });

export async function token(server, name) {
  const r = await fetch(`${server.url}/token?name=${encodeURIComponent(name)}`);
  if (r.status !== 200) throw new Error(`token: HTTP ${r.status}`);
  return r.text();
}

export async function broadcast(server, stream, html, times = 1) {
  const r = await fetch(`${server.url}/broadcast?stream=${encodeURIComponent(stream)}&times=${times}`, { method: "POST", body: html });
  if (r.status !== 200) throw new Error(`broadcast: HTTP ${r.status}`);
  await r.text();
}

// A WebSocket handshake over plain HTTP, to see refusals exactly: resolves { status, headers, body }.
export function handshake(port, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1", port, path: "/cable", method: "GET",
      headers: {
        connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-protocol": "actioncable-v1-json, actioncable-unsupported",
        ...headers,
      },
    });
    req.on("upgrade", (res, socket) => { socket.destroy(); resolve({ status: 101, headers: res.headers, body: "" }); });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (d) => { body += d; });
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}
