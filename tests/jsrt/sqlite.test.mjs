// The bun:sqlite Database (js_sqlite.c + lib/web/sqlite.js) against real SQLite files.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import BetterSqlite from "better-sqlite3";
import { checkScript, runScript, tmpDir } from "./helpers.mjs";

const dir = tmpDir();
await checkScript("sqlite.js", [dir]);

test("the file written by quickrail is a valid SQLite database in WAL mode (read by better-sqlite3)", () => {
  const db = new BetterSqlite(path.join(dir, "checks.sqlite3"), { readonly: true });
  assert.equal(db.prepare("SELECT count(*) AS c FROM notes").get().c, 8);
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  db.close();
});

test("two quickrail processes writing one database concurrently lose nothing (busy_timeout)", async () => {
  const d = tmpDir();
  const file = path.join(d, "writer.js");
  fs.writeFileSync(file, `
    const db = new Database(Quickrail.argv[0], { create: true });
    // the default 5 s wait for the other writer's lock ran out once under ASan at load
    // average 25 (300 commits with synchronous=FULL each); waiting is what is under test
    db.run("PRAGMA busy_timeout = 60000");
    db.run("CREATE TABLE IF NOT EXISTS w (who TEXT, n INTEGER)");
    const ins = db.query("INSERT INTO w VALUES (?, ?)");
    const tx = db.transaction((who, n) => ins.run(who, n));
    for (let i = 0; i < 300; i++) tx.immediate(Quickrail.argv[1], i);
    console.log("WROTE", Quickrail.argv[1]);
  `);
  const dbPath = path.join(d, "shared.sqlite3");
  const [a, b] = await Promise.all([runScript(file, [dbPath, "a"]), runScript(file, [dbPath, "b"])]);
  assert.equal(a.code, 0, a.out);
  assert.equal(b.code, 0, b.out);
  const db = new BetterSqlite(dbPath, { readonly: true });
  assert.deepEqual(db.prepare("SELECT who, count(*) AS c FROM w GROUP BY who ORDER BY who").all(), [{ who: "a", c: 300 }, { who: "b", c: 300 }]);
  db.close();
});
