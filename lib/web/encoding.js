// lib/web/encoding.js — TextEncoder / TextDecoder (UTF-8 only) and atob / btoa, over the
// native UTF-8 and base64 code of js_web.c.
import { utf8Encode, utf8Decode, atob, btoa } from "quickrail:web";

class TextEncoder {
  get encoding() { return "utf-8"; }
  encode(input = "") { return new Uint8Array(utf8Encode(String(input))); }
  encodeInto(input, dest) {
    const bytes = this.encode(input);
    // write only whole characters
    let n = Math.min(bytes.length, dest.length);
    if (n < bytes.length) while (n > 0 && (bytes[n] & 0xc0) === 0x80) n--;
    dest.set(bytes.subarray(0, n));
    let read = 0;
    const s = String(input);
    for (let bytesSeen = 0; read < s.length; ) {
      const cp = s.codePointAt(read);
      const len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (bytesSeen + len > n) break;
      bytesSeen += len;
      read += cp > 0xffff ? 2 : 1;
    }
    return { read, written: n };
  }
}

const UTF8_LABELS = new Set(["utf-8", "utf8", "unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "x-unicode20utf8"]);

class TextDecoder {
  #fatal; #ignoreBOM;
  constructor(label = "utf-8", options = {}) {
    const l = String(label).trim().toLowerCase();
    if (!UTF8_LABELS.has(l)) throw new RangeError(`TextDecoder: the encoding "${label}" is not supported (only utf-8)`);
    this.#fatal = !!options.fatal;
    this.#ignoreBOM = !!options.ignoreBOM;
  }
  get encoding() { return "utf-8"; }
  get fatal() { return this.#fatal; }
  get ignoreBOM() { return this.#ignoreBOM; }
  decode(input, options) {
    if (input === undefined) return "";
    return utf8Decode(input, this.#fatal, this.#ignoreBOM);
  }
}

globalThis.TextEncoder = TextEncoder;
globalThis.TextDecoder = TextDecoder;
const invalidChar = (e) => new DOMException(e.message, "InvalidCharacterError");
globalThis.atob = (s) => { try { return atob(String(s)); } catch (e) { throw invalidChar(e); } };
globalThis.btoa = (s) => { try { return btoa(String(s)); } catch (e) { throw invalidChar(e); } };
