// Checks on the blog's SQLite file with the sqlite3 command-line shell (a separate process, as
// an operator would): PRAGMA integrity_check, which acknowledged comments exist, and whether any
// row of a half-done (rolled back) transaction became visible.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

function sqlite(db, sql) {
  const r = spawnSync("sqlite3", ["-batch", "-cmd", ".timeout 10000", db], { input: sql, encoding: "utf8", timeout: 60000, maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`sqlite3 ${db}: ${r.stderr || r.error}`);
  return r.stdout;
}

export function integrity(db) {
  return sqlite(db, "PRAGMA integrity_check;\n").trim();
}

export function commentBodies(db, likePrefix) {
  const out = sqlite(db, `SELECT body FROM comments WHERE body LIKE '${likePrefix.replace(/'/g, "''")}%';\n`);
  return new Set(out.split("\n").filter(Boolean));
}

// Which of the acknowledged bodies are missing from the comments table.
export function missingComments(db, bodies) {
  if (!bodies.length) return [];
  const have = commentBodies(db, "chaos-");
  return bodies.filter((b) => !have.has(b));
}

export function halfDoneRows(db) {
  return Number(sqlite(db, "SELECT count(*) FROM comments WHERE body LIKE 'midtx-%';\n").trim());
}

export function pragma(db, name) {
  return sqlite(db, `PRAGMA ${name};\n`).trim();
}

// A consistent copy (for post-mortem artifacts), through the backup API.
export function backup(db, dest) {
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  try { sqlite(db, `.backup '${dest}'\n`); } catch { /* best effort */ }
}

export const tmpdir = os.tmpdir();

// Deletes the given (already verified) comments, so that the data set stays the same size from
// one fault phase to the next (the blog's index preloads every comment). Returns rows deleted.
export function deleteComments(db, bodies) {
  let n = 0;
  for (let i = 0; i < bodies.length; i += 400) {
    const list = bodies.slice(i, i + 400).map((b) => `'${b.replace(/'/g, "''")}'`).join(",");
    n += Number(sqlite(db, `DELETE FROM comments WHERE body IN (${list}); SELECT changes();\n`).trim() || 0);
  }
  return n;
}
