// request.js — ActionDispatch::Request over a Web API Request: method (with _method override),
// path, format (extension, then Accept), cookies, base URL, parsed params.
import { parseCookies } from "./session.js";

export class QRequest {
  constructor(request) {
    this.raw = request;
    this.url = new URL(request.url);
    this.headers = request.headers;
    this.originalMethod = request.method.toUpperCase();
    this.method = this.originalMethod;
    this.path = this.url.pathname;
    this.cookies = parseCookies(request.headers.get("cookie"));
    this.format = null;
    this.id = request.headers.get("x-request-id") || null;
  }
  get baseUrl() {
    const host = this.headers.get("host");
    const proto = this.headers.get("x-forwarded-proto") || this.url.protocol.replace(":", "");
    return host ? proto + "://" + host : this.url.origin;
  }
  get fullpath() { return this.url.pathname + this.url.search; }
  get referer() { return this.headers.get("referer"); }
  get remoteIp() { return this.headers.get("x-forwarded-for") || this.headers.get("x-real-ip") || null; }
  isXhr() { return /XMLHttpRequest/i.test(this.headers.get("x-requested-with") || ""); }
  isGet() { return this.method === "GET" || this.method === "HEAD"; }
  // Formats the client accepts, best first: ["turbo_stream", "html", ...]
  acceptedFormats() {
    if (this.extFormat) return [this.extFormat];
    const accept = this.headers.get("accept") || "";
    if (!accept) return ["html"];
    const out = [];
    for (const part of accept.split(",")) {
      const t = part.split(";")[0].trim().toLowerCase();
      const f = t === "text/vnd.turbo-stream.html" ? "turbo_stream" : t === "text/html" || t === "application/xhtml+xml" ? "html"
        : t === "application/json" || t === "text/json" ? "json" : t === "*/*" ? "*" : t === "text/plain" ? "text" : t === "application/xml" ? "xml" : null;
      if (f && !out.includes(f)) out.push(f);
    }
    if (!out.length) out.push("html");
    return out;
  }
}
