// The connect fast path: when the workers say (READY) that the app has no connect hook, a new
// cable connection is welcomed by the supervisor at once, without a worker round trip — so it
// is welcomed (and Turbo streams subscribe) even while every worker is busy with a slow request.
// The control case: with a connect hook the welcome has to wait for a free worker.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { start } from "./lib/server.mjs";
import { ROOT } from "../lib/server.mjs";
import { RawCable, turboId, token } from "./lib/raw.mjs";

const APP = path.join(ROOT, "tests/cable/fixtures/noconnect");
const SLOW_MS = 2000;
const servers = [];
const raws = [];
after(async () => {
  for (const r of raws) r.close();
  for (const s of servers) await s.stop();
});

async function server(env) {
  const s = await start({ app: APP, workers: 1, env: { QUICKRAIL_DEADLINE_MS: "10000", ...env } });
  servers.push(s);
  return s;
}

// Starts a slow request that occupies the one worker; resolves once it is running.
async function occupyWorker(s) {
  const started = Date.now();
  const done = fetch(`${s.url}/slow?ms=${SLOW_MS}`).then(async (r) => { await r.text(); return Date.now(); });
  await new Promise((r) => setTimeout(r, 200));
  return { started, done };
}

test("no connect hook: welcomed and subscribed while the only worker is busy", async () => {
  const s = await server({});
  const tok = await token(s, "room:1");
  const busy = await occupyWorker(s);
  const raw = new RawCable(s.port, { origin: s.url });
  raws.push(raw);
  const welcome = await raw.waitFor((m) => m.type === "welcome", SLOW_MS);
  raw.subscribe(turboId(tok));
  const confirm = await raw.waitFor((m) => m.type === "confirm_subscription", SLOW_MS);
  const finished = await busy.done;
  assert.ok(welcome.at < finished && confirm.at < finished,
    `welcome (${welcome.at - busy.started} ms) and confirmation (${confirm.at - busy.started} ms) came before the slow request ended (${finished - busy.started} ms)`);
  assert.ok(welcome.at - busy.started < SLOW_MS / 2, `welcome after ${welcome.at - busy.started} ms`);
  assert.doesNotMatch(s.log(), /connect reached a worker/);
});

test("with a connect hook the welcome waits for a worker (control)", async () => {
  const s = await server({ NEEDS_CONNECT: "1" });
  const busy = await occupyWorker(s);
  const raw = new RawCable(s.port, { origin: s.url });
  raws.push(raw);
  const welcome = await raw.waitFor((m) => m.type === "welcome", SLOW_MS * 3);
  const finished = await busy.done;
  assert.ok(welcome.at >= finished - 50, `welcome (${welcome.at - busy.started} ms) waited for the slow request (${finished - busy.started} ms)`);
  await s.waitForLog(/connect reached a worker/, 2000);
});
