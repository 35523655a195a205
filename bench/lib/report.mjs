// bench/lib/report.mjs — turns the result lines bench/run.sh collected (TSV: workload, server,
// metric, value, unit) into the markdown report: machine description, a summary against the
// targets of issue 8, one table per workload with absolute figures and the ratio to quickrail,
// and the latency-distribution chart (gnuplot, SVG). Prints the markdown on stdout and writes
// it to --md; the chart goes to --svg (the gnuplot data and script are kept beside it in
// --work). Reads only the files it is given; never talks to the network.
// Usage: node report.mjs --tsv results.tsv --machine machine.txt --dist DIR --md OUT.md --svg OUT.svg --work DIR --command "..."
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";

const opt = {};
for (let i = 2; i < process.argv.length; i += 2) opt[process.argv[i].slice(2)] = process.argv[i + 1];

const rows = fs.existsSync(opt.tsv) ? fs.readFileSync(opt.tsv, "utf8").split("\n").filter(Boolean).map((l) => l.split("\t")) : [];
const R = new Map(); // workload -> server -> metric -> value
const notes = [];
const status = []; // [workload, ok|FAILED, reason]
for (const [w, s, m, v] of rows) {
  if (w === "note") { notes.push(v); continue; }
  if (w === "status") { status.push([s, m, v]); continue; }
  if (!R.has(w)) R.set(w, new Map());
  if (!R.get(w).has(s)) R.get(w).set(s, {});
  R.get(w).get(s)[m] = v;
}
const get = (w, s, m) => { const x = R.get(w)?.get(s)?.[m]; return x === undefined || x === "" ? undefined : x; };
const num = (w, s, m) => { const x = Number(get(w, s, m)); return Number.isFinite(x) ? x : undefined; };
const fmt = (x, d = 1) => (x === undefined ? "—" : x >= 1000 && d <= 1 ? Math.round(x).toLocaleString("en-US") : Number(x).toFixed(d));
// quickrail's advantage over a peer: >1 means quickrail is better (more throughput, less time/memory).
const adv = (q, p, higherIsBetter) => (q === undefined || p === undefined || q === 0 || p === 0 ? "—" : `${(higherIsBetter ? q / p : p / q).toFixed(2)}×`);

const out = [];
const md = (s = "") => out.push(s);
const when = new Date();
md(`# quickrail benchmarks — ${when.toISOString().slice(0, 16).replace("T", " ")} UTC`);
md();
if (opt.command) md(`Command: \`${opt.command}\``), md();
if (opt.machine && fs.existsSync(opt.machine)) {
  md("Machine:");
  md();
  for (const l of fs.readFileSync(opt.machine, "utf8").split("\n").filter(Boolean)) md(`- ${l}`);
  md();
}
{
  const loads = notes.map((n) => /^load average before \S+: ([\d.]+)/.exec(n)).filter(Boolean).map((m) => Number(m[1]));
  const machineText = opt.machine && fs.existsSync(opt.machine) ? fs.readFileSync(opt.machine, "utf8") : "";
  const cores = Number(/(\d+) cores/.exec(machineText)?.[1] || 0);
  const worst = loads.length ? Math.max(...loads) : 0;
  if (cores && worst > cores * 1.5) {
    md(`**Warning: the machine was busy with other work during this run (1-minute load average up to ${worst} on ${cores} cores).**`);
    md("Absolute figures are depressed and noisy; ratios between servers measured back to back are more meaningful than the absolute numbers.");
    md();
  }
}
md("Every figure comes from one session on the machine above, servers run one after another");
md("with the same load; load generators run on the same machine (127.0.0.1). \"quickrail ×\" is");
md("quickrail's advantage over that row: >1 means quickrail is better (more req/s, less latency,");
md("less memory, less time), <1 means the peer wins.");
md();

// ---- summary against the targets
const targets = [];
const target = (claim, want, measured, met) => targets.push([claim, want, measured, met === undefined ? "—" : met ? "yes" : "**no**"]);
{
  const q = num("blog", "quickrail", "rps"), n = num("blog", "node", "rps");
  target("blog req/s vs one Node process", "≥ 1.5×", q && n ? `${(q / n).toFixed(2)}× (${fmt(q)} vs ${fmt(n)})` : "not measured", q && n ? q / n >= 1.5 : undefined);
  const rb = num("blog", "quickrail-ruby", "rps");
  target("Ruby blog req/s vs the same blog in JS (issue 11)", "≥ 0.9×", q && rb ? `${(rb / q).toFixed(2)}× (${fmt(rb)} vs ${fmt(q)})` : "not measured", q && rb ? rb / q >= 0.9 : undefined);
  const rr = num("blog", "rails", "rps");
  target("blog req/s vs Rails + Puma (issue 14)", "≥ 5×", rb && rr ? `${(rb / rr).toFixed(2)}× (Ruby blog ${fmt(rb)} vs ${fmt(rr)})` : "not measured", rb && rr ? rb / rr >= 5 : undefined);
  const h = num("hello", "quickrail", "rps"), x = num("hello", "nginx", "rps");
  target("hello world vs nginx static file", "≥ 60%", h && x ? `${((100 * h) / x).toFixed(0)}% (${fmt(h)} vs ${fmt(x)})` : "not measured", h && x ? h / x >= 0.6 : undefined);
  const f = num("fanout-10000", "quickrail", "p99_ms");
  target("10k-subscriber broadcast p99", "< 10 ms", f !== undefined ? `${fmt(f, 2)} ms` : "not measured", f !== undefined ? f < 10 : undefined);
  const c = num("fanout-10000", "quickrail", "kb_per_conn");
  target("memory per idle Action Cable connection", "≤ 4 KB", c !== undefined ? `${fmt(c, 2)} KB` : "not measured", c !== undefined ? c <= 4 : undefined);
  const m = num("memory", "quickrail", "pss_start_mb"), m2 = num("memory", "quickrail", "pss_10k_mb");
  target("supervisor + 4 workers PSS (blog loaded)", "< 25 MB", m !== undefined ? `${fmt(m, 1)} MB after start, ${fmt(m2, 1)} MB after 10k requests` : "not measured", m2 !== undefined ? m2 < 25 && m < 25 : undefined);
  const s = num("coldstart", "quickrail", "median_ms");
  target("cold start to first 200 (blog)", "< 100 ms", s !== undefined ? `${fmt(s, 1)} ms` : "not measured", s !== undefined ? s < 100 : undefined);
  const r50 = num("replacement", "quickrail", "p50_ms"), r99 = num("replacement", "quickrail", "p99_ms");
  target("worker replacement (crash -> new worker ready)", "sub-millisecond", r50 !== undefined ? `p50 ${fmt(r50, 3)} ms, p99 ${fmt(r99, 3)} ms` : "not measured", r50 !== undefined ? r50 < 1 : undefined);
}
md("## Targets (issue 8)");
md();
md("| claim | target | measured | met |");
md("| --- | --- | --- | --- |");
for (const t of targets) md(`| ${t.join(" | ")} |`);
md();

function wrkTable(w, title, servers, desc) {
  if (!R.has(w)) return;
  md(`## ${title}`);
  md();
  if (desc) md(desc), md();
  // PSS (whole process tree, right after the server's last run) and its ratio, for the blog
  const pss = w === "blog";
  md(`| server | req/s | p50 ms | p99 ms | max ms | runs (req/s) | errors |${pss ? " PSS MB |" : ""} quickrail × (req/s) | quickrail × (p99) |${pss ? " quickrail × (PSS) |" : ""}`);
  md(`| --- | ---: | ---: | ---: | ---: | --- | ---: |${pss ? " ---: |" : ""} ---: | ---: |${pss ? " ---: |" : ""}`);
  const q = (m) => num(w, "quickrail", m);
  for (const [s, label] of servers) {
    if (num(w, s, "rps") === undefined) { if (R.get(w).has(s)) md(`| ${label} | failed | | | | | |${pss ? " |" : ""} | |${pss ? " |" : ""}`); continue; }
    const pssCells = pss ? ` ${fmt(num(w, s, "pss_mb"), 1)} |` : "";
    const pssRatio = pss ? ` ${s === "quickrail" ? "1.00×" : adv(q("pss_mb"), num(w, s, "pss_mb"), false)} |` : "";
    md(`| ${label} | ${fmt(num(w, s, "rps"))} | ${fmt(num(w, s, "p50_ms"), 2)} | ${fmt(num(w, s, "p99_ms"), 2)} | ${fmt(num(w, s, "max_ms"), 1)} | ${get(w, s, "runs") ?? "—"} | ${get(w, s, "errors") ?? "—"} |${pssCells} ${s === "quickrail" ? "1.00×" : adv(q("rps"), num(w, s, "rps"), true)} | ${s === "quickrail" ? "1.00×" : adv(q("p99_ms"), num(w, s, "p99_ms"), false)} |${pssRatio}`);
  }
  md();
}
wrkTable("blog", "Blog (examples/blog)", [["quickrail", "quickrail (default workers)"], ["quickrail-ruby", "quickrail, Ruby blog (examples/blog-ruby)"], ["node", "Node host, 1 process"], ["node-cluster", "Node host, node:cluster (1 per core)"], ["rails", "Rails 6.1 + Puma (-w cores -t 5, Ruby blog)"]],
  get("blog", "quickrail", "desc") ?? "");
wrkTable("hello", "Hello world", [["quickrail", "quickrail JS handler"], ["node", "Node http, 1 process"], ["node-cluster", "Node http, node:cluster (1 per core)"], ["nginx", "nginx static file (same size)"]],
  get("hello", "quickrail", "desc") ?? "");

const fanouts = [...R.keys()].filter((w) => w.startsWith("fanout-")).sort((a, b) => Number(a.slice(7)) - Number(b.slice(7)));
if (fanouts.length) {
  md("## Broadcast fan-out (one stream, Action Cable, Turbo Streams frames)");
  md();
  md(get(fanouts[0], "quickrail", "desc") ?? get(fanouts[0], "node-ws", "desc") ?? "");
  md();
  md("| subscribers | server | p50 ms | p99 ms | max ms | delivered | server fan-out p50 / p99 ms | its CPU p50 / p99 ms | KB per idle connection | quickrail × (p99) | quickrail × (KB/conn) |");
  md("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const w of fanouts) {
    for (const [s, label] of [["quickrail", "quickrail"], ["node-ws", "Node ws peer"]]) {
      if (num(w, s, "p50_ms") === undefined) { md(`| ${Number(w.slice(7)).toLocaleString("en-US")} | ${label} | failed | | | | | | | | |`); continue; }
      const isQ = s === "quickrail";
      md(`| ${Number(w.slice(7)).toLocaleString("en-US")} | ${label} | ${fmt(num(w, s, "p50_ms"), 2)} | ${fmt(num(w, s, "p99_ms"), 2)} | ${fmt(num(w, s, "max_ms"), 2)} | ${get(w, s, "delivered_pct") ?? "—"}% | ${fmt(num(w, s, "server_p50_ms"), 2)} / ${fmt(num(w, s, "server_p99_ms"), 2)} | ${fmt(num(w, s, "server_cpu_p50_ms"), 2)} / ${fmt(num(w, s, "server_cpu_p99_ms"), 2)} | ${fmt(num(w, s, "kb_per_conn"), 2)} | ${isQ ? "1.00×" : adv(num(w, "quickrail", "p99_ms"), num(w, s, "p99_ms"), false)} | ${isQ ? "1.00×" : adv(num(w, "quickrail", "kb_per_conn"), num(w, s, "kb_per_conn"), false)} |`);
    }
  }
  md();
}

if (R.has("memory")) {
  md("## Memory (PSS, whole process tree, blog loaded)");
  md();
  md(get("memory", "quickrail", "desc") ?? "");
  md();
  md("| server | after start MB | after 10,000 requests MB | processes (comm:PSS KB) after 10k | quickrail × (after 10k) |");
  md("| --- | ---: | ---: | --- | ---: |");
  for (const [s, label] of [["quickrail", "quickrail (supervisor + zygote + 4 workers)"], ["node", "Node host, 1 process"], ["node-cluster", "Node host, node:cluster (1 per core)"]]) {
    if (!R.get("memory").has(s)) continue;
    md(`| ${label} | ${fmt(num("memory", s, "pss_start_mb"), 1)} | ${fmt(num("memory", s, "pss_10k_mb"), 1)} | ${get("memory", s, "detail_10k") ?? "—"} | ${s === "quickrail" ? "1.00×" : adv(num("memory", "quickrail", "pss_10k_mb"), num("memory", s, "pss_10k_mb"), false)} |`);
  }
  md();
}

if (R.has("coldstart")) {
  md("## Cold start (process start to first 200 on /articles)");
  md();
  md("| server | median ms | min ms | max ms | runs | quickrail × |");
  md("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const [s, label] of [["quickrail", "quickrail"], ["quickrail-ruby", "quickrail, Ruby blog (compiled at boot)"], ["node", "Node host"]]) {
    if (!R.get("coldstart").has(s)) continue;
    md(`| ${label} | ${fmt(num("coldstart", s, "median_ms"), 1)} | ${fmt(num("coldstart", s, "min_ms"), 1)} | ${fmt(num("coldstart", s, "max_ms"), 1)} | ${get("coldstart", s, "runs") ?? "—"} | ${s === "quickrail" ? "1.00×" : adv(num("coldstart", "quickrail", "median_ms"), num("coldstart", s, "median_ms"), false)} |`);
  }
  md();
}

if (R.has("replacement")) {
  md("## Worker replacement (crash detected -> new worker ready)");
  md();
  md(get("replacement", "quickrail", "desc") ?? "");
  md();
  const r = (m, d = 3) => fmt(num("replacement", "quickrail", m), d);
  md("| crashes | replacement p50 ms | p99 ms | max ms | fork -> ready p50 / p99 ms | client: crash -> next 200 p50 / p99 ms | source |");
  md("| ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  md(`| ${get("replacement", "quickrail", "n") ?? "—"} | ${r("p50_ms")} | ${r("p99_ms")} | ${r("max_ms")} | ${r("ready_p50_ms")} / ${r("ready_p99_ms")} | ${r("client_p50_ms")} / ${r("client_p99_ms")} | ${get("replacement", "quickrail", "source") ?? "—"} |`);
  md();
}

if (status.length) {
  md("## Workloads");
  md();
  md("| workload | result | detail |");
  md("| --- | --- | --- |");
  for (const [w, ok, why] of status) md(`| ${w} | ${ok === "ok" ? "ran" : "**FAILED**"} | ${why || ""} |`);
  md();
}
if (notes.length) {
  md("## Notes");
  md();
  for (const n of notes) md(`- ${n}`);
  md();
}

// ---- the component engineers' own scripts (bench/hello, bench/cable), verbatim
if (opt.components && fs.existsSync(opt.components)) {
  const comps = fs.readdirSync(opt.components).filter((f) => /^component-.*\.txt$/.test(f)).sort();
  if (comps.length) {
    md("## Component scripts (for reconciliation)");
    md();
    md("Output of the subsystem owners' own benchmark scripts in the same session (their methods differ in details: warm-up, run length).");
    md();
    for (const f of comps) { md("```"); md(fs.readFileSync(path.join(opt.components, f), "utf8").trimEnd()); md("```"); md(); }
  }
}

// ---- chart
let chartOk = false;
if (opt.dist && opt.svg && fs.existsSync(opt.dist)) {
  const panels = [["blog", "Blog: latency distribution (wrk, median run)"], ["hello", "Hello world: latency distribution"],
    ...fanouts.map((w) => [w, `Fan-out, ${Number(w.slice(7)).toLocaleString("en-US")} subscribers: delivery latency`])];
  const files = fs.readdirSync(opt.dist).filter((f) => f.endsWith(".dat"));
  const present = panels.filter(([w]) => files.some((f) => f.startsWith(`${w}__`)));
  if (present.length) {
    const cols = 2, rowsN = Math.ceil(present.length / cols);
    const g = [`set terminal svg size 1200,${430 * rowsN} dynamic enhanced font 'sans,11' background rgb 'white'`, `set output '${opt.svg}'`,
      `set multiplot layout ${rowsN},${cols}`, "set logscale x", "set logscale y", "set grid", "set key top left",
      "set xlabel 'percentile'", "set ylabel 'latency (ms)'",
      "set xtics ('50' 2, '90' 10, '99' 100, '99.9' 1000, '99.99' 10000)", "set xrange [1:10000]"];
    for (const [w, title] of present) {
      const series = files.filter((f) => f.startsWith(`${w}__`)).sort();
      g.push(`set title '${title}'`);
      g.push("plot " + series.map((f) => `'${path.join(opt.dist, f)}' using (1/(1-$1/100)):2 with linespoints title '${f.slice(w.length + 2, -4)}'`).join(", "));
    }
    g.push("unset multiplot");
    fs.mkdirSync(opt.work, { recursive: true });
    const gp = path.join(opt.work, "latency.gp");
    fs.writeFileSync(gp, g.join("\n") + "\n");
    const r = spawnSync("gnuplot", [gp], { encoding: "utf8" });
    chartOk = r.status === 0 && fs.existsSync(opt.svg);
    if (!chartOk) console.error(`report: gnuplot failed: ${r.error?.message || r.stderr}`);
  }
}
if (chartOk) md(`Chart: [${path.basename(opt.svg)}](${path.basename(opt.svg)}) (latency by percentile, log scales).`), md();

const text = out.join("\n");
if (opt.md) fs.writeFileSync(opt.md, text + "\n");
console.log(text);
process.exit(opt.svg && fs.existsSync(opt.dist || "") && !chartOk && fs.readdirSync(opt.dist).some((f) => f.endsWith(".dat")) ? 2 : 0);
