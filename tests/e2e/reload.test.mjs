// End to end: a code reload in development keeps the browser's WebSocket. Page B shows the
// blog's index in Chromium (subscribed to the articles stream); the index view is edited on
// disk; the server reloads by itself; page A opens the index (it shows the edit) and creates
// an article, which appears in page B: B was not reloaded and its WebSocket never closed.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { startServer } from "../lib/server.mjs";
import { launchChromium } from "../lib/browser.mjs";
import { prepareBlog, ROOT } from "../blog/blog_app.mjs";

const TIMEOUT = 20000;

test("a development reload keeps page B's WebSocket and its subscription", async () => {
  const app = prepareBlog("js");
  fs.copyFileSync(path.join(app.dir, "db/test.sqlite3"), path.join(app.dir, "db/development.sqlite3"));
  const srv = await startServer({ app: app.dir, env: { ...app.env, QUICKRAIL_ENV: "development" }, workers: 2 });
  const browser = await launchChromium({ timeoutMs: TIMEOUT });
  const context = browser.context;
  try {
    const errors = [];
    const B = await context.newPage();
    B.on("pageerror", (e) => errors.push(e.message));
    const sockets = [];
    B.on("websocket", (ws) => { const s = { url: ws.url(), closed: false }; sockets.push(s); ws.on("close", () => { s.closed = true; }); });
    await B.goto(srv.url + "/articles");
    await B.waitForSelector("turbo-cable-stream-source[connected]", { state: "attached" });
    await B.evaluate(() => { window.__noReload = "still here"; });
    assert.equal(sockets.length, 1);

    const view = path.join(app.dir, "app/views/articles/index.html.erb");
    const from = srv.logs().length;
    fs.writeFileSync(view, '<p id="reloaded">new code</p>\n' + fs.readFileSync(view, "utf8"));
    await srv.waitForLog(/Reload done/, TIMEOUT, { from });

    const A = await context.newPage();
    A.on("pageerror", (e) => errors.push(e.message));
    await A.goto(srv.url + "/articles");
    assert.equal(await A.locator("#reloaded").textContent(), "new code", "A is served by the new code");
    const title = "After the reload " + Date.now();
    await A.click("text=New article");
    await A.fill("#article_title", title);
    await A.fill("#article_body", "Created after the reload; page B sees it through its old WebSocket.");
    await A.click("input[type=submit]");
    await A.waitForSelector("text=Article was successfully created.");
    await B.waitForFunction((t) => { const d = document.querySelector("#articles > div"); return d && d.textContent.includes(t); }, title);
    assert.equal(await B.evaluate(() => window.__noReload), "still here", "page B was not reloaded");
    assert.equal(await B.locator("#reloaded").count(), 0, "page B still shows what it loaded before the reload");
    assert.deepEqual(sockets.map((s) => s.closed), [false], "page B's WebSocket stayed open (and no second one was opened)");
    assert.deepEqual(errors, []);
    await B.screenshot({ path: path.join(ROOT, "test-artifacts", "e2e-reload-B.png") });
  } finally {
    await browser.close();
    await srv.stop();
  }
});
