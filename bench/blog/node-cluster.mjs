// bench/blog/node-cluster.mjs — runs the blog on Node 20 through lib/node-host, either as one
// process (--workers 0) or as a node:cluster of --workers processes sharing the port (the
// primary only forks and supervises; the workers each run the unchanged Node host, whose
// listen() the cluster module shares). Used by bench/run.sh for the blog, memory and cold-start
// peers. Binds 127.0.0.1. Usage: node node-cluster.mjs --workers N --port P --app APP_DIR
import cluster from "node:cluster";
import path from "node:path";
import { fileURLToPath } from "node:url";

const opt = { workers: 0, port: 3000, app: "." };
for (let i = 2; i < process.argv.length; i += 2) opt[process.argv[i].slice(2)] = process.argv[i + 1];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const n = Number(opt.workers);

if (n > 0 && cluster.isPrimary) {
  for (let i = 0; i < n; i++) cluster.fork();
  let stopping = false;
  cluster.on("exit", (w, code, signal) => {
    if (!stopping) { console.error(`node-cluster: worker ${w.process.pid} died (${signal || code}); stopping`); process.exit(1); }
  });
  const stop = () => { stopping = true; for (const w of Object.values(cluster.workers)) w.kill(); setTimeout(() => process.exit(0), 200); };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
} else {
  const { startNodeHost } = await import(path.join(root, "bench/blog/node-host-entry.mjs"));
  await startNodeHost({ root, appDir: path.resolve(opt.app), port: Number(opt.port), host: "127.0.0.1" });
}
