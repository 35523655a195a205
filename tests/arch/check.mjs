#!/usr/bin/env node
// tests/arch/check.mjs — the architecture check (docs/architecture.md, "Layers"). Lists every
// `#include "..."` edge between files under src/ and every import edge between modules of
// lib/quickrail, and fails when
//   - a file is in no layer of the tables below (a new file must be placed, here and in the doc),
//   - a file includes / imports a file of a higher layer, or of another group of its own layer,
//   - the edges form a cycle (between C units — foo.c + foo.h — or between JS modules),
//   - an include or a relative import names a file that does not exist.
// Usage: node tests/arch/check.mjs [--root DIR] [--list]   (--list prints every edge)
// Ends with one line "N passed, N failed" (one check per rule and language); exit 1 on failure.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---- the layers (keep in step with docs/architecture.md). A file may use files of a lower
// layer, and files of its own group; never a higher layer, never another group of its layer.
// Patterns: a unit name (src/ path without .c/.h) or a folder ending in "/".
export const C_LAYERS = [
  { layer: 0, group: 'base', units: ['common', 'log', 'buf', 'config', 'embed', 'lazylib', 'message'] },
  { layer: 1, group: 'codec', units: ['frame', 'static', 'signed_stream', 'websocket', 'pg_sql', 'cable_decode', 'profile_svg'] },
  // the Ruby compiler, a leaf over base only: lexer -> parser (core + statements, expressions,
  // literals) -> ast; codegen (core + expressions, calls, statements, Rails file shapes); erb;
  // rails (file kinds, the door ruby.h). Every file is listed: a new one must be placed.
  { layer: 1, group: 'ruby', units: ['ruby/ruby', 'ruby/ast', 'ruby/lexer', 'ruby/parser', 'ruby/parser_stmt',
    'ruby/parser_expr', 'ruby/parser_lit', 'ruby/codegen', 'ruby/codegen_expr', 'ruby/codegen_call',
    'ruby/codegen_stmt', 'ruby/codegen_rails', 'ruby/erb', 'ruby/rails'] },
  { layer: 2, group: 'transport', units: ['http', 'bridge', 'bridge_pg', 'bridge_redis', 'hub'] },
  { layer: 2, group: 'watch', units: ['watch'] }, // development: file events on the app's code
  { layer: 2, group: 'engine', units: ['js_host', 'js_priv', 'js_loader', 'js_loop', 'js_quickrail', 'js_sqlite', 'js_web', 'js_pg', 'js_util', 'profile'] },
  { layer: 3, group: 'service', units: ['pool', 'pool_workers', 'cable', 'ops'] },
  { layer: 4, group: 'route', units: ['serve'] },
  { layer: 5, group: 'process', units: ['supervisor', 'worker', 'zygote'] },
  { layer: 6, group: 'entry', units: ['cli', 'main'] },
];

export const JS_LAYERS = [
  { layer: 0, group: 'support', units: ['support/', 'host', 'ruby/'] }, // ruby/: Ruby core semantics and the Rails macros, imports nothing outside ruby/
  { layer: 1, group: 'db', units: ['db/'] },
  { layer: 1, group: 'view', units: ['view/', 'turbo'] },
  { layer: 2, group: 'model', units: ['model/', 'migration'] },
  { layer: 2, group: 'web', units: ['request', 'params', 'session', 'router'] },
  { layer: 3, group: 'app', units: ['controller', 'cable', 'autoload', 'application'] },
  { layer: 4, group: 'front', units: ['index', 'testing/'] },
  { layer: 5, group: 'cli', units: ['cli/'] },
];

function layerOf(table, unit) {
  let best = null;
  for (const row of table)
    for (const u of row.units) {
      const hit = u.endsWith('/') ? unit.startsWith(u) : unit === u;
      if (hit && (!best || u.length > best.len)) best = { ...row, len: u.length };
    }
  return best;
}

function walk(dir, exts, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, exts, out);
    else if (exts.some((x) => e.name.endsWith(x))) out.push(p);
  }
  return out.sort();
}

// ---- C: "#include "x.h"" edges between units of src/. A unit is foo.c + foo.h; a private
// header foo_impl.h / foo_priv.h belongs to unit foo when foo.c exists (bridge_impl.h is
// bridge.c's contract with its adapters).
function unitOf(src, rel) {
  const unit = rel.replace(/\.[ch]$/, '');
  const m = /^(.*)_(impl|priv)$/.exec(unit);
  return m && fs.existsSync(path.join(src, m[1] + '.c')) ? m[1] : unit;
}

export function cEdges(root) {
  const src = path.join(root, 'src');
  const files = walk(src, ['.c', '.h']);
  const units = new Map(); // unit -> [files]
  const edges = [];
  const problems = [];
  for (const f of files) {
    const rel = path.relative(src, f).replace(/\\/g, '/');
    const unit = unitOf(src, rel);
    if (!units.has(unit)) units.set(unit, []);
    units.get(unit).push(rel);
    const text = fs.readFileSync(f, 'utf8');
    const lines = text.split('\n');
    lines.forEach((line, i) => {
      const m = /^\s*#\s*include\s+"([^"]+)"/.exec(line);
      if (!m) return;
      const inc = m[1];
      // resolved as the compiler does: beside the including file, then -Isrc
      const beside = path.join(path.dirname(f), inc);
      const fromSrc = path.join(src, inc);
      let target = fs.existsSync(beside) ? beside : fs.existsSync(fromSrc) ? fromSrc : null;
      if (!target) {
        // not ours (quickjs.h, llhttp.h, a generated file in build/): only src/ edges count
        if (/^[a-z_]+\.h$/.test(inc) && !['quickjs.h', 'quickjs-libc.h', 'llhttp.h', 'embed_data.h'].includes(inc) &&
            !fs.existsSync(path.join(root, 'deps', 'quickjs', inc)))
          problems.push(`${rel}:${i + 1}: includes "${inc}", which is not in src/`);
        return;
      }
      target = path.relative(src, target).replace(/\\/g, '/');
      if (!target.startsWith('..')) edges.push({ from: unit, to: unitOf(src, target), where: `${rel}:${i + 1}`, spec: inc });
    });
  }
  return { units: [...units.keys()], edges, problems };
}

// ---- JS: import edges between modules of lib/quickrail
function stripComments(s) {
  return s.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:\\'"`])\/\/.*$/gm, '$1');
}

export function jsEdges(root) {
  const lib = path.join(root, 'lib', 'quickrail');
  const files = walk(lib, ['.js', '.mjs']);
  const edges = [];
  const problems = [];
  const units = [];
  const re = /(?:^|[;\s}])(?:import|export)\s+(?:[\w*${}\s,]+?\s+from\s+)?["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)/gm;
  for (const f of files) {
    const rel = path.relative(lib, f).replace(/\\/g, '/');
    const unit = rel.replace(/\.m?js$/, '');
    units.push(unit);
    const text = stripComments(fs.readFileSync(f, 'utf8'));
    for (const m of text.matchAll(re)) {
      const spec = m[1] || m[2];
      const line = text.slice(0, m.index).split('\n').length + (text[m.index] === '\n' ? 1 : 0);
      let target;
      if (spec === 'quickrail') target = path.join(lib, 'index.js');
      else if (spec.startsWith('quickrail/')) target = path.join(lib, spec.slice(10) + (spec.endsWith('.js') ? '' : '.js'));
      else if (spec.startsWith('.')) target = path.resolve(path.dirname(f), spec);
      else continue; // another package or a native module (bun:sqlite, node:*, quickrail:*)
      if (!fs.existsSync(target)) {
        problems.push(`lib/quickrail/${rel}:${line}: imports "${spec}", which does not exist`);
        continue;
      }
      const t = path.relative(lib, target).replace(/\\/g, '/');
      if (t.startsWith('..')) continue; // lib/web and the like: outside the framework
      edges.push({ from: unit, to: t.replace(/\.m?js$/, ''), where: `lib/quickrail/${rel}:${line}`, spec });
    }
  }
  return { units, edges, problems };
}

// ---- the rules
export function layering(table, { units, edges }, label) {
  const out = [];
  for (const u of units) if (!layerOf(table, u)) out.push(`${label} ${u}: in no layer; add it to the table in tests/arch/check.mjs and to docs/architecture.md`);
  for (const e of edges) {
    if (e.from === e.to) continue;
    const a = layerOf(table, e.from), b = layerOf(table, e.to);
    if (!a || !b) continue;
    if (b.layer > a.layer)
      out.push(`${e.where}: ${e.from} (layer ${a.layer} ${a.group}) uses ${e.to} (layer ${b.layer} ${b.group}), a higher layer`);
    else if (b.layer === a.layer && b.group !== a.group)
      out.push(`${e.where}: ${e.from} (${a.group}) uses ${e.to} (${b.group}), another group of layer ${a.layer}`);
  }
  return out;
}

export function cycles({ units, edges }) {
  const adj = new Map(units.map((u) => [u, new Set()]));
  for (const e of edges) if (e.from !== e.to && adj.has(e.from)) adj.get(e.from).add(e.to);
  // Tarjan's strongly connected components: every component of more than one unit is a cycle
  let index = 0;
  const idx = new Map(), low = new Map(), on = new Set(), stack = [], found = [];
  const strong = (v) => {
    idx.set(v, index); low.set(v, index); index++;
    stack.push(v); on.add(v);
    for (const w of adj.get(v) || []) {
      if (!idx.has(w)) { strong(w); low.set(v, Math.min(low.get(v), low.get(w))); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
    }
    if (low.get(v) === idx.get(v)) {
      const comp = [];
      let w;
      do { w = stack.pop(); on.delete(w); comp.push(w); } while (w !== v);
      if (comp.length > 1) found.push(comp.sort());
    }
  };
  for (const u of adj.keys()) if (!idx.has(u)) strong(u);
  return found.map((c) => {
    const inC = new Set(c);
    const via = edges.filter((e) => inC.has(e.from) && inC.has(e.to) && e.from !== e.to).map((e) => `${e.from} -> ${e.to} (${e.where})`);
    return `cycle between ${c.join(', ')}: ${via.join('; ')}`;
  });
}

export function check(root, { list = false, log = console.log } = {}) {
  const c = cEdges(root), js = jsEdges(root);
  if (list) {
    for (const e of c.edges) if (e.from !== e.to) log(`c  ${e.from} -> ${e.to}`);
    for (const e of js.edges) log(`js ${e.from} -> ${e.to}`);
  }
  const checks = [
    ['C includes resolve', c.problems],
    ['C layers', layering(C_LAYERS, c, 'src/')],
    ['C has no cycle', cycles(c)],
    ['JS imports resolve', js.problems],
    ['JS layers', layering(JS_LAYERS, js, 'lib/quickrail/')],
    ['JS has no cycle', cycles(js)],
  ];
  let passed = 0, failed = 0;
  for (const [name, problems] of checks) {
    if (problems.length) {
      failed++;
      log(`not ok - ${name}`);
      for (const p of problems) log(`    ${p}`);
    } else {
      passed++;
      log(`ok - ${name}`);
    }
  }
  log(`${c.edges.filter((e) => e.from !== e.to).length} C include edges between ${c.units.length} units, ${js.edges.length} JS import edges between ${js.units.length} modules`);
  log(`${passed} passed, ${failed} failed`);
  return failed;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  let root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  let list = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--root' && args[i + 1]) root = path.resolve(args[++i]);
    else if (args[i] === '--list') list = true;
    else {
      console.error(`check.mjs: unknown argument "${args[i]}"\nusage: node tests/arch/check.mjs [--root DIR] [--list]`);
      process.exit(2);
    }
  }
  process.exit(check(root, { list }) ? 1 : 0);
}
