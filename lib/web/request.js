// lib/web/request.js — Request. The host builds one per HTTP request through Request._fromHost
// (no parsing of JS source per request; the body arrives as one ArrayBuffer, not copied again).
import { Body, extractBody } from "./body.js";

const HOST = Symbol("host");
const METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH"]);

class Request extends Body {
  #method; #url; #headers; #signal = null; #init; #remote = "";

  constructor(input, init = {}) {
    if (input === HOST) {
      super(init.body);
      this.#method = init.method;
      this.#url = init.url;
      this.#headers = init.headers;
      this.#remote = init.remote;
      this.#init = {};
      return;
    }
    let src = null;
    if (input instanceof Request) src = input;
    const url = src ? src.url : new URL(String(input), globalThis.location?.href).href;
    let method = init.method !== undefined ? String(init.method) : src ? src.method : "GET";
    if (METHODS.has(method.toUpperCase())) method = method.toUpperCase();
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(method)) throw new TypeError(`Request: invalid method "${method}"`);
    const headers = new Headers(init.headers !== undefined ? init.headers : src ? src.headers : undefined);
    let body = null;
    if (init.body !== undefined && init.body !== null) {
      if (method === "GET" || method === "HEAD") throw new TypeError("Request with GET/HEAD method cannot have body");
      const ex = extractBody(init.body);
      body = ex.body;
      if (ex.type && !headers.has("content-type")) headers.set("content-type", ex.type);
    } else if (src && init.body === undefined) {
      body = src._rawBody;
    }
    super(body);
    this.#method = method;
    this.#url = url;
    this.#headers = headers;
    this.#signal = init.signal || (src ? src.signal : null);
    this.#remote = src ? src.#remote : "";
    this.#init = { redirect: init.redirect || (src ? src.redirect : "follow"), credentials: init.credentials || "same-origin",
      mode: init.mode || "cors", cache: init.cache || "default", referrer: init.referrer ?? "about:client",
      keepalive: !!init.keepalive, integrity: init.integrity || "" };
  }

  static _fromHost(method, url, flatHeaders, body, remote) {
    return new Request(HOST, { method, url, headers: Headers._fromFlat(flatHeaders),
      body: body === null ? null : new Uint8Array(body), remote });
  }

  get method() { return this.#method; }
  get url() { return this.#url; }
  get headers() { return this.#headers; }
  get signal() { return this.#signal || (this.#signal = new AbortController().signal); }
  get redirect() { return this.#init.redirect || "follow"; }
  get credentials() { return this.#init.credentials || "same-origin"; }
  get mode() { return this.#init.mode || "cors"; }
  get cache() { return this.#init.cache || "default"; }
  get referrer() { return this.#init.referrer || "about:client"; }
  get keepalive() { return !!this.#init.keepalive; }
  get integrity() { return this.#init.integrity || ""; }
  get destination() { return ""; }
  // quickrail extension: the peer address of the connection ("" when not from a socket)
  get remoteAddr() { return this.#remote; }
  clone() {
    if (this.bodyUsed) throw new TypeError("Request.clone: body has already been consumed");
    return new Request(this);
  }
  get [Symbol.toStringTag]() { return "Request"; }
}

globalThis.Request = Request;
export { Request };
