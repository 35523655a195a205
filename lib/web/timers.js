// lib/web/timers.js — setTimeout/setInterval/clear*/queueMicrotask over js_host.c's timer list,
// and performance.now() (monotonic, milliseconds since the runtime started).
// Timers run inside a request until its response is ready; the rest are cancelled then.
import { setTimer, clearTimer, queueMicrotask } from "quickrail:host";
import { hrtime } from "quickrail:web";

globalThis.setTimeout = (fn, ms = 0, ...args) =>
  setTimer(typeof fn === "function" ? (args.length ? () => fn(...args) : fn) : () => {}, ms, false);
globalThis.setInterval = (fn, ms = 0, ...args) =>
  setTimer(typeof fn === "function" ? (args.length ? () => fn(...args) : fn) : () => {}, ms, true);
globalThis.clearTimeout = (id) => { if (id != null) clearTimer(id); };
globalThis.clearInterval = globalThis.clearTimeout;
globalThis.queueMicrotask = (fn) => queueMicrotask(fn);
globalThis.setImmediate = (fn, ...args) => setTimer(() => fn(...args), 0, false);
globalThis.clearImmediate = globalThis.clearTimeout;

const origin = hrtime();
const timeOrigin = Date.now();
globalThis.performance = {
  now: () => hrtime() - origin,
  get timeOrigin() { return timeOrigin; },
  toJSON() { return { timeOrigin }; },
};
