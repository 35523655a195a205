// lib/web/console.js — console.log/info/warn/error/debug/trace/table/time/assert over the C
// logger (log.h): one log line per call, tagged with the process ("w3") by the logger.
import { log } from "quickrail:web";

const DEBUG = 0, INFO = 1, WARN = 2, ERROR = 3;

function inspect(value, depth = 2, seen = new Set()) {
  switch (typeof value) {
    case "string": return depth === 2 ? value : "'" + value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n") + "'";
    case "number": return Object.is(value, -0) ? "-0" : String(value);
    case "bigint": return value + "n";
    case "undefined": return "undefined";
    case "symbol": return value.toString();
    case "function": return value.name ? `[Function: ${value.name}]` : "[Function (anonymous)]";
    case "boolean": return String(value);
  }
  if (value === null) return "null";
  if (value instanceof Error) {
    let s = value.stack ? `${value.name}: ${value.message}\n${String(value.stack).replace(/\n$/, "")}` : String(value);
    if (value.cause !== undefined) s += `\n  [cause]: ${inspect(value.cause, depth - 1, seen)}`;
    return s;
  }
  if (seen.has(value)) return "[Circular]";
  if (value instanceof Date) return isNaN(value) ? "Invalid Date" : value.toISOString();
  if (value instanceof RegExp) return String(value);
  if (depth < 0) return Array.isArray(value) ? "[Array]" : "[Object]";
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.slice(0, 100).map((v) => inspect(v, depth - 1, seen));
      if (value.length > 100) items.push(`... ${value.length - 100} more items`);
      return `[ ${items.join(", ")} ]`.replace("[  ]", "[]");
    }
    if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
      const name = value.constructor.name;
      return `${name}(${value.length}) [ ${Array.from(value.slice(0, 50)).join(", ")}${value.length > 50 ? ", ..." : ""} ]`;
    }
    if (value instanceof Map) {
      const items = [...value].map(([k, v]) => `${inspect(k, depth - 1, seen)} => ${inspect(v, depth - 1, seen)}`);
      return `Map(${value.size}) { ${items.join(", ")} }`;
    }
    if (value instanceof Set) {
      return `Set(${value.size}) { ${[...value].map((v) => inspect(v, depth - 1, seen)).join(", ")} }`;
    }
    if (typeof value.then === "function" && value instanceof Promise) return "Promise { <pending> }";
    const ctor = value.constructor && value.constructor !== Object ? value.constructor.name + " " : "";
    const keys = Object.keys(value);
    if (!keys.length) return ctor + "{}";
    const parts = keys.map((k) => {
      const key = /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k);
      return `${key}: ${inspect(value[k], depth - 1, seen)}`;
    });
    return `${ctor}{ ${parts.join(", ")} }`;
  } finally {
    seen.delete(value);
  }
}

function format(args) {
  if (!args.length) return "";
  let first = args[0], rest = 1, out;
  if (typeof first === "string" && first.includes("%")) {
    out = first.replace(/%[sdifjoOc%]/g, (m) => {
      if (m === "%%") return "%";
      if (rest >= args.length) return m;
      const a = args[rest++];
      switch (m) {
        case "%s": return typeof a === "string" ? a : inspect(a, 1);
        case "%d": case "%i": return String(m === "%i" ? parseInt(a) : Number(a));
        case "%f": return String(parseFloat(a));
        case "%j": try { return JSON.stringify(a); } catch { return "[Circular]"; }
        case "%c": return "";
        default: return inspect(a, 2);
      }
    });
  } else {
    out = typeof first === "string" ? first : inspect(first);
  }
  for (let i = rest; i < args.length; i++) out += " " + (typeof args[i] === "string" ? args[i] : inspect(args[i]));
  return out;
}

const counts = new Map(), timers = new Map();
let groupIndent = "";
const emit = (level, args) => log(level, groupIndent ? format(args).replace(/^/gm, groupIndent) : format(args));

const console = {
  log: (...a) => emit(INFO, a),
  info: (...a) => emit(INFO, a),
  debug: (...a) => emit(DEBUG, a),
  warn: (...a) => emit(WARN, a),
  error: (...a) => emit(ERROR, a),
  trace: (...a) => emit(INFO, ["Trace: " + format(a) + "\n" + String(new Error().stack).split("\n").slice(1).join("\n")]),
  dir: (v) => emit(INFO, [inspect(v)]),
  table: (v) => emit(INFO, [inspect(v)]),
  assert: (cond, ...a) => { if (!cond) emit(ERROR, ["Assertion failed" + (a.length ? ": " + format(a) : "")]); },
  count: (label = "default") => { const n = (counts.get(label) || 0) + 1; counts.set(label, n); emit(INFO, [`${label}: ${n}`]); },
  countReset: (label = "default") => counts.delete(label),
  time: (label = "default") => timers.set(label, Date.now()),
  timeEnd: (label = "default") => {
    if (timers.has(label)) { emit(INFO, [`${label}: ${Date.now() - timers.get(label)}ms`]); timers.delete(label); }
  },
  timeLog: (label = "default", ...a) => { if (timers.has(label)) emit(INFO, [`${label}: ${Date.now() - timers.get(label)}ms`, ...a]); },
  group: (...a) => { if (a.length) emit(INFO, a); groupIndent += "  "; },
  groupEnd: () => { groupIndent = groupIndent.slice(2); },
};
console.groupCollapsed = console.group;

globalThis.console = console;
export { inspect, format };
