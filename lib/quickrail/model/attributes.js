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
  m.dateColumns = cols.filter((c) => /^(datetime|timestamp|date$)/.test(c.type)).map((c) => c.name);
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
export function castInput(type, v) {
  if (v === undefined) return null;
  if (v === null) return null;
  if (!type) return v;
  if (/^(integer|bigint|int)/.test(type)) {
    if (typeof v === "number") return v;
    if (v === "" ) return null;
    if (typeof v === "string" && /^\s*-?\d+(\.\d+)?\s*$/.test(v)) return Number(v);
    if (typeof v === "object" && v.id !== undefined) return v.id;
    return v;
  }
  if (/^(float|real|double|decimal|numeric)/.test(type)) {
    if (v === "") return null;
    const n = Number(v); return isNaN(n) ? v : n;
  }
  if (type === "boolean") {
    if (v === "") return null;
    return !(v === false || v === 0 || v === "0" || v === "f" || v === "false" || v === "off" || v === "F" || v === "FALSE");
  }
  if (/^(datetime|timestamp|date)/.test(type)) {
    if (v instanceof Date) return v;
    if (v === "") return null;
    const d = new Date(v); return isNaN(d.getTime()) ? v : d;
  }
  return typeof v === "string" ? v : (typeof v === "object" ? v : String(v));
}
