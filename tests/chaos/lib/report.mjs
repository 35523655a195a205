// Reading what the server reports (the stats endpoint) and printing what the suite measured:
// one table row per fault type, the replacement-latency distribution, and the storm and crash
// results. Plain text, fixed-width, also written to test-artifacts/chaos/.
import { summarize, fmtMs } from "./util.mjs";

// Worker replacement latency samples (in ms) from the stats endpoint, whatever the unit
// of the field: *_ns, *_us, *_ms keys (arrays of numbers), searched anywhere in the object.
export function replacementSamples(stats) {
  const out = { samplesMs: [], key: null, total: null };
  const visit = (o, prefix) => {
    if (!o || typeof o !== "object") return;
    for (const [k, v] of Object.entries(o)) {
      const name = prefix ? `${prefix}.${k}` : k;
      if (Array.isArray(v) && v.length && v.every((x) => typeof x === "number") && /(replace|respawn|restart|spare).*|latency/i.test(name)) {
        if (out.key) continue;
        const unit = /_ns\b|ns$/i.test(k) ? 1e-6 : /_us\b|us$|usec/i.test(k) ? 1e-3 : 1;
        out.key = name;
        out.samplesMs = v.map((x) => x * unit);
      } else if (v && typeof v === "object" && !Array.isArray(v)) visit(v, name);
    }
  };
  visit(stats, "");
  return out;
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
