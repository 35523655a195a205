// Migrations: files in db/migrate, schema_migrations, migrate / rollback / status, reversible change().
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot, tmpDir } from "./support.mjs";

let q, dir;
before(async () => {
  ({ q } = await boot());
  dir = tmpDir();
  Quickrail.writeFile(dir + "/20240101000001_create_widgets.js",
    'import { Migration } from "quickrail";\nexport default class CreateWidgets extends Migration {\n  change() { this.createTable("widgets", (t) => { t.string("name", { null: false }); t.integer("size", { default: 3 }); t.timestamps(); }); this.addIndex("widgets", "name", { unique: true }); }\n}\n');
  Quickrail.writeFile(dir + "/20240101000002_add_color.js",
    'import { Migration } from "quickrail";\nexport default class AddColor extends Migration {\n  up() { this.addColumn("widgets", "color", "string"); }\n  down() { this.removeColumn("widgets", "color"); }\n}\n');
});

describe("migrations", () => {
  it("runs pending migrations once and records them", async () => {
    const m = new q.Migrator(dir);
    const logs = [];
    assert.deepEqual(await m.migrate((l) => logs.push(l)), ["20240101000001", "20240101000002"]);
    assert.deepEqual(m.applied(), ["20240101000001", "20240101000002"]);
    assert.deepEqual(await m.migrate(() => {}), []);
    const cols = q.connection().columns("widgets").map((c) => c.name);
    assert.deepEqual(cols, ["id", "name", "size", "created_at", "updated_at", "color"]);
    assert.ok(logs.some((l) => /create_widgets: migrated/.test(l)));
  });

  it("applies column options: NOT NULL, defaults, unique index", () => {
    const db = q.connection();
    const cols = db.columns("widgets");
    assert.equal(cols.find((c) => c.name === "name").notnull, true);
    assert.equal(String(cols.find((c) => c.name === "size").default), "3");
    db.run('INSERT INTO widgets (name, created_at, updated_at) VALUES (?, ?, ?)', ["a", "2024-01-01 00:00:00", "2024-01-01 00:00:00"]);
    assert.throws(() => db.run('INSERT INTO widgets (name, created_at, updated_at) VALUES (?, ?, ?)', ["a", "2024-01-01 00:00:00", "2024-01-01 00:00:00"]), /UNIQUE constraint|unique constraint/);
  });

  it("rolls back with down() and with a reversed change()", async () => {
    const m = new q.Migrator(dir);
    await m.rollback(1, () => {});
    assert.ok(!q.connection().columns("widgets").some((c) => c.name === "color"));
    await m.rollback(1, () => {});
    assert.equal(q.connection().tableExists("widgets"), false);
    assert.deepEqual(m.applied(), []);
    assert.deepEqual(m.status().map((s) => s.status), ["down", "down"]);
  });
});
