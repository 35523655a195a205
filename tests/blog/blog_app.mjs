// tests/blog/blog_app.mjs — a fresh copy of one of the blogs (BLOGS: "js" = examples/blog, "ruby"
// = examples/blog-ruby) or of another app folder for one test file: copied into a temp folder,
// its database prepared by the quickrail binary itself (`quickrail db:prepare`, or `quickrail
// run lib/quickrail/cli/db.js db:prepare` on binaries without the db: commands), then served
// by the real server through tests/lib/server.mjs. Shared by tests/blog, tests/e2e, tests/rails.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

export const ROOT = process.env.QUICKRAIL_ROOT || path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const BIN = process.env.QUICKRAIL_BIN || path.join(ROOT, "build/quickrail");
export const SECRET = "secret-key-base-for-blog-tests";
const require = createRequire(path.join(ROOT, "package.json"));

export const BLOGS = { js: "examples/blog", ruby: "examples/blog-ruby" };

export function prepareBlog(variant = "js") {
  if (!BLOGS[variant]) throw new Error("prepareBlog: no blog variant " + variant + " (" + Object.keys(BLOGS).join(", ") + ")");
  const app = prepareApp(BLOGS[variant]);
  if (!fs.existsSync(path.join(app.dir, "public/assets/turbo.js"))) throw new Error(BLOGS[variant] + "/public/assets is missing: run scripts/build-assets.sh");
  return app;
}

// A copy of the app folder `from` (relative to the repository) with its database prepared.
export function prepareApp(from) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-app-"));
  const src = path.join(ROOT, from);
  fs.cpSync(src, dir, { recursive: true, filter: (p) => !/\.sqlite3(-wal|-shm)?$|\/tmp(\/|$)/.test(p.slice(src.length)) });
  const env = { ...process.env, QUICKRAIL_ENV: "test", SECRET_KEY_BASE: SECRET };
  let r = spawnSync(BIN, ["db:prepare"], { cwd: dir, env, encoding: "utf8" });
  if (r.status !== 0 && /unknown command|usage/i.test(r.stderr + r.stdout)) {
    r = spawnSync(BIN, ["run", path.join(ROOT, "lib/quickrail/cli/db.js"), "db:prepare"], { cwd: dir, env, encoding: "utf8" });
  }
  if (r.status !== 0 || !fs.existsSync(path.join(dir, "db/test.sqlite3"))) throw new Error("db:prepare failed (" + r.status + "):\n" + r.stdout + r.stderr);
  return { dir, env: { SECRET_KEY_BASE: SECRET, QUICKRAIL_ENV: "test" }, db: path.join(dir, "db/test.sqlite3"), prepareOutput: r.stdout + r.stderr };
}

// Reads the app's SQLite database directly (read-only) to check what the server did.
export function openDb(file) {
  const Database = require("better-sqlite3");
  return new Database(file, { readonly: true, fileMustExist: true });
}

// A fetch with a cookie jar and no automatic redirects.
export function browser(base) {
  const jar = new Map();
  async function req(p, init = {}) {
    const headers = new Headers(init.headers || {});
    if (jar.size) headers.set("cookie", [...jar].map(([k, v]) => k + "=" + v).join("; "));
    const res = await fetch(base + p, { ...init, headers, redirect: "manual" });
    for (const c of res.headers.getSetCookie()) { const [kv] = c.split(";"); const i = kv.indexOf("="); jar.set(kv.slice(0, i), kv.slice(i + 1)); }
    res.html = await res.text();
    return res;
  }
  req.jar = jar;
  req.token = (html) => { const m = /name="csrf-token" content="([^"]+)"/.exec(html) || /name="authenticity_token" value="([^"]+)"/.exec(html); return m && m[1]; };
  req.form = async (p, fields, token) => {
    const body = new URLSearchParams({ ...(token ? { authenticity_token: token } : {}), ...fields });
    return req(p, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
  };
  return req;
}
