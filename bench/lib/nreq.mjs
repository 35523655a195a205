// bench/lib/nreq.mjs — sends exactly N GET requests to 127.0.0.1 over C keep-alive
// connections, cycling through the given paths; used where a count matters more than a
// duration (memory after 10,000 requests). Prints one JSON line {sent, ok, bad, ms}; exits 1
// when any request failed or the time bound (--timeout seconds, default 120) was hit.
// Usage: node nreq.mjs --port P --n 10000 --c 8 /path1 /path2 ...
import http from "node:http";

const args = process.argv.slice(2);
const opt = { port: 0, n: 1000, c: 8, timeout: 120 };
const paths = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a.startsWith("--")) opt[a.slice(2)] = Number(args[++i]);
  else paths.push(a);
}
if (!paths.length) paths.push("/");
const agent = new http.Agent({ keepAlive: true, maxSockets: opt.c });
let next = 0, ok = 0, bad = 0, done = 0;
const t0 = performance.now();
const timer = setTimeout(() => { finish(1, "timeout"); }, opt.timeout * 1000);

function finish(code, why) {
  clearTimeout(timer);
  console.log(JSON.stringify({ sent: next, ok, bad, ms: Math.round(performance.now() - t0), why }));
  agent.destroy();
  process.exit(code);
}

function one() {
  if (next >= opt.n) return;
  const path = paths[next++ % paths.length];
  const req = http.get({ host: "127.0.0.1", port: opt.port, path, agent }, (res) => {
    if (res.statusCode >= 200 && res.statusCode < 400) ok++; else bad++;
    res.resume();
    res.on("end", after);
  });
  req.on("error", () => { bad++; after(); });
}
function after() {
  done++;
  if (done >= opt.n) finish(bad ? 1 : 0, "done");
  else one();
}
for (let i = 0; i < opt.c; i++) one();
