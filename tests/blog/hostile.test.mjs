// Hostile input to the blog through the real server (issue 15, findings D6 and D7): a bad
// percent-escape in a path parameter, params nested too deep, too many params and a scalar where
// the controller expects a hash are client errors (400 with a log line), never a 500, and the
// worker keeps serving.
import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../lib/server.mjs";
import { prepareBlog, browser } from "./blog_app.mjs";

let srv, app, b;
before(async () => {
  app = prepareBlog();
  srv = await startServer({ app: app.dir, env: app.env, workers: 2 });
  b = browser(srv.url);
});
after(async () => { if (srv) await srv.stop(); });

async function post(body, type = "application/x-www-form-urlencoded") {
  return fetch(srv.url + "/articles", { method: "POST", body, headers: { "content-type": type }, redirect: "manual" });
}

describe("hostile params", () => {
  it("D6: an invalid percent-escape in a path parameter is 400, not 500", async () => {
    const from = srv.logs().length;
    for (const p of ["/articles/%ff%fe", "/articles/%E0%A4%A", "/articles/1%"]) {
      const res = await fetch(srv.url + p);
      await res.text();
      assert.equal(res.status, 400, p);
    }
    assert.match(srv.logs().slice(from), /BadRequest: Invalid path parameters: Invalid encoding for parameter: %ff%fe/);
    assert.equal((await fetch(srv.url + "/articles")).status, 200);
  });

  it("D7: params nested deeper than 100 levels are 400 (5,000 and 101 deep); 100 deep is accepted", async () => {
    for (const depth of [5000, 101]) {
      const key = "article" + "[a]".repeat(depth - 1);
      const res = await post(`${encodeURIComponent(key)}=x`);
      await res.text();
      assert.equal(res.status, 400, `depth ${depth}`);
    }
    // 100 levels parse; the request then fails the CSRF check like any forged form (422)
    const ok = await post(`${encodeURIComponent("article" + "[a]".repeat(99))}=x`);
    await ok.text();
    assert.equal(ok.status, 422);
    const json = await post("[".repeat(1000) + "]".repeat(1000), "application/json");
    await json.text();
    assert.equal(json.status, 400, "JSON nested 1000 deep");
    const deepObj = '{"a":'.repeat(150) + "1" + "}".repeat(150);
    const res = await post(deepObj, "application/json");
    await res.text();
    assert.equal(res.status, 400, "JSON objects nested 150 deep");
  });

  it("D7: a million params are 400, not an out-of-memory 500", async () => {
    const from = srv.logs().length;
    const res = await post("a=&".repeat(1000000));
    await res.text();
    assert.equal(res.status, 400);
    assert.match(srv.logs().slice(from), /more than 4096 params/);
    const fd = new FormData();
    for (let i = 0; i < 5000; i++) fd.append("f" + i, "v");
    const mp = await fetch(srv.url + "/articles", { method: "POST", body: fd, redirect: "manual" });
    await mp.text();
    assert.equal(mp.status, 400, "5,000 multipart fields");
    assert.equal((await fetch(srv.url + "/articles")).status, 200, "the worker keeps serving");
  });

  it("D7: article=foo where the controller expects a hash is 400 (ParameterMissing)", async () => {
    const token = b.token((await b("/articles/new")).html);
    const from = srv.logs().length;
    const res = await b.form("/articles", { article: "foo" }, token);
    assert.equal(res.status, 400);
    assert.match(srv.logs().slice(from), /ParameterMissing: param is missing or the value is empty or invalid: article/);
    const ok = await b.form("/articles", { "article[title]": "Still works", "article[body]": "A body that is long enough." }, token);
    assert.equal(ok.status, 302);
  });
  it("fuzz finding: a multipart body without a boundary or with a broken part is 400, not 500", async () => {
    const from = srv.logs().length;
    const bad = [
      ["multipart/form-data", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--\r\n"],
      ["multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno closing delimiter"],
    ];
    for (const [type, body] of bad) {
      const res = await post(body, type);
      await res.text();
      assert.equal(res.status, 400, type);
    }
    assert.match(srv.logs().slice(from), /BadRequest: Invalid request parameters/);
    assert.equal((await fetch(srv.url + "/articles")).status, 200);
  });
});
