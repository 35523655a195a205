// tests/arch/check.test.mjs — the architecture check (check.mjs): the repository passes it, and
// it fails, naming the file and line, on each thing it exists to catch — an include cycle, an
// include of a higher layer or of a sibling group, a file in no layer, an include of a missing
// file, a JS import cycle and a JS import of a higher layer — in small trees built in a temp dir.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { check } from './check.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function run(root) {
  const lines = [];
  const failed = check(root, { log: (l) => lines.push(l) });
  return { failed, text: lines.join('\n') };
}

const made = [];
after(() => { for (const d of made) fs.rmSync(d, { recursive: true, force: true }); });

// A tree: { 'src/buf.h': '...', 'lib/quickrail/index.js': '...' }
function tree(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qr-arch-'));
  made.push(dir);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const OK_C = {
  'src/buf.h': '#include <stddef.h>\n',
  'src/buf.c': '#include "buf.h"\n',
  'src/frame.h': '#include "buf.h"\n',
  'src/frame.c': '#include "frame.h"\n#include "buf.h"\n',
  'src/http.h': '#include "buf.h"\n',
  'src/http.c': '#include "http.h"\n',
  'src/serve.c': '#include "http.h"\n#include "frame.h"\n',
  'src/ruby/lexer.h': '#include "buf.h"\n',
  'src/ruby/lexer.c': '#include "lexer.h"\n',
  'lib/quickrail/support/html.js': 'export const x = 1;\n',
  'lib/quickrail/view/context.js': 'import { x } from "../support/html.js";\n',
  'lib/quickrail/index.js': 'export { x } from "./support/html.js";\nimport "./view/context.js";\n',
};

test('the repository passes the check', () => {
  const r = run(ROOT);
  assert.equal(r.failed, 0, r.text);
  assert.match(r.text, /6 passed, 0 failed/);
});

test('a small well-layered tree passes', () => {
  const r = run(tree(OK_C));
  assert.equal(r.failed, 0, r.text);
  assert.match(r.text, /\d+ C include edges between 5 units/);
});

test('an include cycle fails and names both edges', () => {
  const r = run(tree({ ...OK_C, 'src/buf.c': '#include "buf.h"\n#include "frame.h"\n' }));
  assert.equal(r.failed, 2, r.text); // the cycle, and buf (base) using frame (codec)
  assert.match(r.text, /not ok - C has no cycle/);
  assert.match(r.text, /cycle between buf, frame: .*buf -> frame \(buf\.c:2\)/);
});

test('an include of a higher layer fails with file:line', () => {
  const r = run(tree({ ...OK_C, 'src/frame.c': '#include "frame.h"\n\n#include "http.h"\n' }));
  assert.equal(r.failed, 1, r.text);
  assert.match(r.text, /frame\.c:3: frame \(layer 1 codec\) uses http \(layer 2 transport\), a higher layer/);
});

test('the Ruby compiler may not include a sibling group of its layer', () => {
  const r = run(tree({ ...OK_C, 'src/ruby/lexer.c': '#include "lexer.h"\n#include "frame.h"\n' }));
  assert.equal(r.failed, 1, r.text);
  assert.match(r.text, /ruby\/lexer\.c:2: ruby\/lexer \(ruby\) uses frame \(codec\), another group of layer 1/);
});

test('a file in no layer fails and says where to place it', () => {
  const r = run(tree({ ...OK_C, 'src/metrics.c': '#include "buf.h"\n' }));
  assert.equal(r.failed, 1, r.text);
  assert.match(r.text, /src\/ metrics: in no layer; add it to the table in tests\/arch\/check\.mjs and to docs\/architecture\.md/);
});

test('an include of a missing file of ours fails', () => {
  const r = run(tree({ ...OK_C, 'src/http.c': '#include "http.h"\n#include "gone.h"\n' }));
  assert.equal(r.failed, 1, r.text);
  assert.match(r.text, /http\.c:2: includes "gone\.h", which is not in src\//);
});

test('a JS import cycle fails', () => {
  const r = run(tree({ ...OK_C, 'lib/quickrail/support/html.js': 'import "../support/inflector.js";\n',
                                'lib/quickrail/support/inflector.js': '/* a comment: import "./nothing.js" */\nimport { y } from "./html.js";\n' }));
  assert.equal(r.failed, 1, r.text);
  assert.match(r.text, /cycle between support\/html, support\/inflector/);
  assert.match(r.text, /support\/inflector -> support\/html \(lib\/quickrail\/support\/inflector\.js:2\)/);
});

test('a JS import of a higher layer (also through a dynamic import) fails', () => {
  const r = run(tree({ ...OK_C, 'lib/quickrail/support/html.js': 'export const x = 1;\nconst v = await import("../view/context.js");\n' }));
  assert.ok(r.failed >= 1, r.text);
  assert.match(r.text, /support\/html\.js:2: support\/html \(layer 0 support\) uses view\/context \(layer 1 view\), a higher layer/);
});

test('a JS import of a file that does not exist fails', () => {
  const r = run(tree({ ...OK_C, 'lib/quickrail/index.js': 'export {\n  x,\n} from "./support/htm.js";\n' }));
  assert.equal(r.failed, 1, r.text);
  assert.match(r.text, /lib\/quickrail\/index\.js:\d: imports "\.\/support\/htm\.js", which does not exist/);
});
