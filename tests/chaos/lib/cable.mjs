// Holds many Action Cable connections open (the `ws` client with the real protocol:
// actioncable-v1-json subprotocol, welcome, subscribe with identifier strings, confirm), each
// subscribed to every identifier given, and watches what arrives: closes, errors, and which
// probe markers ("chaos-probe-N") each connection received on which identifier. Everything is
// on 127.0.0.1 and bounded: the connections are closed by close().
import WebSocket from "ws";
import { sleep } from "./util.mjs";

const MARK = /chaos-probe-\d+/g;

export class CableHolder {
  constructor({ port, count, identifiers }) {
    this.port = port;
    this.count = count;
    this.identifiers = identifiers;
    this.conns = [];
    this.closes = [];            // { idx, code, reason, t }
    this.errors = [];
    this.markerCount = new Map(); // marker -> number of connections that got it
    this.duplicates = 0;          // a marker delivered twice to one connection on one identifier
    this.rejected = 0;
    this.messages = 0;
    this.waiters = new Set();
    this.closing = false;
  }

  openOne(idx) {
    return new Promise((resolve) => {
      const url = `ws://127.0.0.1:${this.port}/cable`;
      const ws = new WebSocket(url, ["actioncable-v1-json", "actioncable-unsupported"], {
        headers: { origin: `http://127.0.0.1:${this.port}` }, perMessageDeflate: false, handshakeTimeout: 15000,
      });
      const c = { idx, ws, open: false, welcomed: false, confirmed: new Set(), lastMsg: new Map(), seen: new Set(), protocol: null };
      this.conns[idx] = c;
      let settled = false;
      const settle = (v) => { if (!settled) { settled = true; resolve(v); } };
      ws.on("open", () => { c.open = true; c.protocol = ws.protocol; });
      ws.on("message", (data) => {
        this.messages++;
        const text = data.toString();
        let msg;
        try { msg = JSON.parse(text); } catch { return; }
        if (msg.type === "welcome") {
          c.welcomed = true;
          for (const id of this.identifiers) ws.send(JSON.stringify({ command: "subscribe", identifier: id }));
          return;
        }
        if (msg.type === "ping") return;
        if (msg.type === "confirm_subscription") {
          c.confirmed.add(msg.identifier);
          if (c.confirmed.size === this.identifiers.length) settle(true);
          return;
        }
        if (msg.type === "reject_subscription") { this.rejected++; settle(false); return; }
        if (msg.type === "disconnect") { this.errors.push({ idx, error: `disconnect ${text}` }); return; }
        if (msg.identifier && msg.message !== undefined) {
          const now = Date.now();
          c.lastMsg.set(msg.identifier, now);
          const body = typeof msg.message === "string" ? msg.message : JSON.stringify(msg.message);
          const marks = body.match(MARK);
          if (marks) {
            for (const m of new Set(marks)) {
              const key = `${m}|${msg.identifier}`;
              if (c.seen.has(key)) { this.duplicates++; continue; }
              c.seen.add(key);
              if (!c.seen.has(m)) {
                c.seen.add(m);
                this.markerCount.set(m, (this.markerCount.get(m) || 0) + 1);
              }
            }
          }
          if (this.waiters.size) for (const w of this.waiters) w();
        }
      });
      ws.on("error", (e) => { this.errors.push({ idx, error: e.message }); settle(false); });
      ws.on("close", (code, reason) => {
        c.open = false;
        if (!this.closing) this.closes.push({ idx, code, reason: reason.toString(), t: Date.now() });
        settle(false);
      });
    });
  }

  // Opens every connection (batches of 50), waits until each confirmed every subscription.
  async open(timeoutMs = 60000) {
    const t0 = Date.now();
    for (let i = 0; i < this.count; i += 50) {
      const batch = [];
      for (let j = i; j < Math.min(this.count, i + 50); j++) batch.push(this.openOne(j));
      const res = await Promise.race([Promise.all(batch), sleep(Math.max(1, timeoutMs - (Date.now() - t0))).then(() => null)]);
      if (!res) throw new Error(`cable: connections ${i}.. not confirmed within ${timeoutMs} ms`);
      const bad = res.filter((x) => !x).length;
      if (bad) throw new Error(`cable: ${bad} of batch ${i} failed (errors: ${JSON.stringify(this.errors.slice(0, 3))}, rejected ${this.rejected}, protocol ${this.conns[i]?.protocol})`);
    }
    return Date.now() - t0;
  }

  openCount() { return this.conns.filter((c) => c && c.open && c.ws.readyState === WebSocket.OPEN).length; }
  subscriptions() { return this.conns.reduce((s, c) => s + (c ? c.confirmed.size : 0), 0); }

  // Waits until every open connection has received `marker`, and (if sinceIds given) a message
  // on at least one of those identifiers at or after `since`. Returns what was missing.
  async waitProbe(marker, since, sinceIds, timeoutMs = 10000) {
    const t0 = since; // latency counted from just before the probe's POST
    const check = () => {
      let missingMarker = 0, missingSince = 0;
      for (const c of this.conns) {
        if (!c) continue;
        if (!c.seen.has(marker)) missingMarker++;
        if (sinceIds?.length && !sinceIds.some((id) => (c.lastMsg.get(id) || 0) >= since)) missingSince++;
      }
      return { missingMarker, missingSince };
    };
    let r = check();
    if (!r.missingMarker && !r.missingSince) return { ...r, ms: Date.now() - t0 };
    await new Promise((resolve) => {
      let timer;
      const w = () => {
        if ((this.markerCount.get(marker) || 0) < this.count) return;
        r = check();
        if (!r.missingMarker && !r.missingSince) { clearTimeout(timer); this.waiters.delete(w); resolve(); }
      };
      timer = setTimeout(() => { this.waiters.delete(w); r = check(); resolve(); }, timeoutMs);
      this.waiters.add(w);
    });
    return { ...r, ms: Date.now() - t0 };
  }

  async close() {
    this.closing = true;
    for (const c of this.conns) { try { c?.ws.close(1000); } catch {} }
    await sleep(200);
    for (const c of this.conns) { try { c?.ws.terminate(); } catch {} }
  }
}
