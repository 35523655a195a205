// The cable tests' view of tests/lib/server.mjs (the shared helper): starts quickrail on the
// cable fixture app with a known SECRET_KEY_BASE and returns { port, url, origin, log(), stop() }.
import path from "node:path";
import { startServer, ROOT, BIN } from "../../lib/server.mjs";

export { BIN };
export const FIXTURE_APP = path.join(ROOT, "tests/cable/fixtures/app");
export const SECRET = "secret-key-base-for-tests";

export async function start({ app = FIXTURE_APP, env = {}, workers = 2, args = [] } = {}) {
  const srv = await startServer({ app, workers, args, env: { SECRET_KEY_BASE: SECRET, ...env } });
  return {
    ...srv,
    origin: srv.url,
    log: () => srv.logs(),
    stop: (signal = "SIGTERM") => srv.stop({ signal }),
  };
}
