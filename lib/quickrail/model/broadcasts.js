// model/broadcasts.js — Turbo::Broadcastable: broadcastsTo(stream, {insertsBy, target}) and the
// instance methods broadcastReplaceTo/AppendTo/PrependTo/RemoveTo/UpdateTo/BeforeTo/AfterTo/
// RefreshTo. Each renders the record's partial (through hooks.renderPartial) into a
// <turbo-stream> element and hands it to the runtime's broadcast(stream, html). Called from
// after_*_commit callbacks, so a rolled-back change is never broadcast.
import { Base } from "./base.js";
import { hooks } from "../support/hooks.js";
import { streamName, domId, turboStreamTag } from "../turbo.js";

function send(stream, html) {
  if (typeof globalThis.broadcast === "function") globalThis.broadcast(stream, html);
  else if (globalThis.Beam && Beam.callSync) Beam.callSync("__broadcast", stream, html);
}

function renderRecord(record, opts) {
  if (opts.html !== undefined) return String(opts.html);
  if (opts.content !== undefined) return String(opts.content);
  if (!hooks.renderPartial) throw new Error("quickrail: no view renderer installed; broadcasts need the application booted");
  const partial = opts.partial || record.toPartialPath();
  const locals = Object.assign({ [record.constructor.modelName.singular]: record }, opts.locals || {});
  return hooks.renderPartial(partial, locals);
}

// Splits (...streamables, options) where the last argument may be an options object.
function splitArgs(args) {
  const last = args[args.length - 1];
  if (args.length > 1 && last && typeof last === "object" && !(last instanceof Base) && !Array.isArray(last)) return [args.slice(0, -1), last];
  return [args, {}];
}

const P = Base.prototype;
P.broadcastActionTo = function (action, ...args) {
  const [streamables, opts] = splitArgs(args);
  const target = opts.target !== undefined ? opts.target : (action === "append" || action === "prepend" ? this.constructor.modelName.plural : domId(this));
  // Without a booted application (CLI tasks such as db:seed) there is no renderer and no listener.
  if (action !== "remove" && !hooks.renderPartial && opts.html === undefined && opts.content === undefined) return;
  const html = action === "remove" ? undefined : renderRecord(this, opts);
  send(streamName(streamables), turboStreamTag(action, typeof target === "object" && target ? domId(target) : target, html, opts));
};
P.broadcastReplaceTo = function (...a) { this.broadcastActionTo("replace", ...a); };
P.broadcastUpdateTo = function (...a) { this.broadcastActionTo("update", ...a); };
P.broadcastAppendTo = function (...a) { this.broadcastActionTo("append", ...a); };
P.broadcastPrependTo = function (...a) { this.broadcastActionTo("prepend", ...a); };
P.broadcastBeforeTo = function (...a) { this.broadcastActionTo("before", ...a); };
P.broadcastAfterTo = function (...a) { this.broadcastActionTo("after", ...a); };
P.broadcastRemoveTo = function (...a) { this.broadcastActionTo("remove", ...a); };
P.broadcastRefreshTo = function (...streamables) { send(streamName(streamables), turboStreamTag("refresh")); };
// Rails' *_later_to variants render in a job; here they render after commit, in-process.
P.broadcastReplaceLaterTo = P.broadcastReplaceTo;
P.broadcastAppendLaterTo = P.broadcastAppendTo;
P.broadcastPrependLaterTo = P.broadcastPrependTo;
P.broadcastActionLaterTo = P.broadcastActionTo;
P.broadcastReplace = function (opts = {}) { this.broadcastReplaceTo(this, opts); };
P.broadcastRemove = function () { this.broadcastRemoveTo(this); };

function resolveStream(stream, record) { return typeof stream === "function" ? stream.call(record, record) : stream; }

// broadcastsTo((article) => "articles", { insertsBy: "prepend" }) — Rails' broadcasts_to
Base.broadcastsTo = function (stream, options = {}) {
  const insertsBy = options.insertsBy || options.inserts_by || "append";
  const target = options.target;
  const rendering = {};
  if (options.partial) rendering.partial = options.partial;
  if (options.locals) rendering.locals = options.locals;
  this.afterCreateCommit(function () {
    const t = target === undefined ? this.constructor.modelName.plural : (typeof target === "function" ? target.call(this, this) : target);
    this.broadcastActionTo(insertsBy, resolveStream(stream, this), Object.assign({ target: t }, rendering));
  });
  this.afterUpdateCommit(function () { this.broadcastReplaceTo(resolveStream(stream, this), Object.assign({}, rendering)); });
  // The stream of a removal is named while the record's associations still resolve (inside the
  // destroy, before the commit), so a parent destroyed with it is not yet gone.
  this.afterDestroy(function () { Object.defineProperty(this, "__qrRemoveStream", { value: streamName(resolveStream(stream, this)), configurable: true }); });
  this.afterDestroyCommit(function () { this.broadcastRemoveTo(this.__qrRemoveStream !== undefined ? this.__qrRemoveStream : resolveStream(stream, this)); });
  return this;
};
// broadcasts() — Rails' `broadcasts`: to the record's own stream.
Base.broadcasts = function (options = {}) { return this.broadcastsTo((r) => r, options); };
Base.broadcastsRefreshesTo = function (stream) {
  this.afterCommit(function () { this.broadcastRefreshTo(resolveStream(stream, this)); });
  return this;
};
