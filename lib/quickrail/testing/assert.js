// testing/assert.js — the node:assert (strict) subset quickrail's tests use, for running them
// inside QuickJS: ok, equal/strictEqual, notEqual/notStrictEqual, deepEqual/deepStrictEqual,
// notDeepStrictEqual, match/doesNotMatch, throws/doesNotThrow, rejects/doesNotReject, fail.
// Equality is strict everywhere (as node:assert/strict).
export class AssertionError extends Error {
  constructor(opts) {
    super(opts.message || (show(opts.actual) + " " + opts.operator + " " + show(opts.expected)));
    this.name = "AssertionError"; this.code = "ERR_ASSERTION";
    this.actual = opts.actual; this.expected = opts.expected; this.operator = opts.operator; this.generatedMessage = !opts.message;
  }
}
function show(v) {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "function") return "[Function " + (v.name || "anonymous") + "]";
  try { const s = JSON.stringify(v); return s === undefined ? String(v) : s; } catch (e) { return String(v); }
}
function fail(actual, expected, message, operator) {
  if (message instanceof Error) throw message;
  throw new AssertionError({ actual, expected, message, operator });
}

function isDeepEqual(a, b, seen) {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  seen = seen || [];
  for (const [x, y] of seen) if (x === a && y === b) return true;
  seen.push([a, b]);
  if (a instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof RegExp) return String(a) === String(b);
  if (a instanceof Map) {
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !isDeepEqual(v, b.get(k), seen)) return false;
    return true;
  }
  if (a instanceof Set) {
    if (a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }
  if (ArrayBuffer.isView(a)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a) && a.length !== b.length) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !isDeepEqual(a[k], b[k], seen)) return false;
  return true;
}

function matchesError(err, expected, message) {
  if (expected === undefined) return;
  if (typeof expected === "function") {
    if (expected.prototype !== undefined && err instanceof expected) return;
    if (Error.isPrototypeOf(expected) || expected === Error) fail(err, expected, message || "The error is expected to be an instance of \"" + expected.name + "\". Received \"" + (err && err.name) + "\"", "throws");
    if (expected.call({}, err) === true) return;
    fail(err, expected, message || "The validation function is expected to return \"true\"", "throws");
  }
  if (expected instanceof RegExp) { if (expected.test(String(err && err.message !== undefined ? err.message : err)) || expected.test(String(err))) return; fail(err, expected, message || "The input did not match the regular expression " + expected, "throws"); }
  if (typeof expected === "object") {
    for (const k of Object.keys(expected)) {
      const e = expected[k], a = err && err[k];
      if (e instanceof RegExp && typeof a === "string" ? !e.test(a) : !isDeepEqual(a, e)) fail(err, expected, message || "Expected values to be strictly deep-equal on property " + k + ": " + show(a) + " !== " + show(e), "throws");
    }
  }
}

function assert(value, message) { if (!value) fail(value, true, message || "The expression evaluated to a falsy value: " + show(value), "=="); }
assert.ok = assert;
assert.AssertionError = AssertionError;
assert.fail = (message) => fail(undefined, undefined, message || "Failed", "fail");
assert.equal = assert.strictEqual = (a, b, m) => { if (!Object.is(a, b)) fail(a, b, m || "Expected values to be strictly equal:\n\n" + show(a) + " !== " + show(b), "strictEqual"); };
assert.notEqual = assert.notStrictEqual = (a, b, m) => { if (Object.is(a, b)) fail(a, b, m || "Expected \"actual\" to be strictly unequal to: " + show(b), "notStrictEqual"); };
assert.deepEqual = assert.deepStrictEqual = (a, b, m) => { if (!isDeepEqual(a, b)) fail(a, b, m || "Expected values to be strictly deep-equal:\n" + show(a) + "\n!==\n" + show(b), "deepStrictEqual"); };
assert.notDeepEqual = assert.notDeepStrictEqual = (a, b, m) => { if (isDeepEqual(a, b)) fail(a, b, m || "Expected \"actual\" not to be strictly deep-equal to: " + show(b), "notDeepStrictEqual"); };
assert.match = (s, re, m) => { if (typeof s !== "string" || !re.test(s)) fail(s, re, m || "The input did not match the regular expression " + re + ". Input:\n\n" + show(s), "match"); };
assert.doesNotMatch = (s, re, m) => { if (typeof s !== "string" || re.test(s)) fail(s, re, m || "The input was expected to not match the regular expression " + re + ". Input:\n\n" + show(s), "doesNotMatch"); };
assert.throws = (fn, expected, message) => {
  if (typeof expected === "string") { message = expected; expected = undefined; }
  let threw = false, err;
  try { fn(); } catch (e) { threw = true; err = e; }
  if (!threw) fail(undefined, expected, message || "Missing expected exception.", "throws");
  matchesError(err, expected, message);
};
assert.doesNotThrow = (fn, message) => { try { fn(); } catch (e) { fail(e, undefined, (typeof message === "string" ? message : "") || "Got unwanted exception.\nActual message: \"" + (e && e.message) + "\"", "doesNotThrow"); } };
assert.rejects = async (p, expected, message) => {
  if (typeof expected === "string") { message = expected; expected = undefined; }
  let threw = false, err;
  try { await (typeof p === "function" ? p() : p); } catch (e) { threw = true; err = e; }
  if (!threw) fail(undefined, expected, message || "Missing expected rejection.", "rejects");
  matchesError(err, expected, message);
};
assert.doesNotReject = async (p, message) => { try { await (typeof p === "function" ? p() : p); } catch (e) { fail(e, undefined, message || "Got unwanted rejection.\nActual message: \"" + (e && e.message) + "\"", "doesNotReject"); } };
assert.strict = assert;

export const ok = assert.ok, equal = assert.equal, strictEqual = assert.strictEqual, notEqual = assert.notEqual,
  notStrictEqual = assert.notStrictEqual, deepEqual = assert.deepEqual, deepStrictEqual = assert.deepStrictEqual,
  notDeepEqual = assert.notDeepEqual, notDeepStrictEqual = assert.notDeepStrictEqual, match = assert.match,
  doesNotMatch = assert.doesNotMatch, throws = assert.throws, doesNotThrow = assert.doesNotThrow,
  rejects = assert.rejects, doesNotReject = assert.doesNotReject;
export const strict = assert;
export { fail as _fail };
export default assert;
