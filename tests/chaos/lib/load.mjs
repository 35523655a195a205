// Steady load on the blog through real HTTP/1.1 keep-alive connections on 127.0.0.1: index
// pages, show pages and a stream of comment creations, at a fixed rate with a fixed number of
// client loops, bounded by stop() (and by a hard time limit). Records every request, so that
// each fault phase can check that every request it did not fault succeeded, and keeps the
// body of every acknowledged (2xx/3xx) comment so the database can be checked afterwards.
import http from "node:http";
import { BlogClient } from "./blog.mjs";
import { sleep } from "./util.mjs";

export class LoadGenerator {
  // opts: { port, articleIds (for show/comment), concurrency, rps, commentShare, maxMs }
  constructor(opts) {
    this.opts = { concurrency: 6, rps: 30, commentShare: 0.1, indexShare: 0.3, maxMs: 30 * 60 * 1000, ...opts };
    this.agent = new http.Agent({ keepAlive: true, maxSockets: this.opts.concurrency });
    this.sockets = { opened: 0, closed: 0 };
    const origCreate = this.agent.createConnection.bind(this.agent);
    this.agent.createConnection = (...a) => {
      const s = origCreate(...a);
      this.sockets.opened++;
      s.on("close", () => { if (!this.stopping) this.sockets.closed++; });
      return s;
    };
    this.results = [];      // { t (ms epoch), kind, status, error, ms }
    this.acked = [];        // comment bodies acknowledged with 2xx/3xx
    this.unacked = [];      // comment bodies whose POST failed (may or may not exist)
    this.seq = 0;
    this.running = false;
  }

  async prepare() {
    this.clients = [];
    for (let i = 0; i < this.opts.concurrency; i++) {
      const c = new BlogClient(this.opts.port, this.agent);
      await c.get("/articles");
      for (const id of this.opts.articleIds) await c.show(id);
      this.clients.push(c);
    }
  }

  start() {
    this.running = true;
    this.started = Date.now();
    const interval = (1000 * this.opts.concurrency) / this.opts.rps;
    this.loops = this.clients.map((c, i) => this.loop(c, i, interval));
  }

  async loop(client, i, interval) {
    await sleep((interval * i) / this.opts.concurrency);
    let next = performance.now();
    while (this.running && Date.now() - this.started < this.opts.maxMs) {
      const ids = this.opts.articleIds;
      const id = ids[Math.floor(Math.random() * ids.length)];
      const roll = Math.random();
      const t = Date.now();
      let r, kind, body;
      if (roll < this.opts.commentShare) {
        kind = "comment";
        body = `chaos-load-${process.pid}-${++this.seq}`;
        r = await client.comment(id, body);
      } else if (roll < this.opts.commentShare + this.opts.indexShare) {
        kind = "index";
        r = await client.get("/articles");
      } else {
        kind = "show";
        r = await client.get(`/articles/${id}`);
      }
      const ok = r.status >= 200 && r.status < 400;
      this.results.push({ t, t1: Date.now(), kind, status: r.status, error: r.error, ms: r.t1 - r.t0 });
      if (kind === "comment") (ok ? this.acked : this.unacked).push(body);
      next += interval;
      const wait = next - performance.now();
      if (wait > 0) await sleep(wait); else next = performance.now();
    }
  }

  async stop() {
    this.running = false;
    await Promise.all(this.loops || []);
    this.stopping = true;
    this.agent.destroy();
  }

  // Requests started in [from, to).
  window(from, to) { return this.results.filter((r) => r.t >= from && r.t < to); }
}

export const isOk = (r) => r.status >= 200 && r.status < 400;
