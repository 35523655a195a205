// The app the JavaScript fuzz targets (fuzz/fuzz_js_*.c) boot once: each route hands the
// request body to one of the framework's decoders of outside input. A decoder may refuse the
// input only with an error that carries a 4xx status (the framework answers 400/413 with it) or,
// for templates, a SyntaxError naming the template; anything else it throws is a finding, and
// is reported as status 598 with the error's name, message and stack.
// (The template's name and line in compile errors are the renderer's job: tests/framework.)
import { parseQuery, parseBody } from "quickrail/params";
import { parseCookies, decodeSession } from "quickrail/session";
import { compile } from "quickrail/view/erb";

const latin1 = (s) => unescape(encodeURIComponent(s));

const routes = {
  // a Cookie header as a browser sends it, and a session cookie whose signature is valid, so
  // the fuzzer reaches the decoding behind the HMAC check
  async session(text) {
    const cookies = parseCookies(text);
    for (const k of Object.keys(cookies)) decodeSession(cookies[k]);
    const data = btoa(latin1(text));
    decodeSession(data + "--" + Quickrail.hmacSha256Hex(data));
  },
  // a query string and the same bytes as an urlencoded and as a JSON body
  async params(text) {
    parseQuery(text);
    const form = new Request("http://fuzz/", { method: "POST", body: text,
      headers: { "content-type": "application/x-www-form-urlencoded" } });
    await parseBody(form);
    const json = new Request("http://fuzz/", { method: "POST", body: text,
      headers: { "content-type": "application/json" } });
    await parseBody(json);
  },
  // the first line is the boundary, the rest the multipart body
  async multipart(text) {
    const nl = text.indexOf("\n");
    // a header value can only carry visible ASCII and spaces: the server never hands the
    // framework anything else, so neither does the harness
    const boundary = (nl < 0 ? text : text.slice(0, nl)).replace(/[^\x20-\x7e]/g, "");
    const body = nl < 0 ? "" : text.slice(nl + 1);
    const req = new Request("http://fuzz/", { method: "POST", body,
      headers: { "content-type": "multipart/form-data; boundary=" + boundary } });
    await parseBody(req);
  },
  async erb(text) {
    compile(text, "fuzz.html.erb");
  },
};

function acceptable(route, e) {
  if (e && typeof e.status === "number" && e.status >= 400 && e.status < 500) return true;
  // a template that does not compile is the developer's error, reported as a SyntaxError
  if (route === "erb" && e instanceof SyntaxError) return true;
  return false;
}

export default {
  async fetch(request) {
    const route = new URL(request.url).pathname.slice(1);
    const text = await request.text();
    try {
      await routes[route](text);
      return new Response("ok");
    } catch (e) {
      if (acceptable(route, e)) return new Response("refused", { status: 400 });
      const what = e && e.name ? `${e.name}: ${e.message}\n${e.stack || ""}` : `non-error thrown: ${String(e)}`;
      return new Response(what, { status: 598 });
    }
  },
};
