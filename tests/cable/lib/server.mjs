// Starts quickrail (process.env.QUICKRAIL_BIN, default build/quickrail) on a free 127.0.0.1
// port for the cable tests, waits until it answers, collects its log, stops it. To be replaced
// by tests/lib/server.mjs once that exists (same shape: start() -> { port, url, log(), stop() }).
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const BIN = process.env.QUICKRAIL_BIN || path.join(root, "build/quickrail");
export const FIXTURE_APP = path.join(root, "tests/cable/fixtures/app");
export const SECRET = "secret-key-base-for-tests";

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

async function waitUp(port, child, ms) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`quickrail exited with ${child.exitCode}`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, "127.0.0.1", () => { s.destroy(); resolve(true); });
      s.once("error", () => resolve(false));
    });
    if (ok) {
      try { const r = await fetch(`http://127.0.0.1:${port}/__ready`); await r.text(); return; } catch {}
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("quickrail did not start in time");
}

export async function start({ app = FIXTURE_APP, env = {}, workers = 2, args = [] } = {}) {
  const port = await freePort();
  let log = "";
  const child = spawn(BIN, ["serve", app, "-p", String(port), "-b", "127.0.0.1", "-w", String(workers), ...args], {
    env: { ...process.env, SECRET_KEY_BASE: SECRET, QUICKRAIL_ENV: "test", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d) => { log += d; });
  child.stderr.on("data", (d) => { log += d; });
  try {
    await waitUp(port, child, 15000);
  } catch (e) {
    child.kill("SIGKILL");
    throw new Error(`${e.message}\n${log}`);
  }
  const exited = new Promise((resolve) => child.once("exit", (code, sig) => resolve({ code, sig })));
  return {
    port, child, url: `http://127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}`,
    log: () => log,
    async stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const t = setTimeout(() => child.kill("SIGKILL"), 10000);
      const r = await exited;
      clearTimeout(t);
      return r;
    },
    exited,
  };
}
