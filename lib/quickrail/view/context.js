// view/context.js — the view context of the render in progress (output buffer, assigns,
// content_for blocks, request, CSRF token). Rendering is synchronous, so helpers find the
// context here instead of through `this`, and templates can call them as plain functions.
import { raw } from "../support/html.js";
import { env as hostEnv } from "../host.js";

let current = null;
export function currentContext() { return current; }
export function withContext(vc, fn) {
  const prev = current; current = vc;
  try { return fn(); } finally { current = prev; }
}

export class ViewContext {
  constructor(opts = {}) {
    this.o = [];
    this.assigns = opts.assigns || {};
    this.request = opts.request || null;      // the framework's request wrapper (or null in broadcasts)
    this.controller = opts.controller || null;
    this.controllerPath = opts.controllerPath || "";
    this.app = opts.app;
    this.content = {};
    this.format = opts.format || "html";
    const self = this;
    this.yieldContent = function (name) {
      if (name === undefined || name === null) return raw(self.content.__layout || "");
      return raw(self.content[name] || "");
    };
  }
  baseUrl() {
    if (this.request) return this.request.baseUrl;
    const e = hostEnv();
    return e.APP_URL || "http://localhost:" + (e.PORT || 3000);
  }
  csrfToken() { return this.controller ? this.controller.formAuthenticityToken() : null; }
  flash() { return this.controller ? this.controller.flash : {}; }
}

// capture(fn, ...args): runs a template block, returning what it wrote (or returned) as HTML.
export function capture(fn, ...args) {
  const vc = current;
  if (!vc) { const r = fn(...args); return raw(r === undefined ? "" : r); }
  const saved = vc.o; vc.o = [];
  let r;
  try { r = fn(...args); } finally { var out = vc.o.join(""); vc.o = saved; }
  if (out === "" && r !== undefined && r !== null) return typeof r === "string" ? raw(escapeIfPlain(r)) : raw(r);
  return raw(out);
}
function escapeIfPlain(s) { return s; }
