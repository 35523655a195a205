// End to end in Debian's Chromium (playwright-core): a freshly generated app, not the demo.
// `quickrail new`, `quickrail g scaffold Note title:string body:text`, the two lines a developer
// adds for live updates (`broadcasts_to` in the model, `turbo_stream_from` in the index),
// `db:migrate`, then the server; two pages on /notes: a note created in A appears in B without
// a reload — the new app's layout, Turbo and Action Cable client work as generated.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer, runCli } from "../lib/server.mjs";
import { launchChromium } from "../lib/browser.mjs";
const TIMEOUT = 20000;
const ENV = { QUICKRAIL_ENV: "development", SECRET_KEY_BASE: "secret-key-base-for-the-new-app-e2e", QUICKRAIL_WATCH: "0" };

describe("a freshly generated app in two browser pages", () => {
  let dir, srv, browser, A, B;
  const pageErrors = [];

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-newapp-"));
    const run = async (args, cwd) => { const r = await runCli(args, { cwd, env: ENV, timeoutMs: 30000 }); assert.equal(r.code, 0, args.join(" ") + ": " + r.stdout + r.stderr); return r; };
    await run(["new", "notebook"], dir);
    const app = path.join(dir, "notebook");
    await run(["g", "scaffold", "Note", "title:string", "body:text"], app);
    const model = path.join(app, "app/models/note.rb");
    fs.writeFileSync(model, fs.readFileSync(model, "utf8").replace(/class Note < ApplicationRecord\n/, "$&  broadcasts_to ->(note) { \"notes\" }\n"));
    const index = path.join(app, "app/views/notes/index.html.erb");
    fs.writeFileSync(index, "<%= turbo_stream_from \"notes\" %>\n" + fs.readFileSync(index, "utf8"));
    await run(["db:migrate"], app);
    srv = await startServer({ app, env: ENV, workers: 2 });
    browser = await launchChromium({ viewport: { width: 1000, height: 800 }, timeoutMs: TIMEOUT });
    A = await browser.context.newPage();
    B = await browser.context.newPage();
    for (const [name, p] of [["A", A], ["B", B]]) p.on("pageerror", (e) => pageErrors.push(name + ": " + e.message));
  });

  after(async () => {
    if (browser) await browser.close();
    if (srv) await srv.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a note created in page A appears in page B without a reload", async () => {
    for (const p of [A, B]) {
      await p.goto(srv.url + "/notes");
      await p.waitForSelector("turbo-cable-stream-source[connected]", { state: "attached" });
    }
    await B.evaluate(() => { window.__noReload = "still here"; });
    const title = "From page A " + Date.now();
    await A.click("text=New note");
    await A.waitForURL(srv.url + "/notes/new");
    await A.fill("#note_title", title);
    await A.fill("#note_body", "Generated app, live update.");
    await A.click("input[type=submit]");
    await A.waitForSelector("text=Note was successfully created.");
    const id = A.url().split("/").pop();
    assert.match(id, /^\d+$/);
    await B.waitForSelector("#notes #note_" + id, { state: "attached", timeout: TIMEOUT });
    assert.match(await B.locator("#note_" + id).textContent(), new RegExp(title));
    assert.equal(await B.evaluate(() => window.__noReload), "still here", "page B was not reloaded");
    assert.deepEqual(pageErrors, []);
  });
});
