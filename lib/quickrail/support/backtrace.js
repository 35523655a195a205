// support/backtrace.js — an exception's stack as a Rails developer reads it. Parses the engine's
// "    at fn (file:line)" frames, names them app-relative ("app/controllers/notes_controller.rb:8
// in 'index'": compiled Ruby is line-aligned, so the module's .rb name and line are the Ruby
// ones), splits them into the application trace (the app's own files) and the framework trace
// (lib/quickrail, native), cuts a source excerpt with a caret under the failing name, and names
// the callee of QuickJS' bare "not a function" from the source line. Pure: reads files through
// host.js only; used by the error page and log (application.js) and by db tasks (migration.js).
import * as host from "../host.js";

const FRAME = /^\s*at (.*?) \((.*?)(?::(\d+))?\)\s*$/, BARE = /^\s*at ([^\s()]+?):(\d+)\s*$/; // "at f (file:N)"; a parse error's "at file:N"

// frames(err, root) -> [{ fn, file, line, rel, app }] (line 0 when the engine gave none)
export function frames(err, root) {
  const out = [];
  const base = String(root || host.appDir()).replace(/\/+$/, "") + "/";
  for (const l of String((err && err.stack) || "").split("\n")) {
    const b = BARE.exec(l);
    const m = b ? [l, "<top>", b[1], b[2]] : FRAME.exec(l);
    if (!m) continue;
    const file = m[2], line = Number(m[3] || 0);
    const app = file.startsWith(base) && !file.includes("/node_modules/");
    let rel = app ? file.slice(base.length) : file;
    if (!app) { const i = file.lastIndexOf("/lib/quickrail/"); if (i >= 0) rel = file.slice(i + 1); }
    out.push({ fn: m[1], file, line, rel, app });
  }
  return out;
}

// The frames of an error raised in a template (err.template, err.line): the template body's
// frame (an engine-named `<input>` / `<anonymous>` function) becomes the template's own line,
// as Rails lists "app/views/notes/index.html.erb:2" in the application trace.
export function withTemplate(fs, err) {
  if (!err || !err.template) return fs;
  const rel = /^app\/views\//.test(err.template) ? err.template : "app/views/" + err.template;
  const t = { fn: "render", file: rel, line: err.line || 0, rel, app: true };
  const i = fs.findIndex((f) => /^<(input|anonymous)>$/.test(f.file));
  return i < 0 ? [t, ...fs] : [...fs.slice(0, i), t, ...fs.slice(i + 1)];
}

// One frame as Rails prints it: "app/models/note.rb:3:in 'title'".
export function frameText(f) { return f.rel + (f.line ? ":" + f.line : "") + ":in '" + f.fn + "'"; }

// The first frame in the app's own files, or null.
export function appFrame(fs) { return fs.find((f) => f.app && f.line > 0) || null; }

function readLine(file, line) {
  try { return host.readFile(file).split("\n")[line - 1] ?? null; } catch (e) { return null; }
}

// The column (1-based) of the name the error is about in a source line, or 0.
export function caretColumn(err, text) {
  const msg = String((err && err.message) || "");
  const named = /undefined (?:local variable or )?method '([^']+)'/.exec(msg) || /^'?(.+?)'? is not (?:a function|defined)$/.exec(msg) ||
    /cannot read property '([^']+)'/.exec(msg);
  if (named) {
    const name = named[1].split(".").pop();
    const re = new RegExp("(^|[^\\w$])(" + name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + ")(?![\\w$])", "g");
    // the first occurrence after where the receiver starts (`a.x().x()`): the one the message names
    const from = named[1].includes(".") ? Math.max(0, text.indexOf(named[1].slice(0, named[1].lastIndexOf(".")))) : 0;
    re.lastIndex = from;
    const m = re.exec(text);
    if (m) return m.index + m[1].length + 1;
  }
  const lead = /^\s*/.exec(text)[0].length;
  return text.length > lead ? lead + 1 : 0;
}

const JS_WORDS = new Set(["if", "for", "while", "switch", "catch", "function", "return", "typeof", "new", "await", "super"]);
const RB_WORDS = new Set(["if", "unless", "while", "until", "return", "puts", "p", "def", "end", "do", "else", "elsif", "case", "when", "raise", "yield", "and", "or", "not"]);

// The callees of a source line, left to right: JS `a.b(`, `f(x).g(`; Ruby `recv.name(`,
// `recv.name arg`, a bare `name arg`. Each { expr, recv, name } (recv "" for a bare call).
function callees(text, ruby) {
  const src = text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, (q) => q[0] + " ".repeat(q.length - 2) + q[0]).replace(ruby ? /#.*$/ : /\/\/.*$/, "");
  const out = [];
  const re = ruby ? /(&?\.)?([A-Za-z_]\w*[?!]?)(?:\(|[ \t]+(?=[\w@:"'[{-]))/g : /(\??\.)?\s*([A-Za-z_$][\w$]*)\s*\(/g;
  for (let m; (m = re.exec(src));) {
    const at = m.index, name = m[2];
    if (!m[1] && at > 0 && /[\w$@.:]/.test(src[at - 1])) continue; // the tail of a longer name
    if ((ruby ? RB_WORDS : JS_WORDS).has(name) || (!ruby && !m[1] && /^[A-Z]/.test(name))) continue;
    const start = m[1] ? chainStart(src, at) : at;
    const recv = text.slice(start, at).trim();
    out.push({ expr: (recv ? recv + m[1] : "") + name, recv, name });
  }
  return out;
}
// Where the receiver chain ending at src[end] starts: names, dots, and balanced (...) / [...].
function chainStart(src, end) {
  let j = end;
  while (j > 0) {
    const c = src[j - 1];
    if (/[\w$@.?&]/.test(c)) { j--; continue; }
    if (c !== ")" && c !== "]") break;
    let depth = 0, k = j - 1;
    for (; k >= 0; k--) {
      if (src[k] === ")" || src[k] === "]") depth++;
      else if ((src[k] === "(" || src[k] === "[") && --depth === 0) break;
    }
    if (k < 0) break;
    j = k;
  }
  while (j < end && /[?&.]/.test(src[j])) j++;
  return j;
}
// The class a Ruby line is in: the last `class X` above it.
function rubyClassAt(file, line) {
  let src;
  try { src = host.readFile(file).split("\n").slice(0, line); } catch (e) { return null; }
  for (let i = src.length - 1; i >= 0; i--) { const m = /^\s*class\s+([A-Z][\w:]*)/.exec(src[i]); if (m) return m[1]; }
  return null;
}

// QuickJS says "not a function" without a name: name the callee from the failing app line —
// JS apps "article.titel is not a function", Ruby apps Ruby's NoMethodError "undefined method
// 'titel' for an instance of Article". Rewrites err.message/name in place; returns err.
// known(recv, name, frame) -> true when recv.name is certainly a function (the caller knows the
// models and the controller), so it is not the one that failed.
export function nameCallee(err, root, known) {
  if (!err || !/^(?:TypeError: )?not a function$/.test(String(err.message))) return err;
  const fs = frames(err, root), f = appFrame(fs);
  if (!f || fs[0] !== f) return err; // the failing call is on the app's own line
  const text = readLine(f.file, f.line);
  if (text === null) return err;
  const ruby = /\.rb$/.test(f.file);
  const all = callees(text, ruby);
  const left = known ? all.filter((c) => { try { return !known(c.recv, c.name, f); } catch (e) { return true; } }) : all;
  const cs = left.length ? left : all;
  if (!cs.length) return err;
  const one = cs.length === 1 ? cs[0] : null;
  if (ruby) {
    const self = cs.filter((c) => !c.recv);
    const c = one || (self.length === 1 ? self[0] : null);
    if (!c) return setMessage(err, "not a function: one of " + cs.map((x) => "'" + x.name + "'").join(", "));
    const cls = c.recv === "" || c.recv === "self" ? rubyClassAt(f.file, f.line) : null;
    err.name = "NoMethodError";
    return setMessage(err, "undefined method '" + c.name + "' for " + (cls ? "an instance of " + cls : c.recv));
  }
  return setMessage(err, one ? one.expr + " is not a function" : "not a function: one of " + cs.map((x) => x.expr).join(", "));
}
// Ruby's NameError: a bare name that is neither a local nor a method (`zork` on the failing .rb
// line, not `x.zork`) is "undefined local variable or method 'zork' for an instance of C", as
// Ruby says it; compiled Ruby reads bare names through the same path as `self.zork`.
export function rubyNameError(err, root) {
  const m = /^undefined method '([a-z_]\w*)' for (an instance of [\w:]+)$/.exec(String(err && err.message));
  if (!m || err.name !== "NoMethodError") return err;
  const f = appFrame(frames(err, root));
  if (!f || !/\.rb$/.test(f.file)) return err;
  const text = readLine(f.file, f.line);
  if (text === null) return err;
  const code = text.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, "\"\"").replace(/#.*$/, "");
  if (!new RegExp("(^|[^\\w@.:$])" + m[1] + "(?![\\w?!(:]|\\s*=[^=~>]|[ \\t]+[\\w@\"'[{:-])").test(code)) return err;
  err.name = "NameError";
  return setMessage(err, "undefined local variable or method '" + m[1] + "' for " + m[2]);
}
function setMessage(err, msg) {
  try { err.message = msg; } catch (e) { /* frozen: keep the engine's */ }
  return err;
}
