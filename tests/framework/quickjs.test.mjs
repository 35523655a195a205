// Runs every other tests/framework/*.test.mjs file inside quickrail's own QuickJS runtime
// (`quickrail run FILE`, where "node:test" and "node:assert/strict" are lib/quickrail/testing/),
// so the framework is tested on the engine it ships on as well as on Node.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = process.env.QUICKRAIL_ROOT || path.resolve(here, "../..");
const BIN = process.env.QUICKRAIL_BIN || path.join(ROOT, "build/quickrail");
// (quickjs, postgres and node_host test files drive processes from Node; they stay on Node)
const files = fs.readdirSync(here).filter((f) => f.endsWith(".test.mjs") && !["quickjs.test.mjs", "postgres.test.mjs", "node_host.test.mjs"].includes(f)).sort();

describe("framework tests inside QuickJS (quickrail run)", () => {
  for (const f of files) {
    it(f, () => {
      const r = spawnSync(BIN, ["run", path.join(here, f)], { cwd: ROOT, encoding: "utf8", timeout: 60000, env: { ...process.env, QUICKRAIL_ENV: "test" } });
      const out = (r.stdout || "") + (r.stderr || "");
      const pass = /# pass (\d+)/.exec(out), fail = /# fail (\d+)/.exec(out);
      assert.ok(pass && fail, "no TAP summary from quickrail run " + f + " (exit " + r.status + "):\n" + out.slice(-3000));
      assert.equal(Number(fail[1]), 0, f + " failed inside QuickJS:\n" + out.split("\n").filter((l) => /not ok|#\s/.test(l)).slice(0, 60).join("\n"));
      assert.ok(Number(pass[1]) > 0);
      assert.equal(r.status, 0, "exit status");
    });
  }
});
