// Autoloading by convention (lib/quickrail/autoload.js): which file of each kind is found (Rails'
// names; .rb before .js before .mjs; concerns/ and application_cable/ are no models or channels),
// the constant a file must define, and an app without app.js built from its folders and served
// with app.request (no socket). Runs on Node and inside QuickJS.
import { describe, it, before } from "node:test";
import assert from "node:assert/strict";
import { boot, tmpDir } from "./support.mjs";

let q, auto;
function write(root, files) {
  for (const rel of Object.keys(files)) {
    const parts = rel.split("/");
    let d = root;
    for (const p of parts.slice(0, -1)) { d += "/" + p; if (!Quickrail.stat(d)) Quickrail.mkdir(d); }
    Quickrail.writeFile(root + "/" + rel, files[rel]);
  }
  return root;
}
before(async () => {
  ({ q } = await boot());
  auto = await import("quickrail/autoload.js");
});

describe("autoload: finding files", () => {
  it("prefers .rb, then .js, then .mjs for one name, and names nested files by their path", () => {
    const root = write(tmpDir(), {
      "config/routes.rb": "", "config/routes.js": "",
      "app/models/post.rb": "", "app/models/post.js": "", "app/models/tag.mjs": "", "app/models/tag.js": "",
      "app/models/note.txt": "", "app/models/concerns/taggable.rb": "",
      "app/controllers/posts_controller.js": "", "app/controllers/admin/users_controller.rb": "",
      "app/controllers/concerns/authn.js": "", "app/controllers/notes.js": "",
      "app/helpers/posts_helper.rb": "",
      "app/channels/chat_channel.js": "", "app/channels/game/move_channel.rb": "",
      "app/channels/application_cable/connection.rb": "", "app/channels/application_cable/channel.rb": "",
      "db/seeds.js": "",
    });
    const f = auto.discover(root + "/");
    const rel = (x) => x && x.slice(root.length + 1);
    assert.equal(f.entry, null);
    assert.equal(rel(f.routes), "config/routes.rb");
    assert.deepEqual(f.models.map((s) => [s.name, rel(s.file)]), [["post", "app/models/post.rb"], ["tag", "app/models/tag.js"]]);
    assert.deepEqual(f.controllers.map((s) => [s.name, rel(s.file)]),
      [["admin/users_controller", "app/controllers/admin/users_controller.rb"], ["posts_controller", "app/controllers/posts_controller.js"]]);
    assert.deepEqual(f.helpers.map((s) => s.name), ["posts_helper"]);
    assert.deepEqual(f.channels.map((s) => s.name), ["chat_channel", "game/move_channel"]);
    assert.equal(rel(f.connection), "app/channels/application_cable/connection.rb");
    assert.equal(rel(f.seeds), "db/seeds.js");
    Quickrail.writeFile(root + "/app.js", "");
    assert.equal(rel(auto.discover(root).entry), "app.js");
  });

  it("names constants as Rails does and says which file failed to define its constant", () => {
    assert.equal(auto.constantName("admin/users_controller"), "Admin::UsersController");
    assert.equal(auto.constantName("line_item"), "LineItem");
    class Post {}
    assert.equal(auto.definedClass({ default: Post }, "post.js", "Post"), Post);
    assert.equal(auto.definedClass({ Post, Other: class Other {} }, "post.js", "Post"), Post);
    class UsersController {}
    assert.equal(auto.definedClass({ UsersController }, "x.rb", "Admin::UsersController"), UsersController);
    assert.throws(() => auto.definedClass({ Other: class Other {} }, "app/models/post.rb", "Post"),
      /expected file app\/models\/post\.rb to define constant Post, but didn't/);
  });

  it("lists migrations in .rb or .js, preferring .rb for the same migration", () => {
    const dir = write(tmpDir(), { "20260101000001_create_posts.rb": "", "20260101000001_create_posts.js": "",
      "20260101000002_add_body.js": "", "20260101000003_add_tags.rb": "", "README.md": "" });
    const files = new q.Migrator(dir).files();
    assert.deepEqual(files.map((f) => [f.version, f.name, f.file.slice(dir.length + 1)]), [
      ["20260101000001", "create_posts", "20260101000001_create_posts.rb"],
      ["20260101000002", "add_body", "20260101000002_add_body.js"],
      ["20260101000003", "add_tags", "20260101000003_add_tags.rb"],
    ]);
  });
});

describe("autoload: an app without app.js", () => {
  it("is built from its folders and serves requests", async () => {
    const root = write(tmpDir(), {
      "config/routes.js": 'export default (r) => { r.resources("widgets", { only: ["index"] }); r.namespace("shop", () => r.get("/hi", "greetings#hi")); };\n',
      "app/models/widget.js": 'import { ApplicationRecord } from "quickrail";\nexport default class Widget extends ApplicationRecord {}\n',
      "app/controllers/widgets_controller.js": 'import { Controller } from "quickrail";\nimport Widget from "../models/widget.js";\nexport default class WidgetsController extends Controller { index() { this.render({ plain: "widgets: " + Widget.count() }); } }\n',
      "app/controllers/shop/greetings_controller.js": 'import { Controller } from "quickrail";\nexport class GreetingsController extends Controller { hi() {} }\n',
      "app/helpers/application_helper.js": 'export function shout(s) { return s.toUpperCase() + "!"; }\n',
      "app/views/shop/greetings/hi.html.erb": "<b><%= shout('hi') %></b>\n",
    });
    q.connection().exec("CREATE TABLE IF NOT EXISTS widgets (id INTEGER PRIMARY KEY, name varchar)");
    const app = await q.loadApp(root);
    assert.ok(q.registry.Widget, "the model is registered");
    const r = await app.request("/widgets");
    assert.equal(r.status, 200);
    assert.equal(await r.text(), "widgets: 0");
    const hi = await app.request("/shop/hi");
    assert.equal(hi.status, 200);
    assert.match(await hi.text(), /<b>HI!<\/b>/);
  });

  it("is an error that names what is missing when there are no routes", async () => {
    const root = write(tmpDir(), { "app/models/x.js": "" });
    await assert.rejects(q.loadApp(root), /expected config\/routes\.rb \(or config\/routes\.js\), or an app\.js/);
  });
});
