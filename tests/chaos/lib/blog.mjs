// Talking to the blog like a browser does: pages, forms with their authenticity tokens, the
// session cookie, and the <turbo-cable-stream-source> signed stream names the pages carry.
// Used by the chaos suite to create articles, create comments (acknowledged writes) and find
// the Action Cable identifiers to subscribe to.
import { request, CookieJar, htmlDecode } from "./util.mjs";

export function attrs(tag) {
  const out = {};
  for (const m of tag.matchAll(/([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
    out[m[1].toLowerCase()] = htmlDecode(m[3] ?? m[4] ?? "");
  }
  return out;
}

// Action Cable identifiers (JSON strings) of every turbo-cable-stream-source on a page.
export function streamIdentifiers(html) {
  const ids = [];
  for (const m of html.matchAll(/<turbo-cable-stream-source\b[^>]*>/g)) {
    const a = attrs(m[0]);
    const id = { channel: a.channel || "Turbo::StreamsChannel", signed_stream_name: a["signed-stream-name"] };
    for (const [k, v] of Object.entries(a)) {
      if (k.startsWith("data-")) id[k.slice(5).replace(/-/g, "_")] = v;
    }
    ids.push(JSON.stringify(id));
  }
  return ids;
}

// The stream name a token carries (for display only): base64(JSON string) before "--".
export function streamName(identifier) {
  try {
    const tok = JSON.parse(identifier).signed_stream_name;
    return JSON.parse(Buffer.from(tok.split("--")[0], "base64").toString("utf8"));
  } catch { return "?"; }
}

// Every <form> on a page: action, method, hidden inputs.
export function forms(html) {
  const out = [];
  for (const m of html.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/g)) {
    const a = attrs(m[0].slice(0, m[0].indexOf(">") + 1));
    const hidden = {};
    const fields = [];
    for (const i of m[1].matchAll(/<(input|textarea)\b[^>]*>/g)) {
      const ia = attrs(i[0]);
      if (!ia.name) continue;
      fields.push(ia.name);
      if ((ia.type || "").toLowerCase() === "hidden") hidden[ia.name] = ia.value ?? "";
    }
    out.push({ action: a.action, method: (hidden._method || a.method || "get").toLowerCase(), hidden, fields });
  }
  return out;
}

export function csrfMeta(html) {
  const m = html.match(/<meta[^>]*name="csrf-token"[^>]*>/);
  return m ? attrs(m[0]).content : null;
}

const enc = (o) => Object.entries(o).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&");

export class BlogClient {
  constructor(port, agent) {
    this.port = port;
    this.agent = agent;
    this.jar = new CookieJar();
    this.commentForms = new Map(); // article id -> { action, hidden }
  }

  async get(path, extra = {}) {
    const r = await request(this.port, { path, agent: this.agent, headers: { cookie: this.jar.header(), accept: "text/html", ...extra } });
    this.jar.take(r);
    return r;
  }

  async post(path, fields, extra = {}) {
    const r = await request(this.port, {
      method: "POST", path, agent: this.agent, body: enc(fields),
      headers: { cookie: this.jar.header(), "content-type": "application/x-www-form-urlencoded", accept: "text/html", ...extra },
    });
    this.jar.take(r);
    return r;
  }

  async articleIds() {
    const r = await this.get("/articles");
    const ids = new Set();
    for (const m of r.body.matchAll(/href="\/articles\/(\d+)"/g)) ids.add(Number(m[1]));
    return [...ids];
  }

  async createArticle(title, body) {
    const page = await this.get("/articles/new");
    if (page.status !== 200) throw new Error(`GET /articles/new -> ${page.status}: ${page.body.slice(0, 300)}`);
    const f = forms(page.body).find((x) => x.fields.some((n) => n.startsWith("article[")));
    if (!f) throw new Error("no article form on /articles/new");
    const r = await this.post(f.action || "/articles", { ...f.hidden, "article[title]": title, "article[body]": body });
    const loc = r.headers.location || "";
    const m = loc.match(/\/articles\/(\d+)/);
    if (!(r.status >= 200 && r.status < 400) || !m) {
      throw new Error(`creating an article: ${r.status} ${loc} ${r.body.slice(0, 300)}`);
    }
    return Number(m[1]);
  }

  // Loads the show page: remembers the comment form and returns the page's stream identifiers.
  async show(articleId) {
    const r = await this.get(`/articles/${articleId}`);
    if (r.status !== 200) throw new Error(`GET /articles/${articleId} -> ${r.status}`);
    const f = forms(r.body).find((x) => x.fields.some((n) => n.startsWith("comment[")));
    if (!f) throw new Error(`no comment form on /articles/${articleId}`);
    this.commentForms.set(articleId, { action: f.action || `/articles/${articleId}/comments`, hidden: f.hidden });
    return streamIdentifiers(r.body);
  }

  // POSTs a comment as the form does. Returns the response (2xx/3xx = acknowledged).
  async comment(articleId, body, commenter = "chaos") {
    let f = this.commentForms.get(articleId);
    if (!f) { await this.show(articleId); f = this.commentForms.get(articleId); }
    return this.post(f.action, { ...f.hidden, "comment[commenter]": commenter, "comment[body]": body });
  }
}
