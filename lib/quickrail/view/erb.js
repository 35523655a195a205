// view/erb.js — compiles ERB templates whose embedded code is JavaScript into JS functions,
// once (at boot), never per request. <%= expr %> escapes, <%- expr %> and <%== expr %> emit raw
// HTML, <% code %> runs code, <%# %> is a comment, -%> trims the newline after a tag, <%% is a
// literal "<%". A block expression (<%= formWith(..., (form) => { %> ... <% }) %>) captures its
// body. `@name` reads the controller's assigns; bare names resolve to locals, then helpers,
// then globals. Errors carry the template path and line.
import * as host from "../host.js";

const KEYWORDS = new Set(("break case catch class const continue debugger default delete do else export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static enum await implements package protected interface private public of undefined arguments eval async get set").split(" "));
const GLOBALS = new Set(("Math JSON Object Array String Number Boolean Date RegExp Error Map Set WeakMap Promise Symbol Intl console globalThis parseInt parseFloat isNaN isFinite encodeURIComponent decodeURIComponent encodeURI decodeURI Infinity NaN BigInt Reflect Proxy").split(" "));

// Scans JS code: rewrites @ivar -> __a.ivar and `yield` -> __y(...), collects free identifiers,
// tracks brace depth. Returns { code, idents, depth } (depth change).
// Character classes by code (a regex test per character is slow in QuickJS; this runs at boot
// over every template).
function isIdentStart(c) { return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36; }
function isIdentPart(c) { return isIdentStart(c) || (c >= 48 && c <= 57); }
function isSpace(ch) { return ch === " " || ch === "\n" || ch === "\t" || ch === "\r" || /\s/.test(ch); }
export function scanCode(src, idents) {
  let out = "", i = 0, depth = 0;
  const n = src.length;
  const tplStack = []; // brace depth at each `${` inside template literals
  let prevSig = ""; // last significant char, to tell member access (a.b) from free names
  while (i < n) {
    const c = src[i];
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < n && src[j] !== c) { if (src[j] === "\\") j++; j++; }
      out += src.slice(i, j + 1); i = j + 1; prevSig = c; continue;
    }
    if (c === "`" || (c === "}" && tplStack.length && tplStack[tplStack.length - 1] === depth)) {
      if (c === "}") tplStack.pop();
      // inside a template literal: copy until ` or ${
      let j = i + 1;
      while (j < n && src[j] !== "`" && !(src[j] === "$" && src[j + 1] === "{")) { if (src[j] === "\\") j++; j++; }
      if (j < n && src[j] === "$") { out += src.slice(i, j + 2); tplStack.push(depth); i = j + 2; prevSig = "{"; continue; }
      out += src.slice(i, j + 1); i = j + 1; prevSig = "`"; continue;
    }
    if (c === "/" && src[i + 1] === "/") { const j = src.indexOf("\n", i); i = j < 0 ? n : j; continue; }
    if (c === "/" && src[i + 1] === "*") { const j = src.indexOf("*/", i + 2); i = j < 0 ? n : j + 2; continue; }
    if (c === "@" && isIdentStart(src.charCodeAt(i + 1))) {
      let j = i + 2;
      while (j < n && isIdentPart(src.charCodeAt(j))) j++;
      out += "__a." + src.slice(i + 1, j); i = j; prevSig = "a"; continue;
    }
    if (isIdentStart(src.charCodeAt(i))) {
      let j = i + 1;
      while (j < n && isIdentPart(src.charCodeAt(j))) j++;
      const w = src.slice(i, j);
      const member = prevSig === "." && !(src[i - 1] === "." && src[i - 2] === "." && src[i - 3] === ".");
      if (w === "yield" && !member) {
        const rest = src.slice(i + w.length);
        out += /^\s*\(/.test(rest) ? "__y" : "__y()";
      } else {
        out += w;
        if (!member && !KEYWORDS.has(w) && !GLOBALS.has(w) && !w.startsWith("__")) {
          // object-literal keys ({ class: 1, data: x }) are harmless extra lookups
          idents.add(w);
        }
      }
      i += w.length; prevSig = "a"; continue;
    }
    if (c === "{") depth++;
    else if (c === "}") depth--;
    if (!isSpace(c)) prevSig = c;
    out += c; i++;
  }
  return { code: out, depth };
}

// Splits a template into tokens: {type: "text"|"code"|"out"|"raw"|"comment", value, line}
export function tokenize(src) {
  const tokens = [];
  let i = 0, line = 1;
  const n = src.length;
  let text = "";
  let textLine = 1;
  while (i < n) {
    const open = src.indexOf("<%", i);
    if (open < 0) { text += src.slice(i); break; }
    if (src[open + 2] === "%") { text += src.slice(i, open) + "<%"; i = open + 3; continue; }
    text += src.slice(i, open);
    let kind = "code", start = open + 2;
    if (src.startsWith("==", start)) { kind = "raw"; start += 2; }
    else if (src[start] === "=") { kind = "out"; start += 1; }
    else if (src[start] === "-") { kind = "raw"; start += 1; }
    else if (src[start] === "#") { kind = "comment"; start += 1; }
    const close = src.indexOf("%>", start);
    if (close < 0) throw new SyntaxError("unterminated <% tag");
    let value = src.slice(start, close);
    let trimAfter = false;
    if (value.endsWith("-")) { value = value.slice(0, -1); trimAfter = true; }
    const tagLine = line + countLines(src, i, open);
    // a code/comment tag alone on its line swallows its indentation and newline
    let end = close + 2;
    if (kind === "code" || kind === "comment" || trimAfter) {
      const lineStart = text.lastIndexOf("\n") + 1;
      const before = text.slice(lineStart);
      const after = /^[ \t]*\r?\n/.exec(src.slice(end));
      if ((kind !== "out" && kind !== "raw" && /^[ \t]*$/.test(before) && (after || end === n)) ) {
        text = text.slice(0, lineStart);
        if (after) end += after[0].length;
      } else if (trimAfter && after) end += after[0].length;
    }
    if (text) tokens.push({ type: "text", value: text, line: textLine });
    tokens.push({ type: kind, value, line: tagLine });
    line = tagLine + countLines(src, open, end);
    text = ""; textLine = line;
    i = end;
  }
  if (text) tokens.push({ type: "text", value: text, line: textLine });
  return tokens;
}
function countLines(s, a, b) { let k = 0; for (let i = a; i < b; i++) if (s.charCodeAt(i) === 10) k++; return k; }

// Returns the JS source of the template body (for tests and error pages) and its free names.
export function generate(src, name) {
  const tokens = tokenize(src);
  const idents = new Set();
  let body = "";
  let depth = 0;
  const blocks = []; // depth at which an output block's call must be closed
  for (const t of tokens) {
    if (t.type === "text") { body += "__c.o.push(" + JSON.stringify(t.value) + ");\n"; continue; }
    if (t.type === "comment") continue;
    const { code, depth: d } = scanCode(t.value, idents);
    const trimmed = code.trim();
    body += "__ln=" + t.line + ";";
    if (t.type === "out" || t.type === "raw") {
      const fn = t.type === "out" ? "__e" : "__r";
      if (d > 0 && /(\{|\(\s*)$/.test(trimmed)) { // block expression: body captured until its `}`
        blocks.push(depth);
        depth += d;
        body += "__c.o.push(" + fn + "(" + trimmed + "\n";
        continue;
      }
      body += "__c.o.push(" + fn + "(" + trimmed + "));\n";
      continue;
    }
    depth += d;
    if (blocks.length && depth <= blocks[blocks.length - 1]) { blocks.pop(); body += trimmed + "));\n"; continue; }
    body += trimmed + "\n";
  }
  if (blocks.length) throw new SyntaxError("unclosed block expression (a `<%= ... { %>` without its `<% }) %>`)");
  return { body, idents };
}

// Compiles a template to function(locals, assigns, viewContext, helpers) -> string.
// Through the runtime's template cache (host.templateCache) when there is one: a template
// compiled before, from the same source and the same lib/ and app code, costs no ERB work.
export function compile(src, name = "template", opts = {}) {
  const cache = host.templateCache;
  const hit = cache ? cache.load(name, src) : undefined;
  if (hit) { hit.templateName = name; return hit; }
  const { body, idents } = generate(src, name);
  let decl = "";
  for (const id of idents) {
    decl += "const " + id + ' = ("' + id + '" in __l) ? __l.' + id + ' : ("' + id + '" in __h) ? __h.' + id + " : globalThis." + id + ";\n";
  }
  const fnSrc =
    "let __ln = 1;\n" +
    "const __e = __h.__escape, __r = __h.__raw, __y = __c.yieldContent;\n" +
    "const __saved = __c.o; __c.o = [];\n" +
    "try {\n" + decl + "{\n" + body + "}\n" +
    "return __c.o.join('');\n" +
    "} catch (err) { throw __h.__templateError(err, " + JSON.stringify(name) + ", __ln); }\n" +
    "finally { __c.o = __saved; }\n";
  let fn;
  try {
    fn = cache ? cache.store(name, src, "__l,__a,__c,__h", fnSrc) : new Function("__l", "__a", "__c", "__h", fnSrc);
  } catch (e) {
    throw templateSyntaxError(e, name, src, fnSrc);
  }
  fn.templateName = name;
  return fn;
}

// A template that does not compile, as the developer wrote it: "template x.html.erb:3:5: <why>",
// the template's line and a caret under the tag (the engine's line in the generated function,
// mapped back through its __ln markers; QuickJS reports it). The generated code is never shown.
export function templateSyntaxError(e, name, src, fnSrc) {
  let line = null;
  const m = /<input>:(\d+)/.exec(String(e && e.stack));
  if (m) {
    const upTo = fnSrc.split("\n").slice(0, Math.max(0, Number(m[1]) - 2)).join("\n"); // 2 lines of function header
    const marks = upTo.match(/__ln=(\d+);/g);
    line = marks ? Number(/\d+/.exec(marks[marks.length - 1])[0]) : 1;
  }
  const text = line ? src.split("\n")[line - 1] || "" : null;
  const col = text !== null ? Math.max(0, text.indexOf("<%")) + 1 : null;
  const err = new SyntaxError("template " + name + (line ? ":" + line + ":" + col : "") + " does not compile: " + ((e && e.message) || e) +
    (text !== null ? "\n  " + text + "\n  " + " ".repeat(col - 1) + "^" : ""));
  err.template = name; err.line = line; err.column = col; err.status = 500;
  err.stack = "    at " + name + (line ? ":" + line : "");
  return err;
}
