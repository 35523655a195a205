// The adapter conformance run: the model, validation, association, callback, migration and
// controller test files again, inside quickrail, against a real PostgreSQL 15 started on a
// free 127.0.0.1 port (tests/lib/services.mjs) — the SQLite and PostgreSQL adapters must pass
// the same tests.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startPostgres } from "../lib/services.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = process.env.QUICKRAIL_ROOT || path.resolve(here, "../..");
const BIN = process.env.QUICKRAIL_BIN || path.join(ROOT, "build/quickrail");
const files = ["models", "validations", "associations", "callbacks", "migrations", "controller"].map((f) => f + ".test.mjs");

let pg;
before(async () => { pg = await startPostgres(); });
after(async () => { if (pg) await pg.stop(); });

describe("framework tests on PostgreSQL (inside quickrail)", () => {
  for (const f of files) {
    it(f, () => {
      const r = spawnSync(BIN, ["run", path.join(here, f)], { cwd: ROOT, encoding: "utf8", timeout: 60000, env: { ...process.env, QUICKRAIL_ENV: "test", QUICKRAIL_TEST_PG_URL: pg.url } });
      const out = (r.stdout || "") + (r.stderr || "");
      const pass = /# pass (\d+)/.exec(out), fail = /# fail (\d+)/.exec(out);
      assert.ok(pass && fail, "no TAP summary from quickrail run " + f + " (exit " + r.status + "):\n" + out.slice(-3000));
      assert.equal(Number(fail[1]), 0, f + " failed on PostgreSQL:\n" + out.split("\n").filter((l) => /not ok|#\s/.test(l)).slice(0, 80).join("\n"));
      assert.ok(Number(pass[1]) > 0);
    });
  }
});
