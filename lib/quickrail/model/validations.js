// model/validations.js — validates(attr..., {presence, length, numericality, format, inclusion,
// exclusion, uniqueness, acceptance, confirmation}) with Rails' English messages, plus the
// implicit "must exist" check of a required belongsTo.
function isBlank(v) {
  if (v === null || v === undefined || v === false) return true;
  if (typeof v === "string") return v.trim() === "";
  if (Array.isArray(v)) return v.length === 0;
  return false;
}
export { isBlank };
function plural(n, word) { return n === 1 ? word : word + "s"; }
function msg(opts, fallback) { return (opts && typeof opts === "object" && opts.message) || fallback; }

// Each validator: (record, attribute, value, options) -> void (adds errors).
export const validators = {
  presence(r, a, v, o) { if (isBlank(v)) r.errors.add(a, msg(o, "can't be blank"), { type: "blank" }); },
  absence(r, a, v, o) { if (!isBlank(v)) r.errors.add(a, msg(o, "must be blank"), { type: "present" }); },
  length(r, a, v, o) {
    if (v === null || v === undefined) { if (o.minimum || o.is) r.errors.add(a, msg(o, "is too short (minimum is " + (o.minimum || o.is) + " " + plural(o.minimum || o.is, "character") + ")"), { type: "too_short" }); return; }
    const n = String(v).length;
    const min = o.minimum !== undefined ? o.minimum : (o.in ? o.in[0] : undefined);
    const max = o.maximum !== undefined ? o.maximum : (o.in ? o.in[1] : undefined);
    if (o.is !== undefined && n !== o.is) r.errors.add(a, o.wrongLength || msg(o, "is the wrong length (should be " + o.is + " " + plural(o.is, "character") + ")"), { type: "wrong_length" });
    if (min !== undefined && n < min) r.errors.add(a, o.tooShort || msg(o, "is too short (minimum is " + min + " " + plural(min, "character") + ")"), { type: "too_short" });
    if (max !== undefined && n > max) r.errors.add(a, o.tooLong || msg(o, "is too long (maximum is " + max + " " + plural(max, "character") + ")"), { type: "too_long" });
  },
  numericality(r, a, v, o) {
    // Rails checks the value as assigned ("abc" is "not a number", not blank after casting)
    if (typeof r.readAttributeBeforeTypeCast === "function" && r.constructor.columnFor(a) in r._a) v = r.readAttributeBeforeTypeCast(a);
    if (typeof v === "string") v = v.trim();
    if (v === null || v === undefined || v === "") { if (!o.allowNil) r.errors.add(a, msg(o, "is not a number")); return; }
    const n = Number(v);
    if (!isFinite(n)) { r.errors.add(a, msg(o, "is not a number")); return; }
    if ((o.onlyInteger || o.only_integer) && !Number.isInteger(n)) r.errors.add(a, msg(o, "must be an integer"));
    const checks = [["greaterThan", (x) => n > x, "must be greater than"], ["greater_than", (x) => n > x, "must be greater than"],
      ["greaterThanOrEqualTo", (x) => n >= x, "must be greater than or equal to"], ["greater_than_or_equal_to", (x) => n >= x, "must be greater than or equal to"],
      ["lessThan", (x) => n < x, "must be less than"], ["less_than", (x) => n < x, "must be less than"],
      ["lessThanOrEqualTo", (x) => n <= x, "must be less than or equal to"], ["less_than_or_equal_to", (x) => n <= x, "must be less than or equal to"],
      ["equalTo", (x) => n === x, "must be equal to"], ["equal_to", (x) => n === x, "must be equal to"],
      ["otherThan", (x) => n !== x, "must be other than"], ["other_than", (x) => n !== x, "must be other than"]];
    for (const [k, ok, text] of checks) if (o[k] !== undefined && !ok(typeof o[k] === "function" ? o[k].call(r, r) : o[k])) r.errors.add(a, msg(o, text + " " + o[k]));
    if (o.odd && Math.abs(n % 2) !== 1) r.errors.add(a, msg(o, "must be odd"));
    if (o.even && n % 2 !== 0) r.errors.add(a, msg(o, "must be even"));
    if (Array.isArray(o.in) && (n < o.in[0] || n > o.in[1])) r.errors.add(a, msg(o, "must be in " + o.in[0] + ".." + o.in[1]));
  },
  format(r, a, v, o) {
    const re = o.with || o;
    if (v === null || v === undefined || !re.test(String(v))) r.errors.add(a, msg(o, "is invalid"), { type: "invalid" });
  },
  inclusion(r, a, v, o) { const list = o.in || o.within || o; if (!list.includes(v)) r.errors.add(a, msg(o, "is not included in the list")); },
  exclusion(r, a, v, o) { const list = o.in || o.within || o; if (list.includes(v)) r.errors.add(a, msg(o, "is reserved")); },
  acceptance(r, a, v, o) { if (!(v === true || v === "1" || v === 1 || v === "true")) r.errors.add(a, msg(o, "must be accepted")); },
  confirmation(r, a, v, o) {
    const c = r[a + "Confirmation"] !== undefined ? r[a + "Confirmation"] : r[a + "_confirmation"];
    if (c !== undefined && c !== v) r.errors.add(a + "_confirmation", msg(o, "doesn't match " + r.constructor.humanAttributeName(a)));
  },
  uniqueness(r, a, v, o) {
    const cls = r.constructor;
    const insensitive = o && (o.caseSensitive === false || o.case_sensitive === false) && typeof v === "string";
    let rel = insensitive ? cls.where("LOWER(" + cls.quote(cls.tableName) + "." + cls.quote(cls.columnFor(a)) + ") = LOWER(?)", v) : cls.where({ [a]: v });
    const scope = o && o.scope ? [].concat(o.scope) : [];
    for (const s of scope) rel = rel.where({ [s]: r.readAttribute(s) });
    if (r.isPersisted()) rel = rel.where(cls.quote(cls.primaryKey) + " <> ?", r.id);
    if (rel.exists()) r.errors.add(a, msg(o, "has already been taken"), { type: "taken" });
  },
};

// Runs one `validates` entry against a record.
export function runValidation(record, entry) {
  const { attributes, options } = entry;
  const on = options.on;
  if (on === "create" && !record.isNewRecord()) return;
  if (on === "update" && record.isNewRecord()) return;
  if (options.if && !callCond(record, options.if)) return;
  if (options.unless && callCond(record, options.unless)) return;
  for (const a of attributes) {
    const v = record.readAttribute(a);
    // allowNil skips nil, but not a value that became nil because it could not be cast ("abc")
    if ((options.allowNil || options.allow_nil) && (v === null || v === undefined) && isBlank(record.readAttributeBeforeTypeCast ? record.readAttributeBeforeTypeCast(a) : v)) continue;
    if ((options.allowBlank || options.allow_blank) && isBlank(v)) continue;
    for (const k of Object.keys(options)) {
      const fn = validators[k];
      if (!fn || options[k] === false || options[k] === undefined) continue;
      fn(record, a, v, options[k] === true ? {} : options[k]);
    }
  }
}
function callCond(record, c) { return typeof c === "function" ? c.call(record, record) : record[c](); }

// The options each validator understands (snake_case as Rails spells them, camelCase as JS
// does), beyond the ones every validator takes. Anything else is a mistake: checked at boot.
const COMMON = ["if", "unless", "on", "message", "strict", "allowNil", "allow_nil", "allowBlank", "allow_blank"];
const OPTIONS = {
  presence: [], absence: [], acceptance: ["accept"],
  length: ["minimum", "maximum", "is", "in", "within", "tooShort", "too_short", "tooLong", "too_long", "wrongLength", "wrong_length"],
  numericality: ["onlyInteger", "only_integer", "greaterThan", "greater_than", "greaterThanOrEqualTo", "greater_than_or_equal_to",
    "lessThan", "less_than", "lessThanOrEqualTo", "less_than_or_equal_to", "equalTo", "equal_to", "otherThan", "other_than", "odd", "even", "in"],
  format: ["with", "without", "multiline"], inclusion: ["in", "within"], exclusion: ["in", "within"],
  uniqueness: ["scope", "caseSensitive", "case_sensitive", "conditions"], confirmation: ["caseSensitive", "case_sensitive"],
};
// validates("title", { presnce: true }) or { length: { minimun: 3 } }: an Error naming the model,
// the attributes, what is wrong and what is known (Rails: ArgumentError "Unknown validator").
export function checkValidationOptions(model, attributes, options) {
  const where = model + ".validates(" + attributes.map((x) => JSON.stringify(x)).join(", ") + ", ...)";
  for (const k of Object.keys(options)) {
    if (COMMON.includes(k)) continue;
    if (!validators[k]) throw new Error("Unknown validator: '" + k + "' in " + where + "; known validators: " + Object.keys(validators).join(", ") + "; options: " + COMMON.join(", "));
    const o = options[k];
    if (!o || typeof o !== "object" || Array.isArray(o) || o instanceof RegExp) continue;
    for (const ok of Object.keys(o)) {
      if (!COMMON.includes(ok) && !OPTIONS[k].includes(ok)) throw new Error("Unknown option '" + ok + "' for the " + k + " validator in " + where + "; known: " + OPTIONS[k].concat(COMMON).join(", "));
    }
  }
}
