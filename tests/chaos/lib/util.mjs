// Small helpers shared by the chaos suite: HTTP requests that never throw, a cookie jar,
// percentiles, sleeping, free ports, and reading the process tree from /proc.
// Runs in the Node test process only; talks to 127.0.0.1 only.
import http from "node:http";
import net from "node:net";
import fs from "node:fs";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// One HTTP request to 127.0.0.1:port. Resolves (never rejects) with
// { status, headers, body, t0, t1, error, socketReused }.
export function request(port, { method = "GET", path = "/", headers = {}, body, agent, timeout = 30000 } = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    let done = false;
    const finish = (r) => { if (!done) { done = true; resolve({ t0, t1: performance.now(), ...r }); } };
    const h = { ...headers };
    if (body != null) h["content-length"] = Buffer.byteLength(body);
    const req = http.request({ host: "127.0.0.1", port, method, path, headers: h, agent: agent ?? false });
    req.setTimeout(timeout, () => { req.destroy(new Error("client timeout")); });
    req.on("error", (e) => finish({ status: 0, headers: {}, body: "", error: e.code || e.message }));
    req.on("response", (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("error", (e) => finish({ status: 0, headers: {}, body: "", error: e.code || e.message }));
      res.on("end", () => finish({
        status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8"),
        error: null, socketReused: req.reusedSocket,
      }));
    });
    if (body != null) req.write(body);
    req.end();
  });
}

export class CookieJar {
  constructor() { this.cookies = new Map(); }
  take(res) {
    let sc = res.headers?.["set-cookie"];
    if (!sc) return;
    if (!Array.isArray(sc)) sc = [sc];
    for (const c of sc) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      if (i > 0) this.cookies.set(pair.slice(0, i).trim(), pair.slice(i + 1).trim());
    }
  }
  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "); }
}

export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarize(values) {
  const s = [...values].sort((a, b) => a - b);
  return {
    n: s.length, min: s[0] ?? NaN, p50: percentile(s, 50), p90: percentile(s, 90),
    p99: percentile(s, 99), max: s[s.length - 1] ?? NaN,
  };
}

export const htmlDecode = (s) => s
  .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
  .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(parseInt(d, 10)))
  .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
  .replace(/&amp;/g, "&");

// ---- /proc ----
export function procStat(pid) {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const r = s.slice(s.lastIndexOf(")") + 2).split(" ");
    // fields after comm: state(3) ppid(4) ... utime(14) stime(15) ... rss(24) in pages
    return { pid, state: r[0], ppid: Number(r[1]), pgrp: Number(r[2]), utime: Number(r[11]),
      stime: Number(r[12]), rssPages: Number(r[21]) };
  } catch { return null; }
}

export function allPids() {
  return fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d)).map(Number);
}

// Every live descendant of root (not root itself), with /proc stat info, excluding zombies.
export function descendants(root) {
  const stats = allPids().map(procStat).filter(Boolean);
  const kids = new Map();
  for (const s of stats) {
    if (!kids.has(s.ppid)) kids.set(s.ppid, []);
    kids.get(s.ppid).push(s);
  }
  const out = [];
  const walk = (p, depth) => {
    for (const k of kids.get(p) || []) {
      if (k.state === "Z") continue;
      out.push({ ...k, depth });
      walk(k.pid, depth + 1);
    }
  };
  walk(root, 1);
  return out;
}

export function rssKb(pid) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/status`, "utf8").match(/VmRSS:\s+(\d+)/);
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}

export function pssKb(pid) {
  try {
    const m = fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8").match(/Pss:\s+(\d+)/);
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}

export function alive(pid) {
  const s = procStat(pid);
  return !!s && s.state !== "Z";
}

export function fmtMs(v, digits = 2) {
  if (v == null || Number.isNaN(v)) return "-";
  return Number(v).toFixed(digits);
}
