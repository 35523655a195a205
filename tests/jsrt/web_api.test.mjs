// The Web APIs of every quickrail runtime (lib/web + js_web.c), checked inside `quickrail run`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkScript, tmpDir } from "./helpers.mjs";

const res = await checkScript("web.js", [tmpDir(), "second arg"], { env: { JSRT_TEST_VAR: "v1", SECRET_KEY_BASE: "jsrt-test" } });

test("console.log formats %s %d %j and inspects objects", () => {
  assert.match(res.out, /FORMAT x is 42 and \{"a":1\} \[ 1, 'two' \] \{ k: 'v' \}/);
});
