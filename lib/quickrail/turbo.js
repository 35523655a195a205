// turbo.js — Turbo's names and tags, shared by models (broadcasts), controllers and views:
// streamName (turbo-rails' stream names, records as GlobalID params), domId, the
// <turbo-stream> tag, the turbo_stream builder of controllers and *.turbo_stream.erb views,
// and the view helpers turboStreamFrom (a signed stream name) and turboFrameTag.
import { escapeHTML, raw, tagAttributes, SafeString } from "./support/html.js";
import { underscore } from "./support/inflector.js";
import { appDir as hostAppDir, signStreamName } from "./host.js";
import { capture } from "./view/context.js";

// A model instance (anything with a model name that knows whether it is persisted).
export function isRecord(v) { return v && typeof v === "object" && v.constructor && v.constructor.modelName && typeof v.isPersisted === "function"; }

function base64url(s) {
  const b = typeof btoa === "function" ? btoa(unescape(encodeURIComponent(s))) : Buffer.from(s, "utf8").toString("base64");
  return b.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
// The GlobalID app name of an app folder: "/srv/my_blog" -> "MyBlog".
export function appNameFromDir(dir) {
  dir = String(dir || "app").replace(/\/+$/, "");
  const base = dir.slice(dir.lastIndexOf("/") + 1) || "app";
  return base.replace(/(^|[_-])([a-z])/g, (m, a, c) => c.toUpperCase());
}
// The record's application's name, or (a model outside an application) the host's app folder's.
function appName(record) {
  const app = record.constructor.application;
  if (app) return app.appName;
  const dir = hostAppDir();
  return appNameFromDir(dir === "." ? "app" : dir);
}
// GlobalID param of a record, as turbo-rails puts records in stream names.
export function toGlobalIdParam(record) {
  return base64url("gid://" + underscore(appName(record)).replace(/_/g, "-") + "/" + record.constructor.name + "/" + record.id);
}
// streamName("articles") / streamName(article, "comments") / streamName([a, "x"]) -> "gid..:comments"
export function streamName(...parts) {
  return parts.flat(Infinity).filter((p) => p !== null && p !== undefined && p !== "")
    .map((p) => isRecord(p) ? toGlobalIdParam(p) : (p && typeof p.toStreamName === "function" ? p.toStreamName() : String(p))).join(":");
}

export function domId(record, prefix) {
  const name = record && record.constructor && record.constructor.modelName ? record.constructor.modelName.singular : underscore(String(record));
  // like Rails' to_key: a destroyed record keeps its id (broadcast_remove targets it)
  const id = record && record.id !== null && record.id !== undefined && !(record.isNewRecord && record.isNewRecord()) ? record.id : null;
  const core = id === null ? "new_" + name : name + "_" + id;
  return prefix ? prefix + "_" + core : core;
}

// <turbo-stream action="..." target="..."><template>...</template></turbo-stream>
export function turboStreamTag(action, target, content, opts = {}) {
  const targetAttr = opts.targets ? ' targets="' + escapeHTML(opts.targets) + '"' : (target ? ' target="' + escapeHTML(target) + '"' : "");
  const extra = (opts.method ? ' method="' + escapeHTML(opts.method) + '"' : "") + (opts.requestId ? ' request-id="' + escapeHTML(opts.requestId) + '"' : "");
  if (action === "remove" || action === "refresh") return '<turbo-stream action="' + action + '"' + targetAttr + extra + "></turbo-stream>";
  return '<turbo-stream action="' + action + '"' + targetAttr + extra + "><template>" + (content === undefined || content === null ? "" : String(content)) + "</template></turbo-stream>";
}

// turboStream.replace(record) / .append("comments", {partial, locals}) / .remove(record) ...
// for a controller, or for a view context ({ app, vc }) when called from a template.
export function turboStreamBuilder(controller) {
  const views = controller.app.views;
  const vcOf = () => (controller.viewContext ? controller.viewContext() : controller.vc);
  const make = (action) => (target, opts = {}) => {
    let content = opts.html !== undefined ? String(opts.html) : (opts.content !== undefined ? String(opts.content) : undefined);
    let t = target;
    if (target && typeof target === "object" && typeof target.toPartialPath === "function") {
      t = action === "append" || action === "prepend" ? target.constructor.modelName.plural : domId(target);
      if (content === undefined && action !== "remove") content = views.renderInView(vcOf(), target, opts.locals).s;
    }
    if (content === undefined && opts.partial) content = views.renderInView(vcOf(), { partial: opts.partial, locals: opts.locals }).s;
    return new SafeString(turboStreamTag(action, t, content, opts));
  };
  const out = {};
  for (const a of ["append", "prepend", "replace", "update", "remove", "before", "after"]) out[a] = make(a);
  out.refresh = () => new SafeString(turboStreamTag("refresh"));
  return out;
}

export function turboStreamFrom(...streamables) {
  let opts = {};
  const last = streamables[streamables.length - 1];
  if (streamables.length > 1 && last && typeof last === "object" && !Array.isArray(last) && !isRecord(last)) opts = streamables.pop();
  const name = streamName(streamables);
  const token = signStreamName(name);
  const attrs = Object.assign({ channel: opts.channel || "Turbo::StreamsChannel", "signed-stream-name": token }, opts.data ? { data: opts.data } : {});
  return raw("<turbo-cable-stream-source" + tagAttributes(attrs) + "></turbo-cable-stream-source>");
}
export function turboFrameTag(id, opts, block) {
  if (typeof opts === "function") { block = opts; opts = {}; }
  const fid = isRecord(id) ? domId(id) : [].concat(id).map((x) => isRecord(x) ? domId(x) : x).join("_");
  return raw("<turbo-frame" + tagAttributes(Object.assign({ id: fid }, opts || {})) + ">" + (block ? String(capture(block)) : "") + "</turbo-frame>");
}

