// tests/framework/support.mjs — boots quickrail's framework for a test file, on Node 20 (through
// lib/node-host: same globals as the QuickJS runtime) or inside quickrail itself
// (`build/quickrail run tests/framework/x.test.mjs`, where "node:test" and "node:assert/strict"
// map to lib/quickrail/testing/). Each test file gets its own SQLite file in a fresh temp dir.
// Test files must stay ES2020 (no top-level await): they load the framework in before().
export const isNode = typeof process !== "undefined" && !!(process.versions && process.versions.node) && typeof Quickrail === "undefined";
export const SECRET = "secret-key-base-for-tests";
const here = new URL(".", import.meta.url).pathname;
export const repoRoot = here.replace(/tests\/framework\/$/, "");

let nodeHost = null;
export async function boot(opts = {}) {
  if (isNode) {
    nodeHost = await import("../../lib/node-host/globals.js");
    nodeHost.install({ appDir: opts.appDir || repoRoot, secretKeyBase: SECRET, env: { QUICKRAIL_ENV: "test" }, onBroadcast: (s, m) => broadcasts.push({ stream: s, message: JSON.parse(m) }) });
    await import("../../lib/node-host/register.js");
  } else {
    const orig = globalThis.broadcast;
    globalThis.broadcast = (s, c) => { broadcasts.push({ stream: s, message: c }); if (orig && opts.passBroadcasts) orig(s, c); };
  }
  if (opts.appDir && !isNode) Quickrail.appDir = opts.appDir;
  const q = await import("quickrail");
  const dir = tmpDir();
  const pg = !isNode && Quickrail.env.QUICKRAIL_TEST_PG_URL;
  if (pg) {
    // the same tests against PostgreSQL: a fresh database per test file
    const url = pg.replace(/\/[^/?]*(\?|$)/, "/qr_" + dir.replace(/\W/g, "_").slice(-24).toLowerCase() + "$1");
    const { PgDatabase } = await import("quickrail:pg");
    PgDatabase.createDatabase(url);
    q.establishConnection({ adapter: "postgresql", url });
  } else {
    q.establishConnection({ adapter: "sqlite", file: dir + "/test.sqlite3" });
  }
  return { q, dir };
}
export const broadcasts = [];

export function tmpDir() {
  const name = "/tmp/qr-test-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 8);
  Quickrail.mkdir(name);
  return name;
}

// Records every SQL statement the adapter runs (for N+1 checks).
export function recordQueries(q) {
  const db = q.connection();
  const log = [];
  for (const m of ["all", "get", "run"]) {
    const orig = db[m];
    db[m] = function (sql, params) { log.push(sql); return orig.call(this, sql, params); };
  }
  return log;
}
