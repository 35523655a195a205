// lib/web/body.js — the body shared by Request and Response: what a body init becomes
// (extractBody) and the readers text/json/arrayBuffer/bytes/blob/formData. A body is kept as
// the string or bytes it arrived as and converted only when read, once.
import { utf8Encode, utf8Decode } from "quickrail:web";
import { Blob } from "./blob.js";
import { FormData, serializeMultipart, parseMultipart, boundaryOf } from "./formdata.js";
import { parseForm } from "./url.js";

// -> { body: string | Uint8Array | null, type: default content-type or null }
export function extractBody(init) {
  if (init === null || init === undefined) return { body: null, type: null };
  if (typeof init === "string") return { body: init, type: "text/plain;charset=UTF-8" };
  if (init instanceof Uint8Array) return { body: init, type: null };
  if (init instanceof ArrayBuffer) return { body: new Uint8Array(init), type: null };
  if (ArrayBuffer.isView(init)) return { body: new Uint8Array(init.buffer, init.byteOffset, init.byteLength), type: null };
  if (init instanceof URLSearchParams) return { body: init.toString(), type: "application/x-www-form-urlencoded;charset=UTF-8" };
  if (init instanceof FormData) {
    const { bytes, contentType } = serializeMultipart(init);
    return { body: bytes, type: contentType };
  }
  if (init instanceof Blob) return { body: init._bytes, type: init.type || null };
  if (typeof init === "object" && typeof init.getReader === "function") {
    throw new TypeError("ReadableStream bodies are not supported by quickrail yet; pass a string or bytes");
  }
  return { body: String(init), type: "text/plain;charset=UTF-8" };
}

export class Body {
  #body; #used = false;
  constructor(body) { this.#body = body; }
  _setBody(body) { this.#body = body; }
  get _rawBody() { return this.#body; }
  get bodyUsed() { return this.#used; }
  get body() {
    // A minimal stand-in for ReadableStream: null when there is no body.
    if (this.#body === null) return null;
    const self = this;
    return { locked: false, getReader() {
      let done = false;
      return { async read() {
        if (done) return { done: true, value: undefined };
        done = true;
        return { done: false, value: await self.bytes() };
      }, releaseLock() {}, cancel() {} };
    } };
  }
  #take() {
    if (this.#used) throw new TypeError("Body has already been consumed");
    if (this.#body !== null) this.#used = true;
    return this.#body;
  }
  _textSync() {
    const b = this.#take();
    if (b === null) return "";
    return typeof b === "string" ? b : utf8Decode(b, false, false);
  }
  _bytesSync() {
    const b = this.#take();
    if (b === null) return new Uint8Array(0);
    return typeof b === "string" ? new Uint8Array(utf8Encode(b)) : b.slice();
  }
  async text() { return this._textSync(); }
  async json() { return JSON.parse(this._textSync()); }
  async arrayBuffer() { return this._bytesSync().buffer; }
  async bytes() { return this._bytesSync(); }
  async blob() {
    const type = this.headers.get("content-type") || "";
    return new Blob([this._bytesSync()], { type });
  }
  async formData() {
    const type = this.headers.get("content-type") || "";
    const mime = type.split(";")[0].trim().toLowerCase();
    if (mime === "application/x-www-form-urlencoded") {
      const form = new FormData();
      for (const [k, v] of parseForm(this._textSync())) form.append(k, v);
      return form;
    }
    if (mime === "multipart/form-data") {
      const boundary = boundaryOf(type);
      if (!boundary) throw new TypeError("multipart/form-data without a boundary");
      const b = this.#take();
      const bytes = b === null ? new Uint8Array(0) : typeof b === "string" ? new Uint8Array(utf8Encode(b)) : b;
      return parseMultipart(bytes, boundary);
    }
    throw new TypeError(`formData(): unsupported content-type "${type}"`);
  }
}
