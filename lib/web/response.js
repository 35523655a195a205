// lib/web/response.js — Response: string / bytes / FormData / URLSearchParams / Blob / null
// bodies, status and statusText, Response.json, Response.redirect, Response.error, clone.
// responseParts() is what js_host.c reads back: [status, [name, value, ...], body].
import { Body, extractBody } from "./body.js";

const NULL_BODY = new Set([101, 103, 204, 205, 304]);
const REDIRECT = new Set([301, 302, 303, 307, 308]);

class Response extends Body {
  #status; #statusText; #headers; #type = "default"; #url = "";

  constructor(body = null, init = {}) {
    if (init === null || typeof init !== "object") init = {};
    const status = init.status === undefined ? 200 : Number(init.status);
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(`Response: status ${init.status} is outside the range [200, 599]`);
    }
    const statusText = init.statusText === undefined ? "" : String(init.statusText);
    if (statusText && /[^\t\u0020-\u007e\u0080-\u00ff]/.test(statusText)) throw new TypeError("Response: invalid statusText");
    const headers = new Headers(init.headers);
    const ex = extractBody(body);
    if (ex.body !== null && NULL_BODY.has(status)) throw new TypeError(`Response with null body status ${status} cannot have body`);
    if (ex.type && !headers.has("content-type")) headers.set("content-type", ex.type);
    super(ex.body);
    this.#status = status;
    this.#statusText = statusText;
    this.#headers = headers;
  }

  static json(data, init = {}) {
    const text = JSON.stringify(data);
    if (text === undefined) throw new TypeError("Response.json: data is not JSON-serializable");
    const headers = new Headers(init.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return new Response(text, { ...init, headers });
  }
  static redirect(url, status = 302) {
    if (!REDIRECT.has(status)) throw new RangeError(`Response.redirect: invalid status ${status}`);
    const href = new URL(String(url), globalThis.location?.href).href;
    return new Response(null, { status, headers: { location: href } });
  }
  static error() {
    const r = new Response(null, { status: 200 });
    r.#status = 0;
    r.#type = "error";
    return r;
  }

  get status() { return this.#status; }
  get statusText() { return this.#statusText; }
  get ok() { return this.#status >= 200 && this.#status <= 299; }
  get headers() { return this.#headers; }
  get type() { return this.#type; }
  get url() { return this.#url; }
  get redirected() { return false; }
  clone() {
    if (this.bodyUsed) throw new TypeError("Response.clone: body has already been consumed");
    const raw = this._rawBody;
    return new Response(raw instanceof Uint8Array ? raw.slice() : raw, { status: this.#status === 0 ? 200 : this.#status,
      statusText: this.#statusText, headers: this.#headers });
  }
  get [Symbol.toStringTag]() { return "Response"; }
}

export function responseParts(r) {
  if (!(r instanceof Response)) {
    const what = r === null ? "null" : typeof r === "object" ? (r.constructor?.name || "object") : typeof r;
    throw new TypeError(`the app's fetch() must return a Response (or a promise of one), got ${what}`);
  }
  if (r.status === 0) return [500, [], "Response.error()"];
  return [r.status, r.headers._flat(), r.bodyUsed ? null : r._rawBody];
}

globalThis.Response = Response;
export { Response };
