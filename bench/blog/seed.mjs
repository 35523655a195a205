// bench/blog/seed.mjs — seeds the blog for the benchmark through its own HTTP interface, as a
// user would: for each of --articles articles, GET /articles/new (session cookie + authenticity
// token), POST /articles, then POST --comments comments to /articles/:id/comments. Then checks
// /articles.json lists exactly that many articles. Works against any host running the blog
// (quickrail or lib/node-host). Exits 1 on any unexpected answer; bounded by --timeout seconds.
// Usage: node seed.mjs --port P [--articles 20] [--comments 3]
const opt = { port: 3000, articles: 20, comments: 3, timeout: 60 };
for (let i = 2; i < process.argv.length; i += 2) opt[process.argv[i].slice(2)] = Number(process.argv[i + 1]);
const base = `http://127.0.0.1:${opt.port}`;
setTimeout(() => { console.error("seed: time limit"); process.exit(1); }, opt.timeout * 1000).unref();

let cookie = "";
function keepCookies(res) {
  const set = res.headers.getSetCookie ? res.headers.getSetCookie() : [];
  const jar = new Map(cookie ? cookie.split("; ").map((c) => [c.split("=")[0], c]) : []);
  for (const s of set) { const c = s.split(";")[0]; jar.set(c.split("=")[0], c); }
  cookie = [...jar.values()].join("; ");
}
async function get(path) {
  const res = await fetch(base + path, { headers: { cookie }, redirect: "manual" });
  keepCookies(res);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path} -> ${res.status}: ${text.slice(0, 300)}`);
  return text;
}
function tokenOf(html) {
  const m = /name="authenticity_token"[^>]*value="([^"]+)"/.exec(html) || /value="([^"]+)"[^>]*name="authenticity_token"/.exec(html) ||
    /<meta name="csrf-token" content="([^"]+)"/.exec(html);
  if (!m) throw new Error("no authenticity token in the form");
  return m[1].replace(/&#x2F;|&#47;/g, "/").replace(/&#x3D;|&#61;/g, "=").replace(/&#x2B;|&#43;/g, "+").replace(/&amp;/g, "&");
}
async function post(path, fields) {
  const res = await fetch(base + path, {
    method: "POST", redirect: "manual",
    headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  });
  keepCookies(res);
  const text = await res.text();
  if (res.status !== 302 && res.status !== 303) throw new Error(`POST ${path} -> ${res.status}: ${text.slice(0, 300)}`);
  return res.headers.get("location") || "";
}

const lorem = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua.";
try {
  for (let a = 1; a <= opt.articles; a++) {
    const token = tokenOf(await get("/articles/new"));
    const loc = await post("/articles", { authenticity_token: token, "article[title]": `Article ${a}`, "article[body]": `${lorem} (${a})` });
    const id = /\/articles\/(\d+)/.exec(loc)?.[1];
    if (!id) throw new Error(`create article redirected to ${JSON.stringify(loc)}`);
    for (let c = 1; c <= opt.comments; c++) {
      const t = tokenOf(await get(`/articles/${id}`));
      await post(`/articles/${id}/comments`, { authenticity_token: t, "comment[commenter]": `Reader ${c}`, "comment[body]": `Comment ${c} on article ${a}.` });
    }
  }
  const list = JSON.parse(await get("/articles.json"));
  if (!Array.isArray(list) || list.length !== opt.articles) throw new Error(`/articles.json lists ${list.length} articles, want ${opt.articles}`);
  const one = await get("/articles/1");
  const shown = (one.match(/Comment \d on article 1\./g) || []).length;
  if (shown !== opt.comments) throw new Error(`/articles/1 shows ${shown} comments, want ${opt.comments}`);
  console.log(`seed: ${opt.articles} articles with ${opt.comments} comments each`);
} catch (e) {
  console.error(`seed: ${e.message}`);
  process.exit(1);
}
