// bench/lib/cable-ws-peer.mjs — the Node peer of the broadcast fan-out benchmark: one Node 20
// process (node:http + the npm `ws` server) speaking the subset of Action Cable the benchmark
// uses, and sending the same frames quickrail sends: welcome, ping every 3 s,
// Turbo::StreamsChannel subscribe with a verified signed stream name -> confirm_subscription,
// and on POST /broadcast?stream=NAME (body = the HTML) one broadcast
// {"identifier":"<id>","message":"<html>"} to every subscriber of NAME. The payload is built
// once per identifier and the same Buffer is sent to every subscriber.
// Usage: SECRET_KEY_BASE=... node cable-ws-peer.mjs --port P   (binds 127.0.0.1 only)
import http from "node:http";
import { WebSocketServer } from "ws";
import { streamKey, verifyStreamName } from "./turbo-token.mjs";

const portArg = process.argv.indexOf("--port");
const port = Number(portArg > 0 ? process.argv[portArg + 1] : process.env.PORT || 3000);
const key = streamKey(process.env.SECRET_KEY_BASE || "bench");
const streams = new Map(); // stream name -> Map(identifier string -> Set(ws))

const server = http.createServer((req, res) => {
  if (req.method === "POST" && req.url.startsWith("/broadcast")) {
    const stream = new URL(req.url, "http://x").searchParams.get("stream") || "bench";
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const html = Buffer.concat(chunks).toString("utf8");
      const byId = streams.get(stream);
      let n = 0;
      const t0 = process.hrtime.bigint();
      if (byId) {
        const message = JSON.stringify(html);
        for (const [identifier, set] of byId) {
          const frame = Buffer.from(`{"identifier":${JSON.stringify(identifier)},"message":${message}}`);
          for (const ws of set) { ws.send(frame, { binary: false }); n++; }
        }
      }
      // the same measure quickrail's hub logs at debug level: all frames handed to the sockets
      if (n >= 1000) console.log(`fan-out of ${html.length} bytes to ${n} subscribers in ${(Number(process.hrtime.bigint() - t0) / 1e6).toFixed(2)} ms`);
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`ok ${n}\n`);
    });
    return;
  }
  res.writeHead(200, { "content-type": "text/plain" });
  res.end("cable ws peer\n");
});

const wss = new WebSocketServer({
  server,
  path: "/cable",
  perMessageDeflate: false,
  handleProtocols: (protocols) => (protocols.has("actioncable-v1-json") ? "actioncable-v1-json" : false),
});

wss.on("connection", (ws) => {
  ws.subs = [];
  ws.send(JSON.stringify({ type: "welcome" }));
  ws.on("message", (data) => {
    let cmd;
    try { cmd = JSON.parse(data.toString("utf8")); } catch { return; }
    if (cmd.command !== "subscribe" || typeof cmd.identifier !== "string") return;
    let id;
    try { id = JSON.parse(cmd.identifier); } catch { return; }
    const stream = id.channel === "Turbo::StreamsChannel" ? verifyStreamName(key, id.signed_stream_name) : null;
    if (stream === null) {
      ws.send(JSON.stringify({ identifier: cmd.identifier, type: "reject_subscription" }));
      return;
    }
    let byId = streams.get(stream);
    if (!byId) streams.set(stream, (byId = new Map()));
    let set = byId.get(cmd.identifier);
    if (!set) byId.set(cmd.identifier, (set = new Set()));
    if (!set.has(ws)) { set.add(ws); ws.subs.push(set); }
    ws.send(JSON.stringify({ identifier: cmd.identifier, type: "confirm_subscription" }));
  });
  ws.on("close", () => { for (const set of ws.subs) set.delete(ws); });
  ws.on("error", () => {});
});

setInterval(() => {
  const ping = JSON.stringify({ type: "ping", message: Math.floor(Date.now() / 1000) });
  for (const ws of wss.clients) ws.send(ping);
}, 3000);

server.listen(port, "127.0.0.1", () => console.log(`cable ws peer on 127.0.0.1:${port}`));
process.on("SIGTERM", () => process.exit(0));
