// lib/web/crypto.js — crypto.getRandomValues, crypto.randomUUID and the part of crypto.subtle
// quickrail supports: digest (SHA-1/256/384/512) and HMAC keys (importKey raw/jwk, generateKey,
// exportKey, sign, verify). The bytes are handled by OpenSSL in js_web.c.
import { getRandomValues, randomUUID, digest, hmac, timingSafeEqual, bytesToBase64, base64ToBytes } from "quickrail:web";

const INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  globalThis.BigInt64Array, globalThis.BigUint64Array].filter(Boolean);

function bufferSource(data, what) {
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return data;
  throw new TypeError(`${what}: expected an ArrayBuffer or ArrayBufferView`);
}

function hashName(h) {
  const name = typeof h === "string" ? h : h && h.name;
  const n = String(name).toUpperCase();
  if (!["SHA-1", "SHA-256", "SHA-384", "SHA-512"].includes(n)) {
    throw new DOMException(`Unrecognized hash algorithm: ${name}`, "NotSupportedError");
  }
  return n;
}
const BLOCK = { "SHA-1": 512, "SHA-256": 512, "SHA-384": 1024, "SHA-512": 1024 };

class CryptoKey {
  #raw;
  constructor(raw, algorithm, extractable, usages) {
    this.#raw = raw;
    Object.defineProperties(this, {
      type: { value: "secret", enumerable: true },
      algorithm: { value: algorithm, enumerable: true },
      extractable: { value: !!extractable, enumerable: true },
      usages: { value: [...usages], enumerable: true },
    });
  }
  static _raw(key) { return key.#raw; }
  get [Symbol.toStringTag]() { return "CryptoKey"; }
}

function algoName(a) { return String(typeof a === "string" ? a : a && a.name).toUpperCase(); }

function hmacKey(key, usage) {
  if (!(key instanceof CryptoKey)) throw new TypeError("expected a CryptoKey");
  if (key.algorithm.name !== "HMAC") throw new DOMException("key is not an HMAC key", "InvalidAccessError");
  if (!key.usages.includes(usage)) throw new DOMException(`key does not allow "${usage}"`, "InvalidAccessError");
  return CryptoKey._raw(key);
}

const subtle = {
  async digest(algorithm, data) {
    return digest(hashName(algorithm), bufferSource(data, "digest"));
  },
  async importKey(format, keyData, algorithm, extractable, usages) {
    if (algoName(algorithm) !== "HMAC") throw new DOMException(`importKey: unsupported algorithm ${algoName(algorithm)}`, "NotSupportedError");
    const hash = hashName(algorithm.hash);
    let raw;
    if (format === "raw") raw = new Uint8Array(bufferSource(keyData, "importKey").slice ? keyData.slice(0) : keyData);
    else if (format === "jwk") {
      if (!keyData || keyData.kty !== "oct" || typeof keyData.k !== "string") throw new DataError("importKey: bad JWK");
      raw = new Uint8Array(base64ToBytes(keyData.k, true));
    } else throw new DOMException(`importKey: unsupported format ${format}`, "NotSupportedError");
    if (ArrayBuffer.isView(raw) && !(raw instanceof Uint8Array)) raw = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
    raw = new Uint8Array(raw);
    const length = algorithm.length !== undefined ? Number(algorithm.length) : raw.length * 8;
    return new CryptoKey(raw, { name: "HMAC", hash: { name: hash }, length }, extractable, usages);
  },
  async generateKey(algorithm, extractable, usages) {
    if (algoName(algorithm) !== "HMAC") throw new DOMException(`generateKey: unsupported algorithm ${algoName(algorithm)}`, "NotSupportedError");
    const hash = hashName(algorithm.hash);
    const length = algorithm.length !== undefined ? Number(algorithm.length) : BLOCK[hash];
    const raw = getRandomValues(new Uint8Array(Math.ceil(length / 8)));
    return new CryptoKey(raw, { name: "HMAC", hash: { name: hash }, length }, extractable, usages);
  },
  async exportKey(format, key) {
    if (!key.extractable) throw new DOMException("key is not extractable", "InvalidAccessError");
    const raw = CryptoKey._raw(key);
    if (format === "raw") return raw.slice().buffer;
    if (format === "jwk") {
      return { kty: "oct", k: bytesToBase64(raw, true), alg: "HS" + key.algorithm.hash.name.slice(4),
        ext: true, key_ops: key.usages.slice() };
    }
    throw new DOMException(`exportKey: unsupported format ${format}`, "NotSupportedError");
  },
  async sign(algorithm, key, data) {
    if (algoName(algorithm) !== "HMAC") throw new DOMException(`sign: unsupported algorithm ${algoName(algorithm)}`, "NotSupportedError");
    return hmac(key.algorithm.hash.name, hmacKey(key, "sign"), bufferSource(data, "sign"));
  },
  async verify(algorithm, key, signature, data) {
    if (algoName(algorithm) !== "HMAC") throw new DOMException(`verify: unsupported algorithm ${algoName(algorithm)}`, "NotSupportedError");
    const mac = hmac(key.algorithm.hash.name, hmacKey(key, "verify"), bufferSource(data, "verify"));
    return timingSafeEqual(mac, bufferSource(signature, "verify"));
  },
};

function DataError(msg) { return new DOMException(msg, "DataError"); }

const crypto = {
  getRandomValues(view) {
    if (!INTEGER_ARRAYS.some((T) => view instanceof T)) {
      throw new DOMException("getRandomValues: expected an integer TypedArray", "TypeMismatchError");
    }
    if (view.byteLength > 65536) {
      throw new DOMException(`getRandomValues: the view's byte length (${view.byteLength}) exceeds 65536`, "QuotaExceededError");
    }
    return getRandomValues(view);
  },
  randomUUID() { return randomUUID(); },
  subtle,
};

globalThis.crypto = crypto;
globalThis.CryptoKey = CryptoKey;
