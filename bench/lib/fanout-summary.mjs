// bench/lib/fanout-summary.mjs — turns fanout.mjs's "FANOUTJSON {...}" line into result lines
// (TSV) and the latency distribution DIST/<workload>__<server>.dat. Prints nothing for a failed
// run (the failure is reported by bench/run.sh).
// Usage: node fanout-summary.mjs WORKLOAD SERVER DIST fanout-output.json
import fs from "node:fs";
import path from "node:path";

const [w, s, dist, file] = process.argv.slice(2);
const line = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").find((l) => l.startsWith("FANOUTJSON ")) : undefined;
if (!line) process.exit(0);
const r = JSON.parse(line.slice(11));
if (r.error || !r.received) process.exit(0);
const out = (metric, value, unit = "") => console.log([w, s, metric, value, unit].join("\t"));
out("p50_ms", r.p50_ms, "ms");
out("p99_ms", r.p99_ms, "ms");
out("max_ms", r.max_ms, "ms");
out("delivered_pct", r.delivered_pct, "%");
out("kb_per_conn", r.kb_per_conn, "KB");
out("pss_before_mb", (r.pss_before_kb / 1024).toFixed(2), "MB");
out("pss_idle_mb", (r.pss_idle_kb / 1024).toFixed(2), "MB");
out("broadcasts", r.broadcasts);
fs.writeFileSync(path.join(dist, `${w}__${s}.dat`), r.dist.map(([p, ms]) => `${p} ${ms}`).join("\n") + "\n");
