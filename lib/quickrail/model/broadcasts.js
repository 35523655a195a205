// model/broadcasts.js — Turbo::Broadcastable: broadcastsTo(stream, {insertsBy, target}) and the
// record's broadcastReplaceTo/AppendTo/PrependTo/RemoveTo/UpdateTo/BeforeTo/AfterTo/RefreshTo.
// Each renders the record's partial through the application its model is registered with
// (app.renderPartial) into a <turbo-stream> element and hands it to the host's broadcast.
// Called from after_*_commit callbacks, so a rolled-back change is never broadcast. Functions
// of (record | model class, ...); model/base.js exposes them as methods. Does not import base.js.
import { streamName, domId, turboStreamTag, isRecord } from "../turbo.js";
import { broadcast } from "../host.js";

// The application the record's model is registered with (null outside a booted app: CLI tasks).
function appOf(record) { return record.constructor.application || null; }

function renderRecord(record, app, opts) {
  if (opts.html !== undefined) return String(opts.html);
  if (opts.content !== undefined) return String(opts.content);
  if (!app) throw new Error("quickrail: no view renderer installed; broadcasts need the application booted");
  const partial = opts.partial || record.toPartialPath();
  const locals = Object.assign({ [record.constructor.modelName.singular]: record }, opts.locals || {});
  return app.renderPartial(partial, locals);
}

// Splits (...streamables, options) where the last argument may be an options object.
function splitArgs(args) {
  const last = args[args.length - 1];
  if (args.length > 1 && last && typeof last === "object" && !isRecord(last) && !Array.isArray(last)) return [args.slice(0, -1), last];
  return [args, {}];
}

// broadcastActionTo(record, "replace", [...streamables, options])
export function broadcastActionTo(record, action, args) {
  const [streamables, opts] = splitArgs(args);
  const target = opts.target !== undefined ? opts.target : (action === "append" || action === "prepend" ? record.constructor.modelName.plural : domId(record));
  const app = appOf(record);
  // Without a booted application (CLI tasks such as db:seed) there is no renderer and no listener.
  if (action !== "remove" && !app && opts.html === undefined && opts.content === undefined) return;
  const html = action === "remove" ? undefined : renderRecord(record, app, opts);
  broadcast(streamName(streamables), turboStreamTag(action, typeof target === "object" && target ? domId(target) : target, html, opts));
}
export function broadcastRefreshTo(streamables) { broadcast(streamName(streamables), turboStreamTag("refresh")); }

function resolveStream(stream, record) { return typeof stream === "function" ? stream.call(record, record) : stream; }

// broadcastsTo(Article, (article) => "articles", { insertsBy: "prepend" }) — Rails' broadcasts_to
export function broadcastsTo(model, stream, options = {}) {
  const insertsBy = options.insertsBy || options.inserts_by || "append";
  const target = options.target;
  const rendering = {};
  if (options.partial) rendering.partial = options.partial;
  if (options.locals) rendering.locals = options.locals;
  model.afterCreateCommit(function () {
    const t = target === undefined ? this.constructor.modelName.plural : (typeof target === "function" ? target.call(this, this) : target);
    this.broadcastActionTo(insertsBy, resolveStream(stream, this), Object.assign({ target: t }, rendering));
  });
  model.afterUpdateCommit(function () { this.broadcastReplaceTo(resolveStream(stream, this), Object.assign({}, rendering)); });
  // The stream of a removal is named while the record's associations still resolve (inside the
  // destroy, before the commit), so a parent destroyed with it is not yet gone.
  model.afterDestroy(function () { Object.defineProperty(this, "__qrRemoveStream", { value: streamName(resolveStream(stream, this)), configurable: true }); });
  model.afterDestroyCommit(function () { this.broadcastRemoveTo(this.__qrRemoveStream !== undefined ? this.__qrRemoveStream : resolveStream(stream, this)); });
  return model;
}
export function broadcastsRefreshesTo(model, stream) {
  model.afterCommit(function () { this.broadcastRefreshTo(resolveStream(stream, this)); });
  return model;
}
