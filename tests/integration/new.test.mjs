// `quickrail new`: an empty Ruby app, the Ruby demo blog (--demo blog) and the JavaScript one
// (--demo blog-js), made from the files embedded in the binary (run from an empty folder);
// misuse exits 2 saying what was wrong; and what `new` makes boots through the real server.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { startServer, BIN } from "../lib/server.mjs";

let dir;
const env = { ...process.env, QUICKRAIL_ENV: "test", SECRET_KEY_BASE: "secret-key-base-for-new-tests" };
const run = (args, cwd = dir) => spawnSync(BIN, args, { cwd, env, encoding: "utf8", timeout: 60000 });
function files(root, sub = "") {
  const out = [];
  for (const e of fs.readdirSync(path.join(root, sub), { withFileTypes: true })) {
    const rel = sub ? sub + "/" + e.name : e.name;
    if (e.isDirectory()) out.push(...files(root, rel)); else out.push(rel);
  }
  return out.sort();
}
before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "qr-new-")); });
after(() => { fs.rmSync(dir, { recursive: true, force: true }); });

describe("quickrail new", () => {
  it("NAME makes an empty Ruby app: routes, a home page, a layout with CSRF, Action Cable and Turbo", () => {
    const r = run(["new", "my_app"]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /created my_app/);
    assert.match(r.stdout, /cd my_app\n\s+quickrail db:prepare\n\s+quickrail up/);
    const app = path.join(dir, "my_app");
    const all = files(app);
    for (const f of ["config/routes.rb", "app/controllers/application_controller.rb", "app/controllers/home_controller.rb",
      "app/models/application_record.rb", "app/helpers/application_helper.rb", "app/views/layouts/application.html.erb",
      "app/views/home/index.html.erb", "db/seeds.rb", "public/404.html", "public/422.html", "public/500.html", "public/favicon.ico",
      "public/assets/turbo.js"]) assert.ok(all.includes(f), f + " in " + all.join(", "));
    assert.deepEqual(all.filter((f) => f.startsWith("app/") && !/\.(rb|erb)$/.test(f)), [], "only Ruby under app/");
    assert.ok(!all.includes("app.js"));
    const layout = fs.readFileSync(path.join(app, "app/views/layouts/application.html.erb"), "utf8");
    assert.match(layout, /<title><%= content_for\(:title\) \|\| "MyApp" %><\/title>/);
    assert.match(layout, /<%= csrf_meta_tags %>/);
    assert.match(layout, /<%= action_cable_meta_tag %>/);
    assert.match(layout, /<%= javascript_include_tag "turbo", type: "module" %>/);
    assert.match(fs.readFileSync(path.join(app, "config/routes.rb"), "utf8"), /root "home#index"/);
  });

  it("--demo blog makes the Ruby blog: only .rb, .erb and .jbuilder under app/, no app.js", () => {
    const r = run(["new", "blog", "--demo", "blog"]);
    assert.equal(r.status, 0, r.stderr);
    const all = files(path.join(dir, "blog"));
    assert.deepEqual(all.filter((f) => f.startsWith("app/") && !/\.(rb|erb|jbuilder)$/.test(f)), []);
    for (const f of ["app/models/article.rb", "app/controllers/articles_controller.rb", "app/views/articles/index.json.jbuilder",
      "config/routes.rb", "db/migrate/20250101000001_create_articles.rb", "db/seeds.rb", "public/assets/turbo.js", "public/assets/application.css"]) {
      assert.ok(all.includes(f), f);
    }
    assert.ok(!all.includes("app.js"));
  });

  it("--demo blog-js makes the JavaScript blog (app.js, .js models)", () => {
    const r = run(["new", "blog_js", "--demo=blog-js"]);
    assert.equal(r.status, 0, r.stderr);
    const all = files(path.join(dir, "blog_js"));
    assert.ok(all.includes("app.js"));
    assert.ok(all.includes("app/models/article.js"));
  });

  it("misuse exits 2 and says what was wrong and how to do it right", () => {
    const cases = [
      [["new"], /the app's folder name is missing/],
      [["new", "x", "--demo", "shop"], /no demo named shop \(available: blog, blog-js\)/],
      [["new", "x", "--demo"], /--demo needs a name/],
      [["new", "x", "--bogus"], /unknown option --bogus/],
      [["new", "x", "y"], /one app name only/],
      [["new", "blog"], /blog already exists/],
    ];
    for (const [args, re] of cases) {
      const r = run(args);
      assert.equal(r.status, 2, args.join(" ") + ": " + r.stdout + r.stderr);
      assert.match(r.stderr, re);
      assert.match(r.stderr, /usage: quickrail new NAME \[--demo blog\|blog-js\]/);
    }
    assert.ok(!fs.existsSync(path.join(dir, "x")));
  });
});

// db:prepare in app, then the real server on it: fn(url, html of GET path), which must be 200.
async function served(app, p, fn) {
  const r = run(["db:prepare"], app);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const srv = await startServer({ app, env: { SECRET_KEY_BASE: env.SECRET_KEY_BASE }, workers: 1 });
  try {
    const res = await fetch(srv.url + p);
    const html = await res.text();
    assert.equal(res.status, 200, html.slice(0, 2000));
    await fn(srv.url, html);
  } finally { await srv.stop(); }
}

describe("what quickrail new makes boots", () => {
  it("the empty Ruby app: db:prepare, then its home page through the real server", async () => {
    await served(path.join(dir, "my_app"), "/", async (url, html) => {
      assert.match(html, /<title>MyApp<\/title>/);
      assert.match(html, /<h1>Hello from quickrail<\/h1>/);
      assert.match(html, /<meta name="csrf-token" content="[^"]+">/);
      assert.match(html, /<script src="\/assets\/turbo.js" type="module"><\/script>/);
      assert.equal((await fetch(url + "/assets/turbo.js")).status, 200);
      assert.equal((await fetch(url + "/nope")).status, 404);
    });
  });

  it("the Ruby demo blog: db:prepare seeds it, /articles lists the seeded articles", async () => {
    await served(path.join(dir, "blog"), "/articles", (url, html) => {
      assert.match(html, /Welcome to quickrail/);
      assert.match(html, /<title>Articles · Blog<\/title>/);
    });
  });

  it("a runtime error in a Ruby template: the development error page names the .erb, its line and source", async () => {
    const r = run(["new", "broken_app"]);
    assert.equal(r.status, 0, r.stderr);
    const app = path.join(dir, "broken_app");
    fs.writeFileSync(path.join(app, "app/views/home/index.html.erb"), "<h1>Hi</h1>\n<p><%= @greeting.no_such_method %></p>\n");
    assert.equal(run(["db:prepare"], app).status, 0);
    const srv = await startServer({ app, env: { SECRET_KEY_BASE: env.SECRET_KEY_BASE, QUICKRAIL_ENV: "development" }, workers: 1 });
    try {
      const res = await fetch(srv.url + "/");
      const html = await res.text();
      assert.equal(res.status, 500);
      assert.match(html, /undefined method &#39;no_such_method&#39;/);
      assert.match(html, /Template app\/views\/home\/index\.html\.erb, line 2/);
      assert.match(html, /&gt;\s+2\s+&lt;p&gt;&lt;%= @greeting\.no_such_method %&gt;&lt;\/p&gt;/);
    } finally { await srv.stop(); }
  });
});
