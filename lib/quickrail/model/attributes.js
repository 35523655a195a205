// model/attributes.js — ActiveRecord::Attributes: the schema read from the database (columns,
// their types, the camelCase and snake_case accessors defined on the model's prototype),
// column defaults, and casting input values to a column's type. Imports model/meta.js, the
// inflector and the connection.
import { camelize } from "../support/inflector.js";
import { connection } from "../db/connection.js";
import { meta } from "./meta.js";

export class UnknownAttributeError extends Error {
  constructor(model, attr) { super("unknown attribute '" + attr + "' for " + model + "."); this.name = "UnknownAttributeError"; }
}

// Reads cls's columns once (PRAGMA table_info or the adapter's equivalent) and defines an
// accessor per column name and per camelCase name, never shadowing a method or an association.
export function loadSchema(cls) {
  const m = meta(cls);
  if (m.columns) return m.columns;
  const cols = connection().columns(cls.tableName);
  if (!cols.length) throw new Error("quickrail: table '" + cls.tableName + "' for model " + cls.name + " does not exist — run `quickrail db:migrate` (or db:prepare)");
  m.columns = cols;
  m.columnTypes = {};
  for (const c of cols) m.columnTypes[c.name] = c.type;
  m.dateColumns = cols.filter((c) => /^(datetime|timestamp)/.test(c.type)).map((c) => c.name);
  m.dayColumns = cols.filter((c) => c.type === "date").map((c) => c.name);
  m.boolColumns = cols.filter((c) => c.type === "boolean").map((c) => c.name);
  const proto = cls.prototype;
  for (const c of cols) {
    const names = [c.name];
    const camel = camelize(c.name, false);
    if (camel !== c.name) names.push(camel);
    for (const n of names) {
      if (n in proto) continue; // never shadow a method or an association
      Object.defineProperty(proto, n, {
        get() { return this._a[c.name]; },
        set(v) { this.writeAttribute(c.name, v); },
        configurable: true,
      });
    }
  }
  return cols;
}

export function castDefault(col) {
  const d = col.default;
  if (d === null || d === undefined || col.pk) return null;
  let v = String(d).replace(/^'(.*)'$/, "$1");
  if (/^(integer|bigint|float|decimal|real)/.test(col.type)) return Number(v);
  if (col.type === "boolean") return v === "1" || v === "t" || v === "true" || v === "TRUE";
  return v;
}

export function sameValue(a, b) {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}
// Rails' type casting on assignment (ActiveModel::Type): integer ("12" -> 12, "12.7" -> 12),
// float/decimal ("3.5" -> 3.5), boolean ("0", "f", "false", "off" -> false; "" -> nil; else true),
// date (an ISO "YYYY-MM-DD" string: stored and compared as such), datetime (a Date; a string
// without a zone is UTC, as Rails' default Time.zone), string/text (true -> "t", 12 -> "12").
// A value that cannot be cast (an integer "abc", the date "2026-02-30") becomes null.
const FALSE_VALUES = new Set([false, 0, "0", "f", "F", "false", "FALSE", "off", "OFF"]);
const NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;
const ISO_DATE = /^(\d{4})-(\d\d)-(\d\d)(?=$|[T ])/;
export function castDate(v) {
  if (v instanceof Date) return isNaN(v.getTime()) ? null : v.toISOString().slice(0, 10);
  if (typeof v !== "string") return null;
  const m = ISO_DATE.exec(v.trim());
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3] ? m[1] + "-" + m[2] + "-" + m[3] : null;
}
export function castDateTime(v) {
  if (v instanceof Date) return isNaN(v.getTime()) ? null : v;
  if (typeof v === "number") return new Date(v);
  if (typeof v !== "string" || !/^\s*\d{4}-\d\d-\d\d/.test(v)) return null;
  let s = v.trim().replace(" ", "T");
  if (/^\d{4}-\d\d-\d\d$/.test(s)) s += "T00:00:00";
  if (!/[zZ]|[+-]\d\d:?\d\d$/.test(s)) s += "Z";
  const d = new Date(s);
  return isNaN(d.getTime()) ? null : d;
}
export function castInput(type, v) {
  if (v === undefined || v === null) return null;
  if (!type) return v;
  if (/^(integer|bigint|int|smallint)/.test(type)) {
    if (typeof v === "number") return isFinite(v) ? Math.trunc(v) : null;
    if (typeof v === "boolean") return v ? 1 : 0;
    if (typeof v === "string") return NUMERIC.test(v) ? Math.trunc(Number(v)) : null;
    if (typeof v === "object" && v.id !== undefined) return v.id;
    return null;
  }
  if (/^(float|real|double|decimal|numeric)/.test(type)) {
    if (typeof v === "number") return isFinite(v) ? v : null;
    if (typeof v === "boolean") return v ? 1 : 0;
    if (typeof v === "string") return NUMERIC.test(v) ? Number(v) : null;
    return null;
  }
  if (type === "boolean") {
    if (v === "") return null;
    return !FALSE_VALUES.has(v);
  }
  if (type === "date") return castDate(v);
  if (/^(datetime|timestamp)/.test(type)) return v === "" ? null : castDateTime(v);
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "t" : "f";
  if (typeof v === "number") return String(v);
  return v;
}
