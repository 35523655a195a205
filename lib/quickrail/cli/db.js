// cli/db.js — database tasks: db:create, db:drop, db:migrate [VERSION=n], db:rollback [STEP=n],
// db:migrate:redo [STEP=n] (rollback then migrate), db:seed, db:prepare (create + migrate + seed
// when the database is new; else migrate), db:reset (drop + migrate + seed), db:migrate:status,
// db:version. Run from the app folder: `quickrail db:prepare`; `-e ENV` picks the environment.
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
// Rails' db:drop deletes the database; here every table goes (the SQLite file or the PostgreSQL
// database stays, empty), which is what a following migrate or reset needs. Production is
// refused unless DISABLE_DATABASE_ENVIRONMENT_CHECK=1, as Rails does.
function drop(args) {
  if (host.envName() === "production" && option("DISABLE_DATABASE_ENVIRONMENT_CHECK", args) !== "1")
    throw new Error("refusing to drop the production database (" + describe() + "); if you mean it, run it again with DISABLE_DATABASE_ENVIRONMENT_CHECK=1");
  const cfg = databaseConfig();
  if (cfg.adapter === "sqlite" && !exists(cfg.file)) return false;
  const db = connection();
  const tables = db.tables();
  if (cfg.adapter === "sqlite") db.exec("PRAGMA foreign_keys = OFF");
  for (const t of tables) db.exec("DROP TABLE IF EXISTS " + db.quote(t) + (cfg.adapter === "sqlite" ? "" : " CASCADE"));
  return true;
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
    case "db:drop":
      log(drop(args) ? "Dropped every table of '" + describe() + "'" : "Database '" + describe() + "' does not exist");
      break;
    case "db:reset":
      drop(args);
      create();
      await m.migrate(log);
      await seed();
      log("Database '" + describe() + "' was reset");
      break;
    case "db:migrate:redo": {
      const steps = Number(option("STEP", args) || 1);
      await m.rollback(steps, log);
      await m.migrate(log);
      break;
    }
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
      for (const s of m.status()) log("   " + s.status.padEnd(6) + " " + s.version.padEnd(15) + " " + s.name); // NO FILE rows too
      break;
    }
    case "db:version": { const a = m.applied(); log("Current version: " + (a.length ? a[a.length - 1] : 0)); break; }
    default:
      throw new Error("unknown task " + task + " (known: db:create db:drop db:migrate db:rollback db:migrate:redo db:seed db:prepare db:reset db:migrate:status db:version)");
  }
  closeConnection();
}
function describe() { const c = databaseConfig(); return c.adapter === "sqlite" ? c.file.replace(appDir() + "/", "") : c.url.replace(/:[^:@/]*@/, ":***@"); }

run(argv()).then(() => exit(0), fail);
