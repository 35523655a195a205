// bench/lib/hello-node.mjs — the Node 20 peer of the hello-world benchmark: node:http answering
// every request with the same 13-byte text body quickrail's hello fixture sends. With
// --cluster N, a node:cluster primary forks N processes sharing the port.
// Usage: node hello-node.mjs --port P [--cluster N]   (binds 127.0.0.1 only)
import cluster from "node:cluster";
import http from "node:http";

const arg = (name, def) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : def; };
const port = arg("--port", 3000);
const n = arg("--cluster", 0);
const body = "Hello, World!";

if (n > 0 && cluster.isPrimary) {
  for (let i = 0; i < n; i++) cluster.fork();
  process.on("SIGTERM", () => { for (const w of Object.values(cluster.workers)) w.kill(); process.exit(0); });
} else {
  http.createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8", "content-length": body.length });
    res.end(body);
  }).listen(port, "127.0.0.1");
}
