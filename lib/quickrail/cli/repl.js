// cli/repl.js — what the console does to a line before eval: a line runs as global code (an
// indirect eval), where `const`, `let` and `class` would die with the line, so top-level ones
// become `var` bindings that the next lines see (what Node's REPL gives its users). Pure string
// work (strings, templates, comments and nested blocks are left alone); used by cli/console.js.
const DECL = /^(const|let|class)\b/;

// "const a = 1; let b = 2" -> "var a = 1; var b = 2"; "class A {}" -> "var A = class A {}".
export function globalize(src) {
  let out = "", i = 0, depth = 0, stmtStart = true;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '"' || c === "'" || c === "`") { // string or template: copy to its closing quote
      let j = i + 1;
      while (j < n && src[j] !== c) j += src[j] === "\\" ? 2 : 1;
      out += src.slice(i, j + 1); i = j + 1; stmtStart = false; continue;
    }
    if (c === "/" && src[i + 1] === "/") { const j = src.indexOf("\n", i); const e = j < 0 ? n : j; out += src.slice(i, e); i = e; continue; }
    if (c === "/" && src[i + 1] === "*") { const j = src.indexOf("*/", i + 2); const e = j < 0 ? n : j + 2; out += src.slice(i, e); i = e; continue; }
    if (depth === 0 && stmtStart && /[A-Za-z_$]/.test(c)) {
      const m = DECL.exec(src.slice(i));
      if (m && (m[1] !== "let" || /^let\s*[A-Za-z_$[{]/.test(src.slice(i)))) {
        if (m[1] === "class") {
          const name = /^class\s+([A-Za-z_$][\w$]*)/.exec(src.slice(i));
          if (name) { out += "var " + name[1] + " = class " + name[1]; i += name[0].length; stmtStart = false; continue; }
        } else { out += "var"; i += m[1].length; stmtStart = false; continue; }
      }
    }
    if (c === "{" || c === "(" || c === "[") depth++;
    else if (c === "}" || c === ")" || c === "]") depth = Math.max(0, depth - 1);
    if (c === ";" || (c === "}" && depth === 0)) stmtStart = true;
    else if (!/\s/.test(c)) stmtStart = false;
    out += c; i++;
  }
  return out;
}

export const HELP = [
  "The app's models are globals (Article.count(), Article.find(1), Article.where({ ... })); the",
  "framework is `quickrail`. Lines are JavaScript; const/let/class bindings stay for later lines;",
  "a promise is awaited. Commands: help, .exit (or exit, quit, Ctrl-D).",
].join("\n");
