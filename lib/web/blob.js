// lib/web/blob.js — Blob and File (in-memory, enough for multipart form data and Response
// bodies): parts are concatenated into one Uint8Array at construction.
import { utf8Encode, utf8Decode } from "quickrail:web";

export function toBytes(part) {
  if (part instanceof Uint8Array) return part;
  if (part instanceof ArrayBuffer) return new Uint8Array(part);
  if (ArrayBuffer.isView(part)) return new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
  if (part instanceof Blob) return part._bytes;
  return new Uint8Array(utf8Encode(String(part)));
}

// Joins byte chunks; a single chunk is returned as is (not copied).
export function concatBytes(chunks) {
  if (chunks.length === 1) return chunks[0];
  let n = 0;
  for (const c of chunks) n += c.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

class Blob {
  #bytes; #type;
  constructor(parts = [], options = {}) {
    if (parts === null || typeof parts !== "object" || typeof parts[Symbol.iterator] !== "function") {
      throw new TypeError("Blob: the parts must be an iterable");
    }
    const chunks = [...parts].map(toBytes);
    this.#bytes = chunks.length === 1 ? chunks[0].slice() : concatBytes(chunks);
    const t = options.type === undefined ? "" : String(options.type);
    this.#type = /[^\u0020-\u007e]/.test(t) ? "" : t.toLowerCase();
  }
  get size() { return this.#bytes.length; }
  get type() { return this.#type; }
  get _bytes() { return this.#bytes; }
  async text() { return utf8Decode(this.#bytes, false, false); }
  async arrayBuffer() { return this.#bytes.slice().buffer; }
  async bytes() { return this.#bytes.slice(); }
  slice(start = 0, end = this.size, type = "") {
    const n = this.size;
    const rel = (x) => (x < 0 ? Math.max(n + x, 0) : Math.min(x, n));
    return new Blob([this.#bytes.subarray(rel(start), Math.max(rel(start), rel(end)))], { type });
  }
  get [Symbol.toStringTag]() { return "Blob"; }
}

class File extends Blob {
  #name; #lastModified;
  constructor(parts, name, options = {}) {
    super(parts, options);
    if (name === undefined) throw new TypeError("File: a name is required");
    this.#name = String(name);
    this.#lastModified = options.lastModified === undefined ? Date.now() : Number(options.lastModified);
  }
  get name() { return this.#name; }
  get lastModified() { return this.#lastModified; }
  get webkitRelativePath() { return ""; }
  get [Symbol.toStringTag]() { return "File"; }
}

globalThis.Blob = Blob;
globalThis.File = File;
export { Blob, File };
