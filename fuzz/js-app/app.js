// The app the JavaScript fuzz targets (fuzz/fuzz_js_*.c) boot once: each route hands its input
// to one of the framework's decoders of outside input. The targets call `cable.handle` with
// "<route>\n<input>" (the cheapest door into the runtime: no Request, URL or Response is built
// around the input, so every cycle is spent in the decoder); `fetch` runs the same routes on a
// POST body, to replay a finding through a real server. A decoder may refuse the
// input only with an error that carries a 4xx status (the framework answers 400/413 with it) or,
// for templates, a SyntaxError naming the template; anything else it throws is a finding, and
// is answered "FINDING <name>: <message>" with the stack (status 598 through fetch).
// (The template's name and line in compile errors are the renderer's job: tests/framework.)
import { parseBody } from "quickrail/params";
import { parseCookies, decodeSession } from "quickrail/session";
import { compile } from "quickrail/view/erb";

// the UTF-8 bytes of s as a binary string, for btoa; a lone surrogate (raw input bytes may carry
// one) becomes U+FFFD as TextEncoder makes it (encodeURIComponent threw a URIError: campaign)
const latin1 = (s) => {
  let out = "";
  for (const b of new TextEncoder().encode(s)) out += String.fromCharCode(b);
  return out;
};
const bodyOf = (text, type) => ({ method: "POST", headers: { get: (h) => (h === "content-type" ? type : null) }, text: () => text });

const routes = {
  // a Cookie header as a browser sends it, and a session cookie whose signature is valid, so
  // the fuzzer reaches the decoding behind the HMAC check
  async session(text) {
    const cookies = parseCookies(text);
    for (const k of Object.keys(cookies)) decodeSession(cookies[k]);
    const data = btoa(latin1(text));
    decodeSession(data + "--" + Quickrail.hmacSha256Hex(data));
  },
  // the bytes as a query string / urlencoded body (parseBody's urlencoded branch is parseQuery)
  // and as a JSON body; parseBody reads only the method, the content-type and text() of the
  // request, so a plain object stands for it
  async params(text) {
    await parseBody(bodyOf(text, "application/x-www-form-urlencoded"));
    await parseBody(bodyOf(text, "application/json"));
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

// "ok", "refused", or the finding: "FINDING <name>: <message>\n<stack>"
async function run(route, text) {
  try {
    await routes[route](text);
    return "ok";
  } catch (e) {
    if (acceptable(route, e)) return "refused";
    return "FINDING " + (e && e.name ? `${e.name}: ${e.message}\n${e.stack || ""}` : `non-error thrown: ${String(e)}`);
  }
}

export default {
  async fetch(request) {
    const out = await run(new URL(request.url).pathname.slice(1), await request.text());
    return new Response(out, { status: out === "ok" ? 200 : out === "refused" ? 400 : 598 });
  },
  cable: {
    needsConnect: false,
    async handle(op) {
      const nl = op.indexOf("\n");
      return JSON.stringify(await run(op.slice(0, nl), op.slice(nl + 1)));
    },
  },
};
