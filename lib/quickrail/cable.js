// cable.js — app-defined Action Cable channels, run in workers: the application's cable entry
// (app.cable.handle(opJson) -> resultJson; the server finds it as the `cable` of the app
// module's default export), per the op formats in src/cable.h (connect / subscribe / perform /
// unsubscribe). Channel classes (app/channels/*_channel.js) get subscribed/unsubscribed/
// actions, streamFrom/streamFor/stopAllStreams, transmit and reject; the connection class
// (app/channels/application_cable/connection.js) gets connect(), identifiedBy and
// rejectUnauthorizedConnection(). Each op gets fresh instances: state lives in the supervisor.
import { decodeSession, parseCookies } from "./session.js";
import { streamName } from "./turbo.js";
import { registry } from "./model/base.js";

class Unauthorized extends Error { constructor() { super("unauthorized"); this.name = "UnauthorizedError"; } }

export class Connection {
  constructor(req, identifiers, app) {
    this.request = req;
    this.app = app;
    this.cookies = parseCookies((req.headers || {}).cookie || "");
    const key = app && app.config.sessionKey;
    this.session = (key && decodeSession(this.cookies[key])) || {};
    let params = {};
    try { params = Object.fromEntries(new URL(req.url || "/", "http://x").searchParams); } catch (e) { /* none */ }
    this.params = params;
    Object.assign(this, identifiers || {});
  }
  static identifiedBy(...names) {
    if (!Object.prototype.hasOwnProperty.call(this, "__identifiers")) Object.defineProperty(this, "__identifiers", { value: [], enumerable: false });
    this.__identifiers.push(...names);
    return this;
  }
  connect() {}
  disconnect() {}
  rejectUnauthorizedConnection() { throw new Unauthorized(); }
}

export class Channel {
  constructor(connection, identifier, params) {
    this.connection = connection;
    this.identifier = identifier;
    this.params = params;
    Object.defineProperty(this, "_out", { value: { transmit: [], streams: [], stopStreams: [], rejected: false }, enumerable: false });
    for (const k of Object.keys(connection || {})) if (!(k in this)) this[k] = connection[k];
  }
  subscribed() {}
  unsubscribed() {}
  streamFrom(name) { this._out.streams.push(String(name)); }
  streamFor(...records) { this.streamFrom(streamName(records)); }
  stopStreamFrom(name) { this._out.stopStreams.push(String(name)); }
  stopStreamFor(...records) { this.stopStreamFrom(streamName(records)); }
  stopAllStreams() { this._out.stopStreams.push("*"); }
  transmit(data) { this._out.transmit.push(data); }
  reject() { this._out.rejected = true; }
}

function serializeIdentifiers(conn, cls) {
  const out = {};
  for (const n of cls.__identifiers || []) {
    const v = conn[n];
    out[n] = v && typeof v === "object" && v.constructor && v.constructor.modelName ? { $model: v.constructor.name, id: v.id } : v;
  }
  return out;
}
function deserializeIdentifiers(ids, app) {
  const models = (app && app.models) || {};
  const out = {};
  for (const k of Object.keys(ids || {})) {
    const v = ids[k];
    const model = v && typeof v === "object" && v.$model ? models[v.$model] || registry[v.$model] : null;
    if (model) out[k] = model.findBy({ id: v.id });
    else out[k] = v;
  }
  return out;
}

export class Cable {
  constructor(app, channels, ConnectionClass) {
    this.app = app;
    this.channels = {};
    if (Array.isArray(channels)) for (const c of channels) this.channels[c.channelName || c.name] = c;
    else Object.assign(this.channels, channels); // { "Chat::RoomChannel": Class }
    this.Connection = ConnectionClass || Connection;
  }
  // No Connection class: every connect is accepted with no identifiers, so the server skips asking.
  get needsConnect() { return this.Connection !== Connection; }
  // The channel class names: the server answers a subscribe to any other name itself.
  get channelNames() { return Object.keys(this.channels); }
  handle(opJson) {
    let op;
    try { op = typeof opJson === "string" ? JSON.parse(opJson) : opJson; } catch (e) { return JSON.stringify({ ok: false, error: "bad op json" }); }
    try { return JSON.stringify(this[op.op] ? this[op.op](op) : { ok: false, error: "unknown op " + op.op }); }
    catch (e) {
      console.error("quickrail cable " + op.op + ": " + (e && e.stack || e));
      return JSON.stringify({ ok: false, error: String(e && e.message || e) });
    }
  }
  connection(op) {
    return new this.Connection({ url: op.url, headers: op.headers || {} }, deserializeIdentifiers(op.identifiers, this.app), this.app);
  }
  connect(op) {
    const conn = this.connection(op);
    try { conn.connect(); } catch (e) {
      if (e instanceof Unauthorized) return { ok: false };
      throw e;
    }
    return { ok: true, identifiers: serializeIdentifiers(conn, this.Connection) };
  }
  channelFor(op) {
    let id;
    try { id = JSON.parse(op.identifier); } catch (e) { return null; }
    const Cls = id && this.channels[id.channel];
    if (!Cls) return null;
    const params = Object.assign({}, id);
    return new Cls(this.connection(op), op.identifier, params);
  }
  subscribe(op) {
    const ch = this.channelFor(op);
    if (!ch) return { ok: null };
    ch.subscribed();
    const o = ch._out;
    return { ok: !o.rejected, transmit: o.transmit, streams: o.rejected ? [] : o.streams };
  }
  perform(op) {
    const ch = this.channelFor(op);
    if (!ch) return { transmit: [], streams: [], stopStreams: [] };
    let data = {};
    try { data = typeof op.data === "string" ? JSON.parse(op.data) : (op.data || {}); } catch (e) { data = {}; }
    const action = data.action;
    const forbidden = ["constructor", "subscribed", "unsubscribed", "streamFrom", "streamFor", "stopStreamFrom", "stopAllStreams", "transmit", "reject"];
    if (action && typeof ch[action] === "function" && !forbidden.includes(action) && !action.startsWith("_")) ch[action](data);
    else if (typeof ch.receive === "function") ch.receive(data);
    else console.error("quickrail cable: " + ch.constructor.name + " has no action " + action);
    const o = ch._out;
    return { transmit: o.transmit, streams: o.streams, stopStreams: o.stopStreams };
  }
  unsubscribe(op) {
    const ch = this.channelFor(op);
    if (ch) ch.unsubscribed();
    return {};
  }
}
