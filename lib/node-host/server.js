// lib/node-host/server.js — runs a quickrail app on Node 20: node:http for requests (the app's
// default export `{ fetch }` gets Web API Request objects), public/ as static files, and a
// minimal Action Cable server on /cable (ws) for Turbo::StreamsChannel with signed stream
// names and broadcasts. `--cluster N` forks N processes (node:cluster) that relay broadcasts
// through the primary. The benchmark peer of issue 8 and the migration path for apps.
//   node lib/node-host/server.js APP_DIR [-p PORT] [-b HOST] [--cluster N]
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import cluster from "node:cluster";
import os from "node:os";
import { install } from "./globals.js";
import { createCableServer } from "./cable.js";
import "./register.js";

function parseArgs(argv) {
  const o = { appDir: process.cwd(), port: Number(process.env.PORT || 3000), host: "127.0.0.1", cluster: 0, quiet: !!process.env.QUIET };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "-p" || a === "--port") o.port = Number(argv[++i]);
    else if (a === "-b" || a === "--bind") o.host = argv[++i];
    else if (a === "--cluster") o.cluster = argv[i + 1] && /^\d+$/.test(argv[i + 1]) ? Number(argv[++i]) : os.cpus().length;
    else if (a === "-q" || a === "--quiet") o.quiet = true;
    else if (a.startsWith("-")) { console.error("node-host: unknown flag " + a); process.exit(2); }
    else o.appDir = path.resolve(a);
  }
  return o;
}

const MIME = { ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
  ".json": "application/json", ".png": "image/png", ".jpg": "image/jpeg", ".svg": "image/svg+xml", ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8", ".woff2": "font/woff2", ".map": "application/json" };

function serveStatic(publicDir, req, res) {
  if (req.method !== "GET" && req.method !== "HEAD") return false;
  let p;
  try { p = decodeURIComponent(new URL(req.url, "http://x").pathname); } catch (e) { return false; }
  if (p.endsWith("/")) return false;
  const file = path.join(publicDir, p);
  if (!file.startsWith(publicDir + path.sep)) return false;
  let st;
  try { st = fs.statSync(file); } catch (e) { return false; }
  if (!st.isFile()) return false;
  const etag = '"' + st.size.toString(16) + "-" + Math.floor(st.mtimeMs).toString(16) + '"';
  if (req.headers["if-none-match"] === etag) { res.writeHead(304, { etag }); res.end(); return true; }
  res.writeHead(200, { "content-type": MIME[path.extname(file)] || "application/octet-stream", "content-length": st.size, etag });
  if (req.method === "HEAD") res.end(); else fs.createReadStream(file).pipe(res);
  return true;
}

export async function start(opts) {
  const subscribers = { deliver: () => {} };
  const sendBroadcast = (stream, json) => {
    subscribers.deliver(stream, json);
    if (cluster.isWorker) process.send({ qrBroadcast: [stream, json] });
  };
  install({ appDir: opts.appDir, onBroadcast: sendBroadcast, workerId: cluster.isWorker ? cluster.worker.id : 0 });
  const { loadApp } = await import("quickrail"); // app.js / index.js, else by convention
  const app = await loadApp(path.resolve(opts.appDir));
  const publicDir = path.join(opts.appDir, "public");
  const server = http.createServer(async (req, res) => {
    const t0 = process.hrtime.bigint();
    if (serveStatic(publicDir, req, res)) return;
    let body = null;
    if (req.method !== "GET" && req.method !== "HEAD") {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      body = chunks.length ? Buffer.concat(chunks) : null;
    }
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const url = "http://" + (req.headers.host || "localhost") + req.url;
    let response;
    try {
      const request = new Request(url, { method: req.method, headers, body: body && req.method !== "GET" && req.method !== "HEAD" ? body : undefined });
      response = await app.fetch(request, process.env);
    } catch (e) {
      console.error(e);
      response = new Response("We're sorry, but something went wrong.\n", { status: 500 });
    }
    const outHeaders = {};
    response.headers.forEach((v, k) => { if (k !== "set-cookie") outHeaders[k] = v; });
    const cookies = response.headers.getSetCookie ? response.headers.getSetCookie() : [];
    if (cookies.length) outHeaders["set-cookie"] = cookies;
    const buf = Buffer.from(await response.arrayBuffer());
    outHeaders["content-length"] = buf.length;
    res.writeHead(response.status, outHeaders);
    res.end(req.method === "HEAD" ? undefined : buf);
    if (!opts.quiet) console.log(req.method + " " + req.url + " " + response.status + " " + (Number(process.hrtime.bigint() - t0) / 1e6).toFixed(1) + "ms");
  });
  server.keepAliveTimeout = 30000;
  const cable = createCableServer(server, subscribers, app);
  if (cluster.isWorker) process.on("message", (m) => { if (m && m.qrRelay) subscribers.deliver(m.qrRelay[0], m.qrRelay[1]); });
  await new Promise((resolve) => server.listen(opts.port, opts.host, resolve));
  if (!cluster.isWorker || cluster.worker.id === 1) console.log("node-host: " + path.basename(opts.appDir) + " on http://" + opts.host + ":" + server.address().port + (cluster.isWorker ? " (cluster)" : ""));
  return { server, cable, app };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname);
if (isMain) {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.cluster > 0 && cluster.isPrimary) {
    for (let i = 0; i < opts.cluster; i++) cluster.fork();
    cluster.on("message", (worker, m) => {
      if (m && m.qrBroadcast) for (const id of Object.keys(cluster.workers)) if (cluster.workers[id] !== worker) cluster.workers[id].send({ qrRelay: m.qrBroadcast });
    });
    cluster.on("exit", (w, code, sig) => { console.error("node-host: worker " + w.id + " exited (" + (sig || code) + "), restarting"); cluster.fork(); });
    const stop = () => { for (const id of Object.keys(cluster.workers)) cluster.workers[id].kill(); process.exit(0); };
    process.on("SIGTERM", stop); process.on("SIGINT", stop);
  } else {
    start(opts).then(({ server }) => {
      const stop = () => {
        server.close(() => process.exit(0));
        server.closeAllConnections();
        setTimeout(() => process.exit(0), 2000).unref();
      };
      process.on("SIGTERM", stop); process.on("SIGINT", stop);
    }).catch((e) => { console.error(e); process.exit(1); });
  }
}
