// `quickrail console` in an app folder (tests/fixtures/autoload, prepared in a temp dir): the
// app's models are globals, const/let/class bindings survive to the next line, `help` explains,
// `.exit` leaves (the lines after it never run) with status 0.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { prepareApp, BIN } from "../lib/server.mjs";

const ENV = { QUICKRAIL_ENV: "test", SECRET_KEY_BASE: "secret-key-base-for-tests" };

function consoleSession(cwd, lines) {
  return new Promise((resolve) => {
    const proc = spawn(BIN, ["console"], { cwd, env: { ...process.env, ...ENV }, stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    proc.stdout.on("data", (d) => (out += d));
    proc.stderr.on("data", (d) => (out += d));
    const timer = setTimeout(() => proc.kill("SIGKILL"), 15000);
    proc.on("exit", (code) => { clearTimeout(timer); resolve({ code, out }); });
    proc.stdin.end(lines.join("\n") + "\n");
  });
}

test("the console keeps const/let/class bindings between lines; help and .exit work", async () => {
  const dir = await prepareApp("tests/fixtures/autoload", { env: ENV });
  const { code, out } = await consoleSession(dir, [
    "const n = Note.count()",
    "n + 40",
    "let { title } = Note.first()",
    "title.toUpperCase()",
    "class Shout { say() { return title + '!' } }",
    "new Shout().say()",
    "help",
    ".exit",
    "'never evaluated'",
  ]);
  assert.equal(code, 0, out);
  assert.match(out, /Models: Note, Project, Tag, Task\./);
  assert.match(out, /=> 42\n/);
  assert.match(out, /=> "FIRST"\n/);
  assert.match(out, /=> "first!"\n/);
  assert.match(out, /Commands: help, \.exit/);
  assert.doesNotMatch(out, /never evaluated|ReferenceError|SyntaxError/);
});
