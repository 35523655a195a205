// lib/node-host/cable.js — a minimal Action Cable server over `ws` for the Node host:
// subprotocol actioncable-v1-json, welcome, ping every 3 s, subscribe/unsubscribe keyed by
// the identifier string, Turbo::StreamsChannel with verified signed stream names, app
// channels through the app's cable entry (the `cable` of its default export), and broadcast fan-out.
import { createRequire } from "node:module";
import path from "node:path";
const require = createRequire(import.meta.url);
const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../..");
function loadWs() { try { return require("ws"); } catch (e) { return require(path.join(repoRoot, "node_modules/ws")); } }

export function createCableServer(server, subscribers, app) {
  const entry = app && app.cable && typeof app.cable.handle === "function" ? app.cable : null;
  const { WebSocketServer } = loadWs();
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => protocols.has("actioncable-v1-json") ? "actioncable-v1-json" : false });
  const streams = new Map(); // stream -> Set of {ws, identifier}
  subscribers.deliver = (stream, messageJson) => {
    const subs = streams.get(stream);
    if (!subs) return;
    for (const s of subs) if (s.ws.readyState === 1) s.ws.send('{"identifier":' + JSON.stringify(s.identifier) + ',"message":' + messageJson + "}");
  };
  const cableOp = (op) => {
    if (!entry) return null;
    try { return JSON.parse(entry.handle(JSON.stringify(op))); } catch (e) { console.error(e); return null; }
  };
  server.on("upgrade", (req, socket, head) => {
    if (new URL(req.url, "http://x").pathname !== "/cable") { socket.destroy(); return; }
    const origin = req.headers.origin;
    if (origin && !/^https?:\/\/(localhost|127\.0\.0\.1)(:\d+)?$/.test(origin) && origin.replace(/^https?:\/\//, "") !== req.headers.host) {
      socket.end("HTTP/1.1 404 Not Found\r\ncontent-type: text/plain\r\ncontent-length: 14\r\n\r\nPage not found"); return;
    }
    const conn = cableOp({ op: "connect", url: req.url, headers: { cookie: req.headers.cookie || "", origin: origin || "" } });
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (conn && conn.ok === false) { ws.send('{"type":"disconnect","reason":"unauthorized","reconnect":false}'); ws.close(); return; }
      const identifiers = (conn && conn.identifiers) || {};
      const subs = new Map(); // identifier -> [streams]
      ws.send('{"type":"welcome"}');
      const ping = setInterval(() => ws.send('{"type":"ping","message":' + Math.floor(Date.now() / 1000) + "}"), 3000);
      const addStream = (identifier, name) => {
        if (!streams.has(name)) streams.set(name, new Set());
        const entry = { ws, identifier };
        streams.get(name).add(entry);
        subs.get(identifier).push([name, entry]);
      };
      const dropAll = (identifier) => {
        for (const [name, entry] of subs.get(identifier) || []) { const set = streams.get(name); if (set) { set.delete(entry); if (!set.size) streams.delete(name); } }
        subs.delete(identifier);
      };
      ws.on("message", (data, isBinary) => {
        if (isBinary) return;
        let cmd;
        try { cmd = JSON.parse(String(data)); } catch (e) { return; }
        const identifier = cmd.identifier;
        if (typeof identifier !== "string") return;
        if (cmd.command === "subscribe") {
          if (subs.has(identifier)) return;
          let id; try { id = JSON.parse(identifier); } catch (e) { return; }
          if (id.channel === "Turbo::StreamsChannel") {
            const name = globalThis.Quickrail.verifyStreamName(id.signed_stream_name || "");
            if (name === null) { ws.send(JSON.stringify({ identifier, type: "reject_subscription" })); return; }
            subs.set(identifier, []);
            addStream(identifier, name);
            ws.send(JSON.stringify({ identifier, type: "confirm_subscription" }));
            return;
          }
          const r = cableOp({ op: "subscribe", identifiers, identifier });
          if (!r || r.ok === null) return;
          if (!r.ok) { ws.send(JSON.stringify({ identifier, type: "reject_subscription" })); return; }
          subs.set(identifier, []);
          for (const s of r.streams || []) addStream(identifier, s);
          ws.send(JSON.stringify({ identifier, type: "confirm_subscription" }));
          for (const t of r.transmit || []) ws.send(JSON.stringify({ identifier, message: t }));
        } else if (cmd.command === "unsubscribe") {
          if (!subs.has(identifier)) return;
          dropAll(identifier);
          cableOp({ op: "unsubscribe", identifiers, identifier });
        } else if (cmd.command === "message") {
          if (!subs.has(identifier)) return;
          const r = cableOp({ op: "perform", identifiers, identifier, data: cmd.data });
          if (!r) return;
          for (const s of r.stopStreams || []) {
            if (s === "*") { const ids = subs.get(identifier); dropAll(identifier); subs.set(identifier, []); void ids; }
          }
          for (const s of r.streams || []) addStream(identifier, s);
          for (const t of r.transmit || []) ws.send(JSON.stringify({ identifier, message: t }));
        }
      });
      ws.on("close", () => { clearInterval(ping); for (const id of [...subs.keys()]) dropAll(id); });
    });
  });
  return wss;
}
