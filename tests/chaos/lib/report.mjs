// Reading what the server reports (the stats endpoint) and printing what the suite measured:
// one table row per fault type, the replacement-latency distribution, and the storm and crash
// results. Plain text, fixed-width, also written to test-artifacts/chaos/.
import { summarize, fmtMs } from "./util.mjs";

// Worker replacement latency from the stats endpoint (ms). quickrail reports
// "replacement_ns": {count, p50, p99, max, last} (and possibly raw "samples"); the suite also
// collects one sample per replacement by reading `last` whenever `count` grew by one.
export function replacementStats(stats) {
  const r = stats?.replacement_ns;
  if (!r || typeof r !== "object") return null;
  const ms = (v) => (typeof v === "number" ? v / 1e6 : null);
  return { count: r.count ?? 0, p50: ms(r.p50), p99: ms(r.p99), max: ms(r.max), last: ms(r.last),
    samples: Array.isArray(r.samples) ? r.samples.map((v) => v / 1e6) : null };
}

export class ReplacementSampler {
  constructor() { this.count = null; this.samplesMs = []; this.skipped = 0; }
  note(stats) {
    const r = replacementStats(stats);
    if (!r) return;
    if (this.count != null && r.count > this.count) {
      if (r.last != null) this.samplesMs.push(r.last);
      this.skipped += r.count - this.count - 1;
    }
    this.count = r.count;
  }
}

export function restartCount(stats) {
  if (!stats) return null;
  const cands = [stats.restarts, stats.supervisor?.restarts, stats.pool?.restarts, stats.workers_restarted, stats.worker_restarts];
  for (const c of cands) if (typeof c === "number") return c;
  if (stats.restarts && typeof stats.restarts === "object") {
    const t = stats.restarts.total ?? stats.restarts.count;
    if (typeof t === "number") return t;
  }
  return null;
}

export function table(headers, rows) {
  const w = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? "").length)));
  const line = (cells) => "| " + cells.map((c, i) => String(c ?? "").padEnd(w[i])).join(" | ") + " |";
  return [line(headers), "|" + w.map((x) => "-".repeat(x + 2)).join("|") + "|", ...rows.map(line)].join("\n");
}

export function histogram(samplesMs, edges = [0.1, 0.25, 0.5, 1, 2, 5, 10, 50]) {
  if (!samplesMs.length) return "(no samples)";
  const counts = new Array(edges.length + 1).fill(0);
  for (const s of samplesMs) {
    let i = edges.findIndex((e) => s < e);
    if (i < 0) i = edges.length;
    counts[i]++;
  }
  const max = Math.max(...counts);
  return counts.map((c, i) => {
    const lo = i === 0 ? 0 : edges[i - 1];
    const label = i === edges.length ? `>= ${lo} ms` : `${lo}-${edges[i]} ms`;
    return `  ${label.padEnd(14)} ${String(c).padStart(6)}  ${"#".repeat(Math.round((40 * c) / max))}`;
  }).join("\n");
}

export function distLine(samplesMs) {
  const s = summarize(samplesMs);
  return `n=${s.n} min=${fmtMs(s.min, 3)} p50=${fmtMs(s.p50, 3)} p90=${fmtMs(s.p90, 3)} p99=${fmtMs(s.p99, 3)} max=${fmtMs(s.max, 3)} ms`;
}
