// bench/lib/wrk-summary.mjs — reads the output files of one server's timed wrk runs (each with
// a "WRKJSON {...}" line from wrk.lua), picks the median run by req/s, writes that run's latency
// distribution to DIST/<workload>__<server>.dat (gnuplot data: percentile, ms) and prints the
// result lines (TSV: workload, server, metric, value, unit) for bench/run.sh's results file.
// Exits 1 when no run produced figures or the median run saw HTTP errors (status >= 400).
// Usage: node wrk-summary.mjs WORKLOAD SERVER DIST run1.txt [run2.txt ...]
import fs from "node:fs";
import path from "node:path";

const [w, s, dist, ...files] = process.argv.slice(2);
const runs = [];
for (const f of files) {
  const line = fs.existsSync(f) ? fs.readFileSync(f, "utf8").split("\n").find((l) => l.startsWith("WRKJSON ")) : undefined;
  if (!line) { console.error(`wrk-summary: no figures in ${f}: ${fs.existsSync(f) ? fs.readFileSync(f, "utf8").slice(0, 300) : "missing"}`); continue; }
  const r = JSON.parse(line.slice(8));
  r.rps = r.requests / (r.duration_us / 1e6);
  runs.push(r);
}
if (!runs.length) process.exit(1);
const sorted = [...runs].sort((a, b) => a.rps - b.rps);
const m = sorted[Math.floor((sorted.length - 1) / 2)];
const out = (metric, value, unit = "") => console.log([w, s, metric, value, unit].join("\t"));
const errors = m.err_status + m.err_connect + m.err_read + m.err_write + m.err_timeout;
out("rps", m.rps.toFixed(1), "req/s");
out("p50_ms", (m.p50_us / 1000).toFixed(3), "ms");
out("p90_ms", (m.p90_us / 1000).toFixed(3), "ms");
out("p99_ms", (m.p99_us / 1000).toFixed(3), "ms");
out("max_ms", (m.lat_max_us / 1000).toFixed(3), "ms");
out("runs", runs.map((r) => Math.round(r.rps)).join(" / "));
out("errors", errors ? `${errors} (status ${m.err_status}, timeout ${m.err_timeout}, socket ${m.err_connect + m.err_read + m.err_write})` : "0");
fs.writeFileSync(path.join(dist, `${w}__${s}.dat`), m.dist.map(([p, us]) => `${p} ${(us / 1000).toFixed(4)}`).join("\n") + "\n");
if (m.requests === 0 || m.err_status > m.requests * 0.001) {
  console.error(`wrk-summary: ${w}/${s}: ${m.err_status} HTTP errors in ${m.requests} requests`);
  process.exit(1);
}
