// The JavaScript profiler (docs/performance.md) through the real server: with --profile, a
// SIGUSR2 to the server makes every worker write folded stacks and a flame graph per endpoint
// into the app's tmp/profile/; the deliberately slow function is the top self-time frame of
// its endpoint. The framework names endpoints controller#action. Off, SIGUSR2 changes nothing
// and no file is written.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer, prepareApp, ROOT } from "../lib/server.mjs";

const ENV = { QUICKRAIL_ENV: "production", SECRET_KEY_BASE: "secret-key-base-for-tests", QUICKRAIL_PROFILE: undefined };

function copyFixture(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-profile-"));
  fs.cpSync(path.join(ROOT, "tests/fixtures", name), dir, { recursive: true });
  return dir;
}

// { stack: count } of a folded file, and its total.
function readFolded(file) {
  const stacks = {};
  let total = 0;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = /^(.*) (\d+)$/.exec(line);
    if (!m) continue;
    stacks[m[1]] = (stacks[m[1]] || 0) + Number(m[2]);
    total += Number(m[2]);
  }
  return { stacks, total };
}

// Self samples by function name (the leaf frame's name, its location dropped).
function selfByFunction(stacks) {
  const self = {};
  for (const [stack, n] of Object.entries(stacks)) {
    const leaf = stack.split(";").pop().replace(/ \(.*\)$/, "");
    self[leaf] = (self[leaf] || 0) + n;
  }
  return Object.entries(self).sort((a, b) => b[1] - a[1]);
}

async function waitFor(pred, ms, what) {
  const end = Date.now() + ms;
  for (;;) {
    const v = pred();
    if (v) return v;
    if (Date.now() > end) throw new Error("timed out waiting for " + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("--profile: SIGUSR2 writes folded stacks and a flame graph; the slow function is on top", async () => {
  const dir = copyFixture("profile");
  const srv = await startServer({ app: dir, workers: 2, env: ENV, args: ["--profile"] });
  try {
    for (let i = 0; i < 24; i++) {
      const r = await fetch(srv.url + "/slow");
      assert.equal(r.status, 200);
      assert.match(await r.text(), /^\d+ 4999$/);
    }
    assert.equal(await (await fetch(srv.url + "/")).text(), "hello");
    const from = srv.logs().length;
    srv.proc.kill("SIGUSR2");
    await srv.waitForLog(/SIGUSR2: [23] worker\(s\) write their profiles/, 5000, { from });
    const folded = path.join(dir, "tmp/profile/GET__slow.folded");
    const prof = await waitFor(() => fs.existsSync(folded) && readFolded(folded).total >= 20 && readFolded(folded), 10000,
                               "20 samples in " + folded);
    const ranked = selfByFunction(prof.stacks);
    assert.equal(ranked[0][0], "slowSum", "top self-time frame: " + JSON.stringify(ranked.slice(0, 5)));
    assert.ok(ranked[0][1] >= 0.6 * prof.total, JSON.stringify(ranked.slice(0, 5)));
    // frames are root first: the slow function's caller, with its call site's line
    assert.ok(Object.keys(prof.stacks).some((s) => /^fetch \(app\.js:\d+\);slowSum \(app\.js\)$/.test(s)), Object.keys(prof.stacks).join("\n"));
    // one file per worker pid, merged per endpoint, and the flame graph beside it
    assert.ok(fs.readdirSync(path.join(dir, "tmp/profile/workers")).some((f) => /^GET__slow\.\d+\.folded$/.test(f)));
    const svg = fs.readFileSync(path.join(dir, "tmp/profile/GET__slow.svg"), "utf8");
    assert.match(svg, /^<\?xml[^]*<svg [^]*<title>slowSum \(app\.js\) \(\d+ samples, [\d.]+%\)<\/title>[^]*<\/svg>\n$/);
    assert.match(svg, /quickrail profile: GET \/slow \(\d+ samples\)/);
  } finally { await srv.stop(); fs.rmSync(dir, { recursive: true, force: true }); }
});

test("the framework names endpoints controller#action (.format)", async () => {
  const dir = await prepareApp("tests/fixtures/autoload", { env: ENV });
  const srv = await startServer({ app: dir, workers: 1, env: { ...ENV, QUICKRAIL_PROFILE: "1" } });
  try {
    const file = path.join(dir, "tmp/profile/notes#index.folded");
    // a few hundred quick requests: enough CPU time for samples at the kernel's tick
    for (let i = 0; i < 400 && !fs.existsSync(file); i++) {
      const r = await fetch(srv.url + "/notes");
      assert.equal(r.status, 200);
      await r.text();
    }
    srv.proc.kill("SIGUSR2");
    await waitFor(() => fs.existsSync(file), 10000, file);
    const names = fs.readdirSync(path.join(dir, "tmp/profile")).filter((f) => f.endsWith(".folded"));
    assert.deepEqual(names, ["notes#index.folded"]);
    assert.ok(readFolded(file).total > 0);
  } finally { await srv.stop(); fs.rmSync(dir, { recursive: true, force: true }); }
});

test("profiling off: no timer, SIGUSR2 only logs, no file is written", async () => {
  const dir = copyFixture("profile");
  const srv = await startServer({ app: dir, workers: 1, env: ENV });
  try {
    for (let i = 0; i < 6; i++) assert.equal((await fetch(srv.url + "/slow")).status, 200);
    const from = srv.logs().length;
    srv.proc.kill("SIGUSR2");
    await srv.waitForLog(/SIGUSR2: the profiler is off \(start with QUICKRAIL_PROFILE=1 or `quickrail up --profile`\)/, 5000, { from });
    for (let i = 0; i < 3; i++) assert.equal((await fetch(srv.url + "/slow")).status, 200);
    await new Promise((r) => setTimeout(r, 1200)); // longer than the profiler's flush period
    assert.equal(srv.exited(), null);
    assert.equal(fs.existsSync(path.join(dir, "tmp/profile")), false);
  } finally { await srv.stop(); fs.rmSync(dir, { recursive: true, force: true }); }
});
