// Type casting through the real server: a form posts strings ("3", "0", "2026-12-24",
// "1.5"); the record stores and renders them by column type, JSON dates as "2026-12-24" and
// times in ISO 8601 with milliseconds in UTC; a query by a date string matches; input that
// cannot be cast ("high" for an integer) becomes nil and fails presence with a 422.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, prepareApp } from "../lib/server.mjs";

const ENV = { QUICKRAIL_ENV: "test", SECRET_KEY_BASE: "secret-key-base-for-tests" };
let srv;
before(async () => {
  const dir = await prepareApp("tests/fixtures/autoload", { env: ENV });
  srv = await startServer({ app: dir, workers: 1, env: ENV });
});
after(async () => { await srv?.stop(); });

const form = (fields) => ({
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
  body: new URLSearchParams(fields).toString(),
});

test("form strings are cast by column type and rendered as Rails renders them", async () => {
  const r = await fetch(srv.url + "/tasks", form({ "task[title]": "review", "task[priority]": "3", "task[done]": "0",
    "task[due_on]": "2026-12-24", "task[estimate]": "1.5", "task[starts_at]": "2026-12-24T09:30", "task[project_id]": "1" }));
  assert.equal(r.status, 201);
  const t = await r.json();
  assert.equal(t.priority, 3);
  assert.equal(t.done, false);
  assert.equal(t.due_on, "2026-12-24");
  assert.equal(t.estimate, 1.5);
  assert.equal(t.starts_at, "2026-12-24T09:30:00.000Z");
  assert.match(t.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const due = await (await fetch(srv.url + "/tasks.json?due_on=2026-12-24")).json();
  assert.deepEqual(due.map((x) => x.title), ["ship", "review"]);
});

test("a value that cannot be cast becomes nil and fails presence (422), never stored raw", async () => {
  const r = await fetch(srv.url + "/tasks", form({ "task[title]": "bad", "task[priority]": "high", "task[project_id]": "1" }));
  assert.equal(r.status, 422);
  assert.deepEqual(await r.json(), { priority: ["can't be blank"] });
  const all = await (await fetch(srv.url + "/tasks.json")).json();
  assert.ok(!all.some((x) => x.title === "bad"));
});
