// lib/web/events.js — DOMException, Event, EventTarget, AbortController / AbortSignal: the
// small DOM pieces that Web APIs and libraries expect to find.

const CODES = { IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5,
  NoModificationAllowedError: 7, NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11, SyntaxError: 12,
  InvalidModificationError: 13, NamespaceError: 14, InvalidAccessError: 15, TypeMismatchError: 17,
  SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21, QuotaExceededError: 22,
  TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25 };

class DOMException extends Error {
  constructor(message = "", name = "Error") {
    super(message);
    Object.defineProperty(this, "name", { value: String(name), writable: true, configurable: true, enumerable: false });
  }
  get code() { return CODES[this.name] || 0; }
}

class Event {
  #type; #stop = false;
  constructor(type, init = {}) {
    this.#type = String(type);
    this.bubbles = !!init.bubbles;
    this.cancelable = !!init.cancelable;
    this.defaultPrevented = false;
    this.timeStamp = Date.now();
    this.target = null;
    this.currentTarget = null;
  }
  get type() { return this.#type; }
  preventDefault() { if (this.cancelable) this.defaultPrevented = true; }
  stopImmediatePropagation() { this.#stop = true; }
  stopPropagation() {}
  get _stopped() { return this.#stop; }
}

class CustomEvent extends Event {
  constructor(type, init = {}) { super(type, init); this.detail = init.detail ?? null; }
}

class EventTarget {
  #listeners = new Map();
  addEventListener(type, fn, options) {
    if (!fn) return;
    const once = typeof options === "object" && options !== null && !!options.once;
    const list = this.#listeners.get(type) || [];
    if (list.some((l) => l.fn === fn)) return;
    list.push({ fn, once });
    this.#listeners.set(type, list);
    if (options && options.signal) options.signal.addEventListener("abort", () => this.removeEventListener(type, fn));
  }
  removeEventListener(type, fn) {
    const list = this.#listeners.get(type);
    if (list) this.#listeners.set(type, list.filter((l) => l.fn !== fn));
  }
  dispatchEvent(event) {
    event.target = this;
    event.currentTarget = this;
    for (const l of (this.#listeners.get(event.type) || []).slice()) {
      if (l.once) this.removeEventListener(event.type, l.fn);
      try {
        typeof l.fn === "function" ? l.fn.call(this, event) : l.fn.handleEvent(event);
      } catch (e) {
        console.error(e);
      }
      if (event._stopped) break;
    }
    const handler = this["on" + event.type];
    if (typeof handler === "function") handler.call(this, event);
    return !event.defaultPrevented;
  }
}

class AbortSignal extends EventTarget {
  #aborted = false; #reason = undefined;
  get aborted() { return this.#aborted; }
  get reason() { return this.#reason; }
  throwIfAborted() { if (this.#aborted) throw this.#reason; }
  _abort(reason) {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason === undefined ? new DOMException("This operation was aborted", "AbortError") : reason;
    this.dispatchEvent(new Event("abort"));
  }
  static abort(reason) { const s = new AbortSignal(); s._abort(reason); return s; }
  static timeout(ms) {
    const s = new AbortSignal();
    setTimeout(() => s._abort(new DOMException("The operation timed out.", "TimeoutError")), ms);
    return s;
  }
  static any(signals) {
    const s = new AbortSignal();
    for (const sig of signals) {
      if (sig.aborted) { s._abort(sig.reason); break; }
      sig.addEventListener("abort", () => s._abort(sig.reason));
    }
    return s;
  }
}

class AbortController {
  #signal = new AbortSignal();
  get signal() { return this.#signal; }
  abort(reason) { this.#signal._abort(reason); }
}

Object.assign(globalThis, { DOMException, Event, CustomEvent, EventTarget, AbortSignal, AbortController });
