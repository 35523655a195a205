// Two quickrail nodes sharing one real PostgreSQL 15 as the cable bridge (LISTEN/NOTIFY, Rails'
// postgresql adapter): a broadcast on node 1 reaches subscribers on node 2 and node 1 exactly
// once; a NOTIFY sent with psql in Rails' format arrives; a payload over the 8000-byte NOTIFY
// limit arrives whole (action_cable_large_payloads); channel names over 63 characters are SHA1
// digests as in Rails; a PostgreSQL restart loses no subscription. Node 2 is configured with
// flags: `--cable postgres -d postgres://...` (LISTEN/NOTIFY on the app's database).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { startPostgres } from "../lib/services.mjs";
import { start, clients, turboSubscriber, rawSubscriber, messagesOf, waitReceived, broadcast, until, sleep } from "./lib.mjs";

let pg, n1, n2;
const cl = clients();
const PREFIX = "blog_test";

before(async () => {
  pg = await startPostgres();
  [n1, n2] = await Promise.all([
    start({ env: { CABLE_URL: pg.url, CABLE_PREFIX: PREFIX } }),
    start({ env: { CABLE_PREFIX: PREFIX, DATABASE_URL: undefined, CABLE_URL: undefined }, args: ["--cable", "postgres", "-d", pg.url] }),
  ]);
  await n1.waitForLog(/bridge postgresql: listen connection established/, 10000);
  await n2.waitForLog(/bridge postgresql: listen connection established/, 10000);
});

after(async () => {
  cl.closeAll();
  await Promise.all([n1?.stop(), n2?.stop()]);
  await pg?.stop();
});

const ident = (name) => (name.length > 63 ? createHash("sha1").update(name).digest("hex") : name);
// Both nodes' listen connections have run LISTEN "<channel>" (their last statement) and are idle.
const waitListening = (channel, n = 2) => until(async () => Number(await pg.psql(
  `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'quickrail-cable' AND state = 'idle' ` +
  `AND query = 'LISTEN "${ident(channel)}"'`)) === n, 10000, `${n} listeners on ${channel}`);

test("a broadcast on node 1 reaches subscribers on node 2 and node 1 exactly once", async () => {
  const s2 = await turboSubscriber(cl, n2, "articles");
  const s1 = await turboSubscriber(cl, n1, "articles");
  await waitListening(`${PREFIX}:articles`);
  const html = `<turbo-stream action="append" target="comments"><template><p>it's "pg" \u00e9 \u{1F600}</p></template></turbo-stream>`;
  await broadcast(n1, "articles", html);
  await broadcast(n2, "articles", "second");
  await waitReceived(s2, 2);
  await waitReceived(s1, 2);
  await sleep(300);
  assert.deepEqual(s2.received, [html, "second"]);
  assert.deepEqual(s1.received, [html, "second"]);
});

test("confirm_subscription comes once LISTEN completed: a NOTIFY sent right after it arrives", async () => {
  for (let i = 0; i < 5; i++) {
    const name = `fresh-${i}`;
    const { raw, id } = await rawSubscriber(cl, n2, name); // resolves on confirm_subscription
    await pg.psql(`NOTIFY "${PREFIX}:${name}", '"right after ${i}"'`);
    await raw.waitFor((m) => m.identifier === id && m.message === `right after ${i}`, 3000);
  }
});

test("a NOTIFY in Rails' format reaches quickrail subscribers; large payloads arrive whole", async () => {
  const a = await rawSubscriber(cl, n1, "big");
  const b = await rawSubscriber(cl, n2, "big");
  await waitListening(`${PREFIX}:big`);
  // what Rails' adapter runs for ActionCable.server.broadcast("big", "<p>rails</p>")
  await pg.psql(`NOTIFY "${PREFIX}:big", '"<p>rails''s</p>"'`);
  for (const { raw, id } of [a, b]) await raw.waitFor((m) => m.identifier === id && m.message === "<p>rails's</p>");
  // over PostgreSQL's 8000-byte NOTIFY limit, then a small one: order kept
  const large = "<div>" + "x\u00e9\"y".repeat(6000) + "</div>";
  await broadcast(n1, "big", large);
  await broadcast(n1, "big", "after");
  for (const { raw, id } of [a, b]) {
    await raw.waitFor((m) => m.identifier === id && m.message === "after", 10000);
    const msgs = messagesOf(raw, id).map((f) => f.json.message);
    assert.deepEqual(msgs, ["<p>rails's</p>", large, "after"]);
  }
  assert.equal(await pg.psql("SELECT count(*) > 0 FROM action_cable_large_payloads"), "t");
});

test("stream names over 63 characters use Rails' SHA1 channel", async () => {
  const name = "gid://blog/Article/1:comments:" + "z".repeat(60);
  const a = await rawSubscriber(cl, n2, name);
  const channel = `${PREFIX}:${name}`;
  await waitListening(channel, 1);
  await pg.psql(`NOTIFY "${ident(channel)}", '{"from":"rails"}'`);
  await a.raw.waitFor((m) => m.identifier === a.id && m.message && m.message.from === "rails");
});

test("restarting PostgreSQL loses no subscription; local delivery goes on meanwhile", async () => {
  const s1 = await turboSubscriber(cl, n1, "survivor");
  const s2 = await turboSubscriber(cl, n2, "survivor");
  await waitListening(`${PREFIX}:survivor`);
  const from1 = n1.logs().length, from2 = n2.logs().length;
  await pg.kill();
  await n1.waitForLog(/bridge postgresql: listen connection: .*reconnecting \(attempt 1\)/, 5000, { from: from1 });
  await n2.waitForLog(/bridge postgresql: listen connection: .*reconnecting \(attempt 1\)/, 5000, { from: from2 });
  await broadcast(n1, "survivor", "while away");
  await waitReceived(s1, 1);
  await pg.start();
  for (const [n, from] of [[n1, from1], [n2, from2]]) {
    await n.waitForLog(/bridge postgresql: listening to \d+ stream/, 15000, { from });
    await n.waitForLog(/bridge postgresql: publish connection re-established/, 15000, { from });
  }
  await broadcast(n1, "survivor", "after restart");
  await waitReceived(s2, 1);
  await waitReceived(s1, 2);
  await sleep(300);
  assert.deepEqual(s1.received, ["while away", "after restart"]);
  assert.deepEqual(s2.received, ["after restart"]);
});
