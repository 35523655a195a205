// tests/ruby/ruby_ast.test.mjs — `quickrail ruby-ast FILE...`, the front end's debugging hook,
// through the real binary: the syntax tree of a .rb file, the Ruby an .erb template becomes and
// its tree, a syntax error as path:line:col + the line + a caret + a hint (exit 1), and misuse
// (no file: exit 2 with the usage; a missing file: exit 2).
import { test, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { runCli } from "../lib/server.mjs";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-ruby-ast-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
function write(name, text) {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

test("a Ruby file prints its syntax tree", async () => {
  const f = write("article.rb", "class Article < ApplicationRecord\n  validates :body, presence: true, length: { minimum: 10 }\nend\n");
  const r = await runCli(["ruby-ast", f]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(),
    "(seq (class (const Article) (const ApplicationRecord) (seq (call validates _ (sym body) (hash (pair [label] (sym presence) (true)) " +
    "(pair [label] (sym length) (hash [braces] (pair [label] (sym minimum) (int 10)))))))))");
});

test("an ERB template prints the Ruby it becomes, then the tree", async () => {
  const f = write("show.html.erb", "<h1><%= @article.title %></h1>\n");
  const r = await runCli(["ruby-ast", f]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /as Ruby:\n@output_buffer\.safe_append='<h1>';@output_buffer\.append=\( @article\.title \);/);
  assert.match(r.stdout, /\(call append= \[attrasgn\] \(ivar @output_buffer\) \(call title \(ivar @article\)\)\)/);
});

test("a syntax error names the file, line and column, shows the line with a caret, and exits 1", async () => {
  const f = write("bad.rb", "class A\n  def show\n    render :new,\n  end\nend\n");
  const r = await runCli(["ruby-ast", f]);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, `${f}:4:3: unexpected \`end\`; expected an expression\n    end\n    ^\n` +
    "  the line before ends with `,`: add the missing argument, or remove the comma\n");
  const t = write("bad.html.erb", "<p>\n  <%= link_to \"x\", ) %>\n</p>\n");
  const e = await runCli(["ruby-ast", t]);
  assert.equal(e.code, 1);
  assert.match(e.stderr, new RegExp(`^${t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2:20: unexpected \`\\)\`; expected an expression\n`));
});

test("misuse exits 2 and says how to call it", async () => {
  let r = await runCli(["ruby-ast"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /missing FILE/);
  assert.match(r.stderr, /ruby-ast FILE\.\.\./);
  r = await runCli(["ruby-ast", path.join(dir, "nope.rb")]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /cannot read/);
});
