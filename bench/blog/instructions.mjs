// bench/blog/instructions.mjs — the blog's JavaScript path without sockets, for instruction
// counts: loads the blog in APP_DIR (production; seeds 20 articles x 3 comments when it has
// fewer), then for each PATH answers N GET requests through app.fetch the way a worker does
// (Request._fromHost, the body read to the end). bench/blog/instructions.sh runs it under
// callgrind with two values of N; the difference is the per-request cost.
// Usage: quickrail run bench/blog/instructions.mjs APP_DIR N PATH [PATH...]
const [dir, nArg, ...paths] = Quickrail.argv;

async function main() {
  if (!dir || !(Number(nArg) >= 0) || !paths.length) {
    console.error("usage: quickrail run bench/blog/instructions.mjs APP_DIR N PATH [PATH...]");
    Quickrail.exit(2);
  }
  Quickrail.appDir = dir;
  const app = await (await import(dir + "/app.js")).default;
  const { Article } = app.models;
  for (let i = Article.count(); i < 20; i++) {
    const a = Article.createBang({ title: `Article ${i + 1}`, body: `Body of article ${i + 1}, long enough to be valid.` });
    for (let c = 0; c < 3; c++) a.comments.createBang({ commenter: `Reader ${c + 1}`, body: `Comment ${c + 1} on article ${i + 1}.` });
  }
  for (const path of paths) {
    for (let i = 0; i < Number(nArg); i++) {
      const res = await app.fetch(Request._fromHost("GET", "http://localhost" + path, ["host", "localhost"], null, "127.0.0.1"), {});
      const text = await res.text();
      if (res.status !== 200 || !text) throw new Error(`GET ${path} -> ${res.status}`);
    }
  }
}
main().catch((e) => { console.error(String((e && e.stack) || e)); Quickrail.exit(1); });
