// lib/web/formdata.js — FormData, and the multipart/form-data parser and serializer used by
// Request/Response bodies (formData(), new Response(formData)).
import { utf8Decode, utf8Encode, getRandomValues } from "quickrail:web";
import { Blob, File, concatBytes } from "./blob.js";

function toEntryValue(value, filename) {
  if (value instanceof Blob) {
    if (!(value instanceof File) || filename !== undefined) {
      return new File([value], filename !== undefined ? String(filename) : value instanceof File ? value.name : "blob",
        { type: value.type, lastModified: value instanceof File ? value.lastModified : undefined });
    }
    return value;
  }
  return String(value);
}

class FormData {
  #list = [];
  constructor(form) {
    if (form !== undefined) throw new TypeError("FormData: constructing from a form element is not supported here");
  }
  append(name, value, filename) { this.#list.push([String(name), toEntryValue(value, filename)]); }
  set(name, value, filename) {
    name = String(name);
    const entry = [name, toEntryValue(value, filename)];
    const i = this.#list.findIndex((e) => e[0] === name);
    if (i === -1) this.#list.push(entry);
    else this.#list = this.#list.filter((e, j) => e[0] !== name || j === i).map((e, j) => (e[0] === name ? entry : e));
  }
  get(name) { name = String(name); const e = this.#list.find((e) => e[0] === name); return e ? e[1] : null; }
  getAll(name) { name = String(name); return this.#list.filter((e) => e[0] === name).map((e) => e[1]); }
  has(name) { name = String(name); return this.#list.some((e) => e[0] === name); }
  delete(name) { name = String(name); this.#list = this.#list.filter((e) => e[0] !== name); }
  *entries() { for (const e of this.#list) yield [e[0], e[1]]; }
  *keys() { for (const e of this.#list) yield e[0]; }
  *values() { for (const e of this.#list) yield e[1]; }
  forEach(fn, thisArg) { for (const [k, v] of this.#list) fn.call(thisArg, v, k, this); }
  [Symbol.iterator]() { return this.entries(); }
  get [Symbol.toStringTag]() { return "FormData"; }
}

const enc = (s) => new Uint8Array(utf8Encode(s));
const escName = (s) => s.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22");

// -> { bytes: Uint8Array, contentType }
export function serializeMultipart(form) {
  const rnd = getRandomValues(new Uint8Array(12));
  let boundary = "----quickrailFormBoundary";
  for (const b of rnd) boundary += (b % 36).toString(36);
  const chunks = [];
  for (const [name, value] of form) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escName(name)}"`;
    if (typeof value === "string") {
      chunks.push(enc(head + "\r\n\r\n" + value.replace(/\r(?!\n)|(?<!\r)\n/g, "\r\n") + "\r\n"));
    } else {
      head += `; filename="${escName(value.name)}"\r\nContent-Type: ${value.type || "application/octet-stream"}\r\n\r\n`;
      chunks.push(enc(head), value._bytes, enc("\r\n"));
    }
  }
  chunks.push(enc(`--${boundary}--\r\n`));
  return { bytes: concatBytes(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

function indexOf(hay, needle, from) {
  const first = needle[0], n = needle.length, end = hay.length - n;
  outer: for (let i = from; i <= end; i++) {
    i = hay.indexOf(first, i);
    if (i === -1 || i > end) return -1;
    for (let j = 1; j < n; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function headerParam(header, key) {
  // name="value" (quoted, with \" escapes) or name=token
  const re = new RegExp(`(?:^|;)\\s*${key}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, "i");
  const m = re.exec(header);
  if (!m) return undefined;
  return m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1").replace(/%22/g, '"').replace(/%0D/g, "\r").replace(/%0A/g, "\n") : m[2];
}

export function boundaryOf(contentType) {
  const b = headerParam(contentType.replace(/^[^;]*/, ""), "boundary");
  return b || null;
}

// Parses a multipart/form-data body (Uint8Array) into a FormData.
export function parseMultipart(bytes, boundary) {
  const form = new FormData();
  const delim = enc("--" + boundary);
  let pos = indexOf(bytes, delim, 0);
  if (pos === -1) throw new TypeError("multipart body has no boundary line");
  const CRLFCRLF = enc("\r\n\r\n");
  const next = enc("\r\n--" + boundary);
  for (;;) {
    pos += delim.length;
    if (bytes[pos] === 45 && bytes[pos + 1] === 45) break; // "--": the end
    // skip transport padding and the CRLF after the boundary
    while (bytes[pos] === 32 || bytes[pos] === 9) pos++;
    if (bytes[pos] === 13 && bytes[pos + 1] === 10) pos += 2;
    const headEnd = indexOf(bytes, CRLFCRLF, pos);
    if (headEnd === -1) throw new TypeError("multipart part without a header end");
    const head = utf8Decode(bytes.subarray(pos, headEnd), false, true);
    const bodyStart = headEnd + 4;
    const end = indexOf(bytes, next, bodyStart - 2 >= pos ? bodyStart : pos);
    if (end === -1) throw new TypeError("multipart body is truncated");
    const body = bytes.subarray(bodyStart, end);
    let disposition = "", type = "";
    for (const line of head.split("\r\n")) {
      const c = line.indexOf(":");
      if (c === -1) continue;
      const k = line.slice(0, c).trim().toLowerCase(), v = line.slice(c + 1).trim();
      if (k === "content-disposition") disposition = v;
      else if (k === "content-type") type = v;
    }
    const name = headerParam(disposition, "name");
    if (name !== undefined) {
      const filename = headerParam(disposition, "filename");
      if (filename !== undefined) form.append(name, new File([body], filename, { type: type || "application/octet-stream" }));
      else form.append(name, utf8Decode(body, false, true));
    }
    pos = end + 2;
  }
  return form;
}

globalThis.FormData = FormData;
export { FormData };
