// bench/lib/json-record.mjs — copies chosen fields of a "TAG {...}" JSON line (as printed by
// coldstart.mjs or crashes.mjs) into result lines (TSV: workload, server, metric, value).
// Exits 1 when the line is missing.
// Usage: node json-record.mjs WORKLOAD SERVER TAG field1,field2 FILE
import fs from "node:fs";

const [w, s, tag, fields, file] = process.argv.slice(2);
const line = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n").find((l) => l.startsWith(`${tag} `)) : undefined;
if (!line) { console.error(`json-record: no ${tag} line in ${file}`); process.exit(1); }
const r = JSON.parse(line.slice(tag.length + 1));
for (const f of fields.split(",")) if (r[f] !== undefined && r[f] !== null) console.log([w, s, f, r[f]].join("\t"));
