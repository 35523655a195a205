// tests/lib/browser.mjs — Debian's Chromium through playwright-core, headless, for the e2e tests.
//
//   import { launchChromium } from "../lib/browser.mjs";
//   const browser = await launchChromium({ viewport: { width: 1100, height: 900 }, timeoutMs: 20000 });
//   const page = await browser.context.newPage();
//   await browser.close();             // closes the browser and removes its profile folder
//
// Each launch gets a fresh profile in the system's temporary folder (no state between tests).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { ROOT } from "./server.mjs";

const require = createRequire(path.join(ROOT, "package.json"));
const { chromium } = require("playwright-core");

export async function launchChromium({ viewport, timeoutMs = 20000 } = {}) {
  const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-chromium-"));
  const context = await chromium.launchPersistentContext(userDir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
    ...(viewport ? { viewport } : {}),
  });
  context.setDefaultTimeout(timeoutMs);
  return {
    context,
    async close() { try { await context.close(); } finally { fs.rmSync(userDir, { recursive: true, force: true }); } },
  };
}
