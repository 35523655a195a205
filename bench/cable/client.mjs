// bench/cable/client.mjs — one client process of the cable benchmark (forked by bench.mjs):
// opens its share of Action Cable connections (Origin set, actioncable-v1-json), subscribes
// each to one Turbo stream, reports when all are confirmed, then records for every broadcast
// "seq:sentAt" the arrival time (performance.timeOrigin + now(): the same clock in every
// process on the machine) and sends the latencies back when asked.
import WS from "ws";

const { port, n, identifier, sources, offset } = JSON.parse(process.argv[2]);
const conns = [];
const lat = []; // [seq, ms]
let confirmed = 0, closed = 0;
const MARK = Buffer.from("\"message\":\"b");
const now = () => performance.timeOrigin + performance.now();

function open(i) {
  return new Promise((resolve) => {
    const localAddress = sources > 1 ? `127.0.0.${2 + ((offset + i) % sources)}` : undefined;
    const ws = new WS(`ws://127.0.0.1:${port}/cable`, ["actioncable-v1-json", "actioncable-unsupported"], {
      headers: { origin: `http://127.0.0.1:${port}` }, perMessageDeflate: false, localAddress, handshakeTimeout: 30000,
    });
    ws.on("message", (data) => {
      const t = now();
      // broadcasts: find "message":"b<seq>:<sentAt>" without parsing the JSON (keep clients cheap)
      const at = data.indexOf(MARK);
      if (at >= 0) {
        const rest = data.toString("latin1", at + MARK.length, at + MARK.length + 40);
        const m = /^(\d+):([\d.]+)/.exec(rest);
        if (m) lat.push([Number(m[1]), t - Number(m[2])]);
        return;
      }
      const s = data.toString();
      if (s.startsWith("{\"identifier\"")) {
        const j = JSON.parse(s);
        if (j.type === "confirm_subscription") { confirmed++; resolve(); return; }
        if (typeof j.message === "string") {
          const m = /^b(\d+):([\d.]+)/.exec(j.message);
          if (m) lat.push([Number(m[1]), t - Number(m[2])]);
        }
      } else if (s === "{\"type\":\"welcome\"}") {
        ws.send(JSON.stringify({ command: "subscribe", identifier }));
      }
    });
    ws.on("close", () => { closed++; resolve(); });
    ws.on("error", () => {});
    conns.push(ws);
  });
}

process.on("message", async (msg) => {
  if (msg.cmd === "open") {
    for (let i = 0; i < n; i += 250) {
      const batch = [];
      for (let k = i; k < Math.min(n, i + 250); k++) batch.push(open(k));
      await Promise.all(batch);
    }
    process.send({ cmd: "opened", confirmed, closed });
  } else if (msg.cmd === "report") {
    process.send({ cmd: "report", lat, closed, confirmed });
    lat.length = 0;
  } else if (msg.cmd === "close") {
    for (const ws of conns) ws.terminate();
    setTimeout(() => process.exit(0), 200);
  }
});
process.send({ cmd: "ready" });
