// An app.js whose default export is a promise of the app (as an entry wrapping a Ruby app
// found by convention does: loadApp(dir).then(...)) is awaited once at boot, in the zygote:
// every worker serves the resolved app; a rejected promise stops the boot saying why.
import { describe, it, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { startServer, BIN } from "../lib/server.mjs";

const dirs = [];
function app(entry) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-entry-"));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, "app.js"), entry);
  return dir;
}
after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

describe("an entry exporting a promise of the app", () => {
  it("is awaited at boot; workers serve what it resolved to", async () => {
    const dir = app("let boots = 0;\n" +
      "export default new Promise((resolve) => setTimeout(() => { boots++; resolve({ fetch() { return new Response(\"late app, boots \" + boots); } }); }, 20));\n");
    const srv = await startServer({ app: dir, workers: 2 });
    try {
      for (let i = 0; i < 4; i++) {
        const res = await fetch(srv.url + "/");
        assert.equal(res.status, 200);
        assert.equal(await res.text(), "late app, boots 1");
      }
    } finally { await srv.stop(); }
  });

  it("a rejected promise stops the boot with its message", () => {
    const dir = app("export default Promise.reject(new Error(\"no database for this app\"));\n");
    const r = spawnSync(BIN, ["serve", dir, "-b", "127.0.0.1", "-p", "0"], { encoding: "utf8", timeout: 20000, env: { ...process.env, QUICKRAIL_ENV: "test" } });
    assert.notEqual(r.status, 0);
    assert.match(r.stdout + r.stderr, /loading the app: .*no database for this app/);
  });
});
