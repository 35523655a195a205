// bench/blog/node-host-entry.mjs — the one place the benchmarks know how lib/node-host is
// started, so a change of its entry point is a one-line fix here. Starts the Node host serving
// appDir on host:port in this process.
import path from "node:path";

export async function startNodeHost({ root, appDir, port, host }) {
  await import(path.join(root, "lib/node-host/register.js"));
  const server = path.join(root, "lib/node-host/server.js");
  process.argv = [process.argv[0], server, appDir, "--port", String(port), "--bind", host];
  process.env.PORT = String(port);
  await import(server);
}
