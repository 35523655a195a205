// cli/db.js — database tasks: db:create, db:migrate [VERSION=n], db:rollback [STEP=n],
// db:seed, db:prepare (create + migrate + seed when the database is new; else migrate),
// db:migrate:status, db:version. Run from the app folder: `quickrail db:prepare`.
import { argv, appDir, exists, loadModels, exit, fail, mkdirp } from "./common.js";
// The framework through its public name, so the task shares one module instance with the
// app's files (which import "quickrail") wherever the runtime reads lib/ from.
import { connection, databaseConfig, closeConnection, Migrator, findFile } from "quickrail";
import * as host from "../host.js";

const log = (s) => console.log(s);

function create() {
  const cfg = databaseConfig();
  if (cfg.adapter === "sqlite") {
    const dir = cfg.file.slice(0, cfg.file.lastIndexOf("/"));
    if (dir && !exists(dir)) mkdirp(dir);
    const existed = exists(cfg.file);
    connection().tables(); // opens (and so creates) the file
    return existed;
  }
  const db = connection();
  return db.createDatabase ? !db.createDatabase() : true;
}
async function seed() {
  const file = findFile(appDir(), "db/seeds"); // seeds.rb, else seeds.js
  if (!file) { log("db/seeds.rb (or db/seeds.js) not found, nothing to seed"); return; }
  await loadModels();
  const mod = await import(file);
  if (typeof mod.default === "function") await mod.default();
  log("Seeded the database from " + file.slice(appDir().length + 1));
}
function option(name, args) {
  for (const a of args) { const m = new RegExp("^" + name + "=(.*)$").exec(a); if (m) return m[1]; }
  return host.env()[name];
}

export async function run(args) {
  const task = args.find((a) => /^db:/.test(a)) || "db:migrate";
  const m = new Migrator();
  switch (task) {
    case "db:create": {
      const existed = create();
      log(existed ? "Database '" + describe() + "' already exists" : "Created database '" + describe() + "'");
      break;
    }
    case "db:migrate": create(); await m.migrate(log, option("VERSION", args)); break;
    case "db:rollback": await m.rollback(Number(option("STEP", args) || 1), log); break;
    case "db:seed": await seed(); break;
    case "db:prepare": {
      const cfg = databaseConfig();
      let fresh = cfg.adapter === "sqlite" ? !exists(cfg.file) : false;
      const existed = create();
      if (cfg.adapter !== "sqlite") fresh = !existed;
      const hadSchema = !fresh && connection().tableExists("schema_migrations");
      await m.migrate(log);
      if (fresh || !hadSchema) await seed();
      log("Database '" + describe() + "' is ready");
      break;
    }
    case "db:migrate:status": {
      log("\ndatabase: " + describe() + "\n\n Status   Migration ID    Migration Name\n--------------------------------------------------");
      for (const s of m.status()) log("   " + s.status.padEnd(6) + " " + s.version.padEnd(15) + " " + s.name);
      break;
    }
    case "db:version": { const a = m.applied(); log("Current version: " + (a.length ? a[a.length - 1] : 0)); break; }
    default:
      throw new Error("unknown task " + task + " (known: db:create db:migrate db:rollback db:seed db:prepare db:migrate:status db:version)");
  }
  closeConnection();
}
function describe() { const c = databaseConfig(); return c.adapter === "sqlite" ? c.file.replace(appDir() + "/", "") : c.url.replace(/:[^:@/]*@/, ":***@"); }

run(argv()).then(() => exit(0), fail);
