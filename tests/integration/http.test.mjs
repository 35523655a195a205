// HTTP/1.1 behaviour of the supervisor over real loopback sockets: headers, keep-alive,
// pipelining, chunked bodies, HEAD, static files (MIME, ETag/304, Cache-Control, traversal),
// limits (431, 413, 400) and idle / slow clients.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer } from "../lib/server.mjs";
import { RawClient, rawOnce } from "../lib/raw.mjs";

// idle: the same app with a 700 ms idle timeout, only for the tests of that timeout. The others
// use the default (30 s): on a loaded machine a client can stall for 700 ms between connecting
// and writing its request, and the server then rightly closes the silent connection.
let hello, echo, idle;
before(async () => {
  [hello, echo, idle] = await Promise.all([
    startServer({ app: "tests/fixtures/hello", workers: 2 }),
    startServer({ app: "tests/fixtures/echo", workers: 2, args: ["--max-body", "65536"] }),
    startServer({ app: "tests/fixtures/hello", workers: 1, args: ["--idle-timeout", "700"] }),
  ]);
});
after(async () => {
  const r = await Promise.all([hello?.stop(), echo?.stop(), idle?.stop()]);
  for (const [i, x] of r.entries()) assert.equal(x.code, 0, `${JSON.stringify(x)}\n${[hello, echo, idle][i].logs().split("\n").slice(-15).join("\n")}`);
});

test("GET answers with Date, Content-Length and Connection headers", async () => {
  const res = await rawOnce(hello.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  assert.equal(res.status, 200);
  assert.equal(res.text, "Hello, world!");
  assert.equal(res.headers["content-length"], "13");
  assert.equal(res.headers["connection"], "keep-alive");
  assert.match(res.headers["date"], /^\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT$/);
  assert.equal(res.headers["content-type"], "text/plain; charset=utf-8");
});

test("keep-alive responses say how long an idle connection is kept, in whole seconds", async () => {
  // clients (undici: keep-alive timeout minus 2 s) stop reusing a connection before the server's
  // idle timer closes it; with a 700 ms idle timeout that is never (timeout=0)
  const res = await rawOnce(idle.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  assert.equal(res.headers["keep-alive"], "timeout=0");
  const e = await rawOnce(hello.port, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  assert.equal(e.headers["keep-alive"], "timeout=30");
  const closed = await rawOnce(hello.port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  assert.equal(closed.headers["keep-alive"], undefined);
});

test("one log line per request: method, path, status, duration, worker", async () => {
  await fetch(hello.url + "/logged?x=1");
  await hello.waitForLog(/GET "\/logged\?x=1" 200 OK in [\d.]+ms \(w\d+\)/);
});

test("keep-alive: many requests on one connection", async () => {
  const c = await RawClient.connect(hello.port);
  for (let i = 0; i < 20; i++) {
    c.write(`GET /k${i} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const [r] = await c.responses(1);
    assert.equal(r.status, 200);
  }
  assert.equal(c.isClosed, false);
  c.destroy();
});

test("HTTP/1.0 closes unless keep-alive is asked for", async () => {
  const c = await RawClient.connect(hello.port);
  c.write("GET / HTTP/1.0\r\n\r\n");
  const [r] = await c.responses(1);
  assert.equal(r.headers.connection, "close");
  assert.equal(await c.closed(), true);
  const c2 = await RawClient.connect(hello.port);
  c2.write("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  const [r2] = await c2.responses(1);
  assert.equal(r2.headers.connection, "keep-alive");
  c2.write("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  assert.equal((await c2.responses(1))[0].status, 200);
  c2.destroy();
});

test("pipelined requests are answered in order (app and static mixed)", async () => {
  const c = await RawClient.connect(echo.port);
  let batch = "";
  for (let i = 0; i < 10; i++) batch += `GET /p${i} HTTP/1.1\r\nHost: x\r\n\r\n`;
  batch += "POST /p10 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello";
  batch += "GET /p11 HTTP/1.1\r\nHost: x\r\n\r\n";
  c.write(batch);
  const rs = await c.responses(12);
  rs.forEach((r, i) => {
    assert.equal(r.status, 200);
    assert.equal(JSON.parse(r.text).path, `/p${i}`);
  });
  assert.equal(JSON.parse(rs[10].text).body, "hello");
  c.destroy();

  const h = await RawClient.connect(hello.port);
  h.write("GET /robots.txt HTTP/1.1\r\nHost: x\r\n\r\nGET /app HTTP/1.1\r\nHost: x\r\n\r\nGET /data.json HTTP/1.1\r\nHost: x\r\n\r\n");
  const [a, b, d] = await h.responses(3);
  assert.match(a.text, /User-agent/);
  assert.equal(b.text, "Hello, world!");
  assert.equal(d.text, '{"name":"hello"}\n');
  h.destroy();
});

test("pipelined requests split at every byte still parse", async () => {
  const c = await RawClient.connect(echo.port);
  const req = "POST /split?q=1 HTTP/1.1\r\nHost: x\r\nX-Long: " + "v".repeat(50) + "\r\nContent-Length: 3\r\n\r\nabc";
  for (const ch of req) { c.write(ch); }
  const [r] = await c.responses(1);
  const j = JSON.parse(r.text);
  assert.equal(j.body, "abc");
  assert.equal(j.headers["x-long"], "v".repeat(50));
  assert.equal(j.query, "?q=1");
  c.destroy();
});

test("chunked request bodies are assembled", async () => {
  const c = await RawClient.connect(echo.port);
  c.write("POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
  await new Promise((r) => setTimeout(r, 30));
  c.write("6\r\n world\r\n0\r\n\r\n");
  const [r] = await c.responses(1);
  assert.equal(JSON.parse(r.text).body, "hello world");
  c.destroy();
});

test("HEAD gets the headers of GET and no body", async () => {
  const c = await RawClient.connect(hello.port);
  c.expectHead(2);
  c.write("HEAD / HTTP/1.1\r\nHost: x\r\n\r\nHEAD /robots.txt HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");
  const [a, b, g] = await c.responses(3);
  assert.equal(a.status, 200);
  assert.equal(a.headers["content-length"], "13");
  assert.equal(a.body.length, 0);
  assert.equal(b.headers["content-length"], "24");
  assert.equal(g.text, "Hello, world!"); /* the next response starts right after the headers */
  c.destroy();
});

test("request headers, query, JSON and form bodies reach the app", async () => {
  let r = await fetch(echo.url + "/json?a=1&b=2", { method: "POST", headers: { "content-type": "application/json", "x-custom": "yes" }, body: JSON.stringify({ x: [1, 2] }) });
  let j = await r.json();
  assert.equal(j.method, "POST");
  assert.deepEqual(j.json, { x: [1, 2] });
  assert.equal(j.headers["x-custom"], "yes");
  assert.equal(j.query, "?a=1&b=2");
  r = await fetch(echo.url + "/form", { method: "POST", body: new URLSearchParams({ title: "Hi there", body: "a&b=c" }) });
  j = await r.json();
  assert.deepEqual(j.form, { title: "Hi there", body: "a&b=c" });
  const fd = new FormData();
  fd.append("name", "quickrail");
  fd.append("file", new Blob(["0123456789"], { type: "text/plain" }), "n.txt");
  r = await fetch(echo.url + "/form", { method: "POST", body: fd });
  j = await r.json();
  assert.equal(j.form.name, "quickrail");
  assert.equal(j.form.file.size, 10);
});

test("app status codes and headers pass through; 204 has no body", async () => {
  const c = await RawClient.connect(echo.port);
  c.write("GET /status?code=204 HTTP/1.1\r\nHost: x\r\n\r\nGET /headers HTTP/1.1\r\nHost: x\r\n\r\n");
  const [a, b] = await c.responses(2);
  assert.equal(a.status, 204);
  assert.equal(a.headers["content-length"], undefined);
  assert.equal(b.headers["x-one"], "1");
  assert.equal(b.headers["set-cookie"], "a=1; Path=/");
  c.destroy();
});

test("static files: MIME types, ETag, 304, Cache-Control", async () => {
  const cases = [["/robots.txt", "text/plain"], ["/about.html", "text/html"], ["/about", "text/html"],
    ["/app.js", "text/javascript"], ["/data.json", "application/json"], ["/assets/app-0123abcd.css", "text/css"]];
  for (const [p, type] of cases) {
    const r = await fetch(hello.url + p);
    assert.equal(r.status, 200, p);
    assert.ok(r.headers.get("content-type").startsWith(type), `${p}: ${r.headers.get("content-type")}`);
    assert.ok(r.headers.get("etag"), p);
    assert.ok(r.headers.get("cache-control"), p);
  }
  const r = await fetch(hello.url + "/robots.txt");
  const etag = r.headers.get("etag");
  assert.match(r.headers.get("cache-control"), /max-age=0/);
  const r304 = await fetch(hello.url + "/robots.txt", { headers: { "if-none-match": etag } });
  assert.equal(r304.status, 304);
  assert.equal((await r304.text()).length, 0);
  assert.equal(r304.headers.get("etag"), etag);
  const rw = await fetch(hello.url + "/robots.txt", { headers: { "if-none-match": `"nope", W/${etag}` } });
  assert.equal(rw.status, 304);
  const r200 = await fetch(hello.url + "/robots.txt", { headers: { "if-none-match": '"other"' } });
  assert.equal(r200.status, 200);
  const asset = await fetch(hello.url + "/assets/app-0123abcd.css");
  assert.match(asset.headers.get("cache-control"), /max-age=31536000/);
  const big = await fetch(hello.url + "/big.txt");
  assert.equal((await big.text()).length, Number(big.headers.get("content-length")));
});

test("directory traversal is refused with 404 and never reaches the app", async () => {
  for (const p of ["/../app.js", "/assets/../../app.js", "/%2e%2e/app.js", "/..%2fapp.js", "/%2e%2e%2f%2e%2e%2fetc/passwd", "/a/%00/b", "/..\\app.js"]) {
    const r = await rawOnce(hello.port, `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.equal(r.status, 404, p);
    assert.doesNotMatch(r.text, /Hello, world|export default/, p);
  }
  const r = await rawOnce(hello.port, "GET /../app.js HTTP/1.1\r\nHost: x\r\n\r\n");
  assert.match(r.text, /fixture 404 page/); /* public/404.html is used */
});

test("headers over 16 KB get 431", async () => {
  const c = await RawClient.connect(hello.port);
  c.write("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(17 * 1024) + "\r\n\r\n");
  const [r] = await c.responses(1);
  assert.equal(r.status, 431);
  assert.equal(await c.closed(), true);
  /* many small headers count too */
  let many = "GET / HTTP/1.1\r\nHost: x\r\n";
  for (let i = 0; i < 800; i++) many += `X-H${i}: ${"b".repeat(20)}\r\n`;
  const r2 = await rawOnce(hello.port, many + "\r\n");
  assert.equal(r2.status, 431);
  /* just under the limit is fine */
  const r3 = await rawOnce(hello.port, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(15 * 1024) + "\r\n\r\n");
  assert.equal(r3.status, 200);
});

test("bodies over --max-body get 413 (Content-Length and chunked)", async () => {
  const r = await rawOnce(echo.port, `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${65537}\r\n\r\n`);
  assert.equal(r.status, 413);
  const c = await RawClient.connect(echo.port);
  c.write("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  const chunk = "x".repeat(16384);
  for (let i = 0; i < 5; i++) c.write(`${(16384).toString(16)}\r\n${chunk}\r\n`);
  const [r2] = await c.responses(1);
  assert.equal(r2.status, 413);
  c.destroy();
  const ok = await fetch(echo.url + "/", { method: "POST", body: "y".repeat(65536) });
  assert.equal((await ok.json()).bodyLength, 65536);
});

test("malformed requests get 400 and the connection is closed", async () => {
  for (const bad of ["GARBAGE\r\n\r\n", "GET / HTTP/1.1\r\nHost x\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
    "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"]) {
    const c = await RawClient.connect(hello.port);
    c.write(bad);
    const [r] = await c.responses(1);
    assert.equal(r?.status, 400, JSON.stringify(bad));
    assert.equal(await c.closed(), true);
  }
});

test("Expect: 100-continue gets an interim 100", async () => {
  const c = await RawClient.connect(echo.port);
  c.write("POST /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
  await new Promise((r) => setTimeout(r, 50));
  assert.match(c.received.toString(), /^HTTP\/1\.1 100 Continue\r\n\r\n$/);
  c.write("data");
  const [r] = await c.responses(1);
  assert.equal(JSON.parse(r.text).body, "data");
  c.destroy();
});

test("idle keep-alive connections are closed after the idle timeout", async () => {
  const c = await RawClient.connect(idle.port);
  c.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  await c.responses(1);
  const t0 = Date.now();
  assert.equal(await c.closed(3000), true);
  assert.ok(Date.now() - t0 >= 500, "closed too early");
});

test("a slow client (headers trickling in) is timed out with 408 and cannot hold a worker", async () => {
  const slow = await RawClient.connect(idle.port);
  slow.write("GET / HTTP/1.1\r\nHost: x\r\n");
  const timer = setInterval(() => slow.write("X-Drip: 1\r\n"), 100);
  /* meanwhile everyone else is served */
  for (let i = 0; i < 5; i++) assert.equal((await fetch(idle.url + "/")).status, 200);
  const [r] = await slow.responses(1, 3000);
  clearInterval(timer);
  assert.equal(r.status, 408);
  assert.equal(await slow.closed(), true);
  /* a client that connects and says nothing is closed too */
  const silent = await RawClient.connect(idle.port);
  assert.equal(await silent.closed(3000), true);
});

test("many concurrent connections are all served", async () => {
  const rs = await Promise.all(Array.from({ length: 200 }, (_, i) => fetch(hello.url + "/c" + i).then((r) => r.status)));
  assert.ok(rs.every((s) => s === 200));
});

test("a client that never reads its responses is closed after the idle timeout", async () => {
  const c = await RawClient.connect(idle.port);
  c.s.pause(); /* read nothing */
  let batch = "";
  for (let i = 0; i < 60; i++) batch += "GET /big.txt HTTP/1.1\r\nHost: x\r\n\r\n";
  c.write(batch);
  await new Promise((r) => setTimeout(r, 2500));
  let got = 0;
  c.s.removeAllListeners("data");
  c.s.on("data", (d) => (got += d.length));
  c.s.resume();
  assert.equal(await c.closed(5000), true);
  const big = Number((await fetch(idle.url + "/big.txt").then((r) => r.headers.get("content-length"))));
  assert.ok(got < 60 * big, `received everything (${got} bytes): the server kept buffering for a stuck client`);
  assert.equal((await fetch(idle.url + "/")).status, 200);
});

test("an absolute-form request target reaches the app (not refused as traversal)", async () => {
  const r = await rawOnce(echo.port, "GET http://example.test/abs?q=1 HTTP/1.1\r\nHost: example.test\r\n\r\n");
  assert.equal(r.status, 200);
});
