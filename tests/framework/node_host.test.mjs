// The migration path: the same examples/blog, unchanged, on Node 20 through lib/node-host
// (node:http + better-sqlite3 + ws): pages, a form post with CSRF and redirect, JSON, and a
// Turbo Stream broadcast to an Action Cable subscriber — what the benchmark peer serves.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { prepareBlog, browser, ROOT } from "../blog/blog_app.mjs";
import { freePort } from "../lib/services.mjs";

const require = createRequire(path.join(ROOT, "package.json"));
let proc, url, b, secret;
before(async () => {
  const app = prepareBlog();
  secret = app.env.SECRET_KEY_BASE;
  const port = await freePort();
  proc = spawn(process.execPath, [path.join(ROOT, "lib/node-host/server.js"), app.dir, "-p", String(port), "-q"], { env: { ...process.env, ...app.env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("node host did not start: " + out)), 30000);
    const on = (d) => { out += d; if (/node-host: .* on http/.test(out)) { clearTimeout(t); resolve(); } };
    proc.stdout.on("data", on); proc.stderr.on("data", on);
    proc.on("exit", (c) => reject(new Error("node host exited " + c + ": " + out)));
  });
  url = "http://127.0.0.1:" + port;
  b = browser(url);
});
after(() => new Promise((resolve) => { if (!proc || proc.exitCode !== null) return resolve(); proc.on("exit", resolve); proc.kill("SIGTERM"); }));

describe("examples/blog on the Node host", () => {
  it("serves the index, the show page, assets and JSON", async () => {
    const index = await b("/articles");
    assert.equal(index.status, 200);
    assert.match(index.html, /Welcome to quickrail/);
    assert.match(index.html, /1 comment</);
    assert.equal((await b("/articles/1")).status, 200);
    assert.equal((await fetch(url + "/assets/application.css")).status, 200);
    const json = JSON.parse((await b("/articles/1.json")).html);
    assert.equal(json.url, url + "/articles/1.json");
    assert.equal((await b("/articles/999")).status, 404);
  });

  it("creates with CSRF + redirect + notice, and rejects a missing token with 422", async () => {
    const token = b.token((await b("/articles/new")).html);
    const res = await b.form("/articles", { "article[title]": "On Node", "article[body]": "The same app code, another runtime." }, token);
    assert.equal(res.status, 302);
    assert.match((await b(new URL(res.headers.get("location")).pathname)).html, /Article was successfully created\./);
    assert.equal((await browser(url).form("/articles", { "article[title]": "x", "article[body]": "long enough body" })).status, 422);
  });

  it("broadcasts the new article's turbo-stream to /cable subscribers", async () => {
    const WebSocket = require("ws");
    const crypto = require("node:crypto");
    const key = crypto.pbkdf2Sync(secret, "turbo/signed_stream_verifier_key", 1000, 64, "sha256");
    const b64 = Buffer.from(JSON.stringify("articles")).toString("base64");
    const identifier = JSON.stringify({ channel: "Turbo::StreamsChannel", signed_stream_name: b64 + "--" + crypto.createHmac("sha256", key).update(b64).digest("hex") });
    const ws = new WebSocket(url.replace("http", "ws") + "/cable", ["actioncable-v1-json", "actioncable-unsupported"], { origin: url });
    const frames = [];
    ws.on("message", (d) => frames.push(JSON.parse(String(d))));
    const waitFor = (pred) => new Promise((resolve, reject) => {
      const end = Date.now() + 5000;
      const check = () => { const f = frames.find(pred); if (f) return resolve(f); if (Date.now() > end) return reject(new Error(JSON.stringify(frames))); setTimeout(check, 20); };
      check();
    });
    await waitFor((f) => f.type === "welcome");
    ws.send(JSON.stringify({ command: "subscribe", identifier }));
    await waitFor((f) => f.type === "confirm_subscription");
    const token = b.token((await b("/articles/new")).html);
    await b.form("/articles", { "article[title]": "Live on Node", "article[body]": "Broadcast from the Node host." }, token);
    const msg = await waitFor((f) => typeof f.message === "string" && f.message.includes("Live on Node"));
    assert.match(msg.message, /^<turbo-stream action="prepend" target="articles"><template><div id="article_\d+"/);
    ws.close();
  });
});
