// End to end: the blog in Debian's Chromium (playwright-core), two pages on the index.
// Create in A -> appears at the top of B without a reload; comment in A -> B's count says
// "1 comment"; a too-short body -> the validation message with status 422; destroy in A ->
// it disappears from B. Screenshots of both pages go to test-artifacts/.
// twoTabs(variant) registers the test for one blog ("js" = examples/blog, "ruby" =
// examples/blog-ruby); two_tabs.test.mjs and two_tabs_ruby.test.mjs run it for each.
// QUICKRAIL_E2E_HOST=node runs the JS blog's test against lib/node-host instead of quickrail (the Ruby
// blog needs quickrail's Ruby compiler, so its test always runs on quickrail).
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { spawn } from "node:child_process";
import { startServer } from "../lib/server.mjs";
import { launchChromium } from "../lib/browser.mjs";
import { prepareBlog, ROOT } from "../blog/blog_app.mjs";

const ART = path.join(ROOT, "test-artifacts");
const TIMEOUT = 20000;

async function startNodeHost(app) {
  const port = 20000 + Math.floor(Math.random() * 20000);
  const proc = spawn(process.execPath, [path.join(ROOT, "lib/node-host/server.js"), app.dir, "-p", String(port), "-q"], { env: { ...process.env, ...app.env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error("node host did not start: " + out)), 10000);
    const on = (d) => { out += d; if (/node-host: .* on http/.test(out)) { clearTimeout(t); resolve(); } };
    proc.stdout.on("data", on); proc.stderr.on("data", on);
  });
  return { url: "http://127.0.0.1:" + port, stop: () => new Promise((r) => { proc.on("exit", r); proc.kill("SIGTERM"); }) };
}

export function twoTabs(variant) {
  let srv, url, browser, A, B;
  const pageErrors = [];
  const shot = variant === "js" ? "e2e-" : "e2e-" + variant + "-";

  before(async () => {
    fs.mkdirSync(ART, { recursive: true });
    const app = prepareBlog(variant);
    srv = process.env.QUICKRAIL_E2E_HOST === "node" && variant === "js" ? await startNodeHost(app) : await startServer({ app: app.dir, env: app.env, workers: 2 });
    url = srv.url;
    browser = await launchChromium({ viewport: { width: 1100, height: 900 }, timeoutMs: TIMEOUT });
    A = await browser.context.newPage();
    B = await browser.context.newPage();
    for (const [name, p] of [["A", A], ["B", B]]) {
      p.on("pageerror", (e) => pageErrors.push(name + ": " + e.message));
      p.on("dialog", (d) => d.accept());
    }
  });

  after(async () => {
    try {
      if (A) await A.screenshot({ path: path.join(ART, shot + "two-tabs-A.png"), fullPage: true });
      if (B) await B.screenshot({ path: path.join(ART, shot + "two-tabs-B.png"), fullPage: true });
    } catch (e) { console.error("screenshot failed: " + e.message); }
    if (browser) await browser.close();
    if (srv) await srv.stop();
  });

  async function openIndex(p) {
    await p.goto(url + "/articles");
    await p.waitForSelector("turbo-cable-stream-source[connected]", { state: "attached" });
  }

  describe("two browser pages on the " + variant + " blog", () => {
    let articleId;
    const title = "Two tabs " + Date.now();

    it("both pages open the index and subscribe to the articles stream", async () => {
      await openIndex(A);
      await openIndex(B);
      await B.evaluate(() => { window.__noReload = "still here"; });
      assert.equal(await B.locator("h1").first().textContent(), "Articles");
    });

    it("an article created in A appears at the top of B without a reload", async () => {
      await A.click("text=New article");
      await A.waitForURL(url + "/articles/new");
      await A.fill("#article_title", title);
      await A.fill("#article_body", "Written in page A, it shows up in page B through a Turbo Stream.");
      await A.click("input[type=submit]");
      await A.waitForURL(/\/articles\/\d+$/);
      await A.waitForSelector("text=Article was successfully created.");
      articleId = A.url().split("/").pop();
      const first = B.locator("#articles > div").first();
      await B.waitForFunction((t) => { const d = document.querySelector("#articles > div"); return d && d.textContent.includes(t); }, title, { timeout: TIMEOUT });
      assert.equal(await first.getAttribute("id"), "article_" + articleId);
      assert.match(await first.textContent(), /0 comments/);
      assert.equal(await B.evaluate(() => window.__noReload), "still here", "page B was not reloaded");
      await B.screenshot({ path: path.join(ART, shot + "B-after-create.png") });
    });

    it("a comment added in A updates B's count to \"1 comment\"", async () => {
      await A.waitForSelector("turbo-cable-stream-source[connected]", { state: "attached" });
      await A.fill("#comment_commenter", "Page A");
      await A.fill("#comment_body", "First!");
      await A.click("input[value='Add comment']");
      await A.waitForSelector("#comments .comment >> text=First!");
      await B.waitForFunction((id) => { const c = document.querySelector("#article_" + id + " .comment-count"); return c && c.textContent.trim() === "1 comment"; }, articleId, { timeout: TIMEOUT });
      assert.equal((await B.locator("#article_" + articleId + " .comment-count").textContent()).trim(), "1 comment");
      assert.equal(await B.evaluate(() => window.__noReload), "still here");
    });

    it("a too-short body shows the validation message with status 422", async () => {
      await A.goto(url + "/articles/new");
      await A.fill("#article_title", "Short");
      await A.fill("#article_body", "tiny");
      const [response] = await Promise.all([
        A.waitForResponse((r) => r.request().method() === "POST" && new URL(r.url()).pathname === "/articles"),
        A.click("input[type=submit]"),
      ]);
      assert.equal(response.status(), 422);
      await A.waitForSelector("text=Body is too short (minimum is 10 characters)");
      assert.match(await A.locator("#error_explanation").textContent(), /1 error prohibited this article from being saved/);
      await A.screenshot({ path: path.join(ART, shot + "A-validation.png") });
    });

    it("destroying the article in A removes it from B", async () => {
      await openIndex(A);
      await A.locator("#article_" + articleId + " button", { hasText: "Destroy" }).click();
      await A.waitForSelector("text=Article was successfully destroyed.");
      await B.waitForSelector("#article_" + articleId, { state: "detached", timeout: TIMEOUT });
      assert.equal(await B.locator("#article_" + articleId).count(), 0);
      assert.equal(await B.evaluate(() => window.__noReload), "still here");
    });

    it("no JavaScript errors in either page", () => {
      assert.deepEqual(pageErrors, []);
    });
  });
}
