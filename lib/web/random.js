// lib/web/random.js — Math.random with per-process seeding. QuickJS seeds its generator once
// per context, so every worker forked from the zygote would repeat the same sequence; this
// xoshiro128** generator is reseeded from OpenSSL after each fork (hooks.reseed).
import { getRandomValues } from "quickrail:web";

const s = new Uint32Array(4);
export function reseed() {
  do getRandomValues(s); while ((s[0] | s[1] | s[2] | s[3]) === 0);
}
reseed();

function next() {
  const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
  const t = s[1] << 9;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return r;
}
function rotl(x, k) { return (x << k) | (x >>> (32 - k)); }

Math.random = function random() {
  // 53 random bits: 27 from one draw, 26 from the next
  return ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
};
