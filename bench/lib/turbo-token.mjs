// bench/lib/turbo-token.mjs — Turbo signed stream names as turbo-rails makes them, so the
// benchmark clients can subscribe without asking the server: key = PBKDF2-HMAC-SHA256(
// SECRET_KEY_BASE, "turbo/signed_stream_verifier_key", 1000, 64); token = strict Base64 of the
// JSON-encoded name + "--" + hex HMAC-SHA256(key, base64 text). Pure; used by the fan-out
// client and the Node ws peer (which verifies with it).
import crypto from "node:crypto";

export function streamKey(secretKeyBase) {
  return crypto.pbkdf2Sync(secretKeyBase, "turbo/signed_stream_verifier_key", 1000, 64, "sha256");
}

export function signStreamName(key, name) {
  const data = Buffer.from(JSON.stringify(name)).toString("base64");
  const digest = crypto.createHmac("sha256", key).update(data).digest("hex");
  return `${data}--${digest}`;
}

// Returns the stream name, or null when the token is malformed or forged.
export function verifyStreamName(key, token) {
  const i = typeof token === "string" ? token.lastIndexOf("--") : -1;
  if (i <= 0) return null;
  const data = token.slice(0, i);
  const digest = Buffer.from(token.slice(i + 2), "utf8");
  const want = Buffer.from(crypto.createHmac("sha256", key).update(data).digest("hex"), "utf8");
  if (digest.length !== want.length || !crypto.timingSafeEqual(digest, want)) return null;
  try {
    const name = JSON.parse(Buffer.from(data, "base64").toString("utf8"));
    return typeof name === "string" ? name : null;
  } catch {
    return null;
  }
}
